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
 * submitter's thread a page's parse delays the submissions in flight (about
 * 1.5 ms for the 80 documents of a half-load page, since pages are ASCII).
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

/** Polls every recipient's inbox until `stopping()`; `report` gets each acknowledged batch's count, or an error. */
export async function pullInboxes(config: PullersConfig, report: (m: PullerMessage) => void, stopping: () => boolean): Promise<void> {
  const { base, page: PAGE, pollMs } = config;
  async function pull(organId: string): Promise<void> {
    const c = client(base, organId, 2);
    while (!stopping()) {
      const page = JSON.parse((await c.request('GET', `/v1/inbox?limit=${PAGE}&include=bytes`)).body.toString()) as {
        entries: { deliveryId: string; message: { id: string; size: number }; bytes: string | null }[];
      };
      if (page.entries.length === 0) {
        await sleep(pollMs);
        continue;
      }
      for (const e of page.entries) {
        if (Buffer.byteLength(e.bytes ?? '', 'base64') !== e.message.size) throw new Error(`message ${e.message.id}: bytes missing or cut`);
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
