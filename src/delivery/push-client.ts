/**
 * POSTs a message to an agency endpoint over mutual TLS: the hub presents its
 * client certificate and checks the agency's server certificate against the
 * trust store. Resolves with the HTTP status; rejects on network errors/timeouts.
 */
import https from 'node:https';
import { pipeline } from 'node:stream';
import { partedBody, type PartedBytes } from '../shared/bytes-body.js';

export interface PushTls {
  cert: string;
  key: string;
  ca: string[];
}

export interface PushRequest {
  endpoint: string;
  /** The message's bytes (a large stored body is read from the database as the socket takes it). */
  body: PartedBytes;
  headers: Record<string, string>;
  timeoutMs: number;
}

export interface PushClient {
  post(req: PushRequest): Promise<{ status: number; body: string }>;
  close(): void;
}

export function createPushClient(tls: PushTls): PushClient {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 32, cert: tls.cert, key: tls.key, ca: tls.ca });
  return {
    post(req) {
      return new Promise((resolve, reject) => {
        const r = https.request(
          req.endpoint,
          {
            method: 'POST',
            agent,
            timeout: req.timeoutMs,
            headers: { 'content-type': 'application/xml', 'content-length': String(req.body.size), ...req.headers },
          },
          (res) => {
            const chunks: Buffer[] = [];
            let size = 0;
            res.on('data', (c: Buffer) => {
              // Keep at most 4 KB of the answer for the error message.
              if (size < 4096) chunks.push(c);
              size += c.length;
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').slice(0, 4096) }));
            res.on('error', reject);
          },
        );
        r.on('timeout', () => r.destroy(new Error(`no answer within ${req.timeoutMs} ms`)));
        r.on('error', reject);
        const body = partedBody(req.body);
        if (Buffer.isBuffer(body)) r.end(body);
        // A body that fails while read (purged meanwhile) ends the request; the push fails with the body's error.
        else pipeline(body, r, (err) => err && reject(err));
      });
    },
    close() {
      agent.destroy();
    },
  };
}
