/** A test hub where G22 has sent `count` documents to H41 (a pull recipient): their delivery ids, oldest first. */
import { buildEdoc } from '../../src/edxml/build-edxml.js';
import { startTestHub, type TestHub } from './test-hub.js';

export const SENDER = '000.00.00.G22';
export const RECIPIENT = '000.00.00.H41';

export async function hubWithDeliveries(tag: string, count = 6, env: Record<string, string> = {}): Promise<{ hub: TestHub; ids: string[] }> {
  const hub = await startTestHub(env);
  await hub.setAgency(SENDER, { signaturePolicy: 'lenient' });
  for (let i = 0; i < count; i++) {
    const doc = buildEdoc({ from: { organId: SENDER }, to: [{ organId: RECIPIENT }], documentId: `${SENDER},2026/12/01,${i}/${tag}`, subject: `Văn bản ${i}` });
    const r = await hub.request(SENDER, 'POST', '/v1/messages', doc);
    if (r.status !== 202) throw new Error(`not accepted: ${r.status} ${r.body.toString()}`);
  }
  const ids = (await hub.request(RECIPIENT, 'GET', '/v1/inbox')).json<{ entries: { deliveryId: string }[] }>().entries.map((e) => e.deliveryId);
  return { hub, ids };
}
