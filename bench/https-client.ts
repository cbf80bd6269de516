/**
 * A keep-alive HTTPS client with an agency's dev certificate (mutual TLS), for
 * the benchmarks. undici's pool rather than `https.request`: the load
 * generator shares the machine's two cores with the hub, and every
 * microsecond it spends is one the hub does not get. 20,000 submissions of
 * 10 KB to a plain Node.js HTTPS server, 96 at once: 220–237 µs of client CPU
 * each with `https.request` and a keep-alive agent, 122–134 µs with undici.
 */
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import { testLayout } from '../test/helpers/test-certs.js';

export interface Client {
  request(method: 'GET' | 'POST', path: string, body?: Buffer, type?: string): Promise<{ status: number; body: Buffer }>;
  close(): Promise<void>;
}

export function client(base: string, organId: string, connections: number): Client {
  const l = testLayout();
  const pool = new Pool(base, {
    connections,
    connect: { ca: readFileSync(l.caCert), cert: readFileSync(l.agencyCert(organId)), key: readFileSync(l.agencyKey(organId)) },
  });
  return {
    async request(method, path, body, type = 'application/xml') {
      const res = await pool.request({ method, path, body, headers: body ? { 'content-type': type } : {} });
      return { status: res.statusCode, body: Buffer.from(await res.body.arrayBuffer()) };
    },
    close: () => pool.close(),
  };
}
