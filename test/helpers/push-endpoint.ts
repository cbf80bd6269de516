/**
 * An agency's receiving endpoint for push-delivery tests: HTTPS with a
 * certificate from the test CA, requiring the hub's client certificate.
 * `answer(n)` decides the HTTP status of the n-th request (1-based).
 */
import https from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { testLayout } from './test-certs.js';

export interface Received {
  deliveryId: string;
  messageId: string;
  sha256: string;
  body: Buffer;
  contentLength: string | undefined;
  clientSubject: string;
}

export interface PushEndpoint {
  url: string;
  received: Received[];
  requests: number;
  close(): Promise<void>;
}

export async function startPushEndpoint(answer: (n: number) => number): Promise<PushEndpoint> {
  const l = testLayout();
  const state = { received: [] as Received[], requests: 0 };
  const server = https.createServer(
    {
      key: readFileSync(l.serverKey),
      cert: readFileSync(l.serverCert),
      ca: readFileSync(l.caCert),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        state.requests += 1;
        const status = answer(state.requests);
        const peer = (req.socket as TLSSocket).getPeerCertificate();
        if (status >= 200 && status < 300) {
          state.received.push({
            deliveryId: String(req.headers['x-edoc-delivery-id']),
            messageId: String(req.headers['x-edoc-message-id']),
            sha256: String(req.headers['x-edoc-sha256']),
            body: Buffer.concat(chunks),
            contentLength: req.headers['content-length'],
            clientSubject: peer.subject?.CN ? String(peer.subject.CN) : '',
          });
        }
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'try later');
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}/edoc/in`,
    get received() {
      return state.received;
    },
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
