/**
 * The hub bench's recipients, on a worker thread: each polls its inbox for a
 * page of documents with their bytes, checks them, and acknowledges the page in
 * one batch; again at once after a full page, otherwise after `pollMs`.
 *
 * A thread of their own because they are other agencies' systems: parsing a
 * page of a few megabytes blocks an event loop for milliseconds, and on the
 * submitter's loop that time was counted in the accept latency measured there.
 * (They still share the machine's cores, and their CPU still counts as the load
 * generator's: `process.cpuUsage()` covers every thread.)
 *
 * Messages to the parent: `{ acked: n }` after each batch; `{ error }` if a
 * check fails; `{ stopped: true }` after `'stop'` once every poll has ended.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';
import { client } from './https-client.js';

export interface PullersConfig {
  base: string;
  recipients: string[];
  page: number;
  pollMs: number;
}

export type PullerMessage = { acked: number } | { error: string } | { stopped: true };

const port = parentPort!;
const { base, recipients, page: PAGE, pollMs } = workerData as PullersConfig;
let pulling = true;
port.on('message', (m: unknown) => {
  if (m === 'stop') pulling = false;
});
const post = (m: PullerMessage): void => port.postMessage(m);

async function pull(organId: string): Promise<void> {
  const c = client(base, organId, 2);
  while (pulling) {
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
    post({ acked: (JSON.parse(a.body.toString()) as { results: { outcome: string }[] }).results.filter((r) => r.outcome === 'acknowledged').length });
    if (page.entries.length < PAGE) await sleep(pollMs);
  }
  await c.close();
}

await Promise.all(recipients.map((organId) => pull(organId).catch((e: unknown) => post({ error: `${organId}: ${e instanceof Error ? e.message : String(e)}` }))));
post({ stopped: true });
