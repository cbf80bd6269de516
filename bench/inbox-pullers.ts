/**
 * The hub bench's recipients: each polls its inbox for a page of documents
 * with their bytes, checks them, and acknowledges the page in one batch; again
 * at once after a full page, otherwise after `pollMs`.
 *
 * They run on the submitter's thread. On a worker thread of their own they
 * took the cores from the hub at the moments they parsed a page: three
 * interleaved pairs of 15 s runs, half-load p99 76–92 ms on a thread against
 * 51–96 ms on the submitter's (two of three at 51–60 ms), and the hub itself
 * timed 1.8–3.3 % of those accepts over 50 ms against 0.6–3.5 %. On the
 * submitter's thread a page's parse delays the submissions in flight.
 *
 * A page is read without turning it into one string: a 200-document page is
 * 2.7 MB, and a string that large gets memory of its own, fresh pages that
 * each cost a page fault — ~10 µs apiece on the bench's virtual machine, where
 * `Buffer.toString` of such a page took 9.8 ms (673 faults) and `JSON.parse`
 * of the string 3.2 ms. So each document's base64 is measured where it lies in
 * the response and the rest of the page, a few hundred bytes per entry, is
 * parsed as JSON (see `readPage`).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { client } from './https-client.js';

export interface PullersConfig {
  base: string;
  recipients: string[];
  page: number;
  pollMs: number;
}

export type PullerMessage = { acked: number } | { error: string };

/** An inbox page as the recipients read it: each document's `bytes` is the number of bytes its base64 decodes to (null when absent). */
export interface ReadPage {
  entries: { deliveryId: string; message: { id: string; size: number }; bytes: number | null }[];
}

const BYTES_STRING = Buffer.from('"bytes":"');
const QUOTE = 0x22;
const EQUALS = 0x3d;

/**
 * Parses an inbox page's JSON with each `"bytes":"<base64>"` replaced by the
 * length the base64 decodes to. The key cannot occur inside another JSON
 * string (its quotes would be escaped there), and base64 holds no quote, so
 * the next quote ends the document.
 */
export function readPage(body: Buffer): ReadPage {
  const rest: string[] = [];
  let at = 0;
  for (let key = body.indexOf(BYTES_STRING); key >= 0; key = body.indexOf(BYTES_STRING, at)) {
    const start = key + BYTES_STRING.length;
    const end = body.indexOf(QUOTE, start);
    if (end < 0) throw new Error('inbox page cut inside a document');
    const padding = (body[end - 1] === EQUALS ? 1 : 0) + (body[end - 2] === EQUALS ? 1 : 0);
    rest.push(body.toString('utf8', at, key), `"bytes":${Math.floor(((end - start) * 3) / 4) - padding}`);
    at = end + 1;
  }
  rest.push(body.toString('utf8', at));
  return JSON.parse(rest.join('')) as ReadPage;
}

/** Polls every recipient's inbox until `stopping()`; `report` gets each acknowledged batch's count, or an error. */
export async function pullInboxes(config: PullersConfig, report: (m: PullerMessage) => void, stopping: () => boolean): Promise<void> {
  const { base, page: PAGE, pollMs } = config;
  async function pull(organId: string): Promise<void> {
    const c = client(base, organId, 2);
    while (!stopping()) {
      const page = readPage((await c.request('GET', `/v1/inbox?limit=${PAGE}&include=bytes`)).body);
      if (page.entries.length === 0) {
        await sleep(pollMs);
        continue;
      }
      for (const e of page.entries) {
        if (e.bytes !== e.message.size) throw new Error(`message ${e.message.id}: bytes missing or cut`);
      }
      const body = Buffer.from(JSON.stringify({ deliveries: page.entries.map((e) => ({ id: e.deliveryId, result: 'done' })) }));
      const a = await c.request('POST', '/v1/deliveries/ack', body, 'application/json');
      if (a.status !== 200) throw new Error(`ack ${a.status}: ${a.body.toString()}`);
      report({ acked: (JSON.parse(a.body.toString()) as { results: { outcome: string }[] }).results.filter((r) => r.outcome === 'acknowledged').length });
      if (page.entries.length < PAGE) await sleep(pollMs);
    }
    await c.close();
  }
  await Promise.all(config.recipients.map((organId) => pull(organId).catch((e: unknown) => report({ error: `${organId}: ${e instanceof Error ? e.message : String(e)}` }))));
}
