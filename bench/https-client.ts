/** A keep-alive HTTPS client with an agency's dev certificate (mutual TLS), for the benchmarks. */
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { testLayout } from '../test/helpers/test-certs.js';

export interface Client {
  request(method: string, path: string, body?: Buffer, type?: string): Promise<{ status: number; body: Buffer }>;
}

export function client(base: string, organId: string, maxSockets: number): Client {
  const l = testLayout();
  const agent = new https.Agent({
    keepAlive: true,
    maxSockets,
    ca: readFileSync(l.caCert),
    cert: readFileSync(l.agencyCert(organId)),
    key: readFileSync(l.agencyKey(organId)),
  });
  return {
    request(method, path, body, type = 'application/xml') {
      return new Promise((resolve, reject) => {
        const req = https.request(`${base}${path}`, { method, agent, headers: body ? { 'content-type': type, 'content-length': String(body.length) } : {} }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(body);
      });
    },
  };
}
