/**
 * A failure notice (status 02 made by the hub) reaches the sender whatever the
 * text of the failure. The recipient's reason and an endpoint's answer go into
 * the notice's Description: a character XML 1.0 does not allow (U+0001, a lone
 * surrogate, U+FFFF) once made building the notice throw every time — never
 * sent, due forever, and at the head of the repair's batch of the oldest due.
 * Such characters become U+FFFD and a long reason is cut; a notice that still
 * cannot be made is put behind the others due.
 */
import t from 'tap';
import { acknowledgeDelivery } from '../../src/exchange/acknowledge-delivery.js';
import { noticeText, repairSenderNotices } from '../../src/exchange/notify-sender.js';
import type { ExchangeDeps } from '../../src/exchange/exchange-deps.js';
import type { TestHub } from '../helpers/test-hub.js';
import { hubWithDeliveries, RECIPIENT } from '../helpers/hub-with-deliveries.js';

const H41 = RECIPIENT;

let hub: TestHub;
let ids: string[] = [];
t.before(async () => {
  // The hub's own reconciler stays out of the way: the tests run the repair themselves (at 300 ms it raced them).
  ({ hub, ids } = await hubWithDeliveries('NOTICETEXT', 6, { EDOC_RECONCILE_INTERVAL_MS: '3600000' }));
});
t.teardown(() => hub.close());

/** The subject (Description) of the hub's notice about a delivery, or null. */
async function noticeAbout(deliveryId: string): Promise<string | null> {
  const r = await hub.tdb.db.query<{ subject: string }>("SELECT subject FROM messages WHERE generated_by_hub AND summary->>'noticeForDelivery' = $1", [deliveryId]);
  if (r.rows.length > 1) throw new Error('more than one notice');
  return r.rows[0]?.subject ?? null;
}
const due = async (): Promise<string[]> => (await hub.tdb.db.query<{ id: string }>('SELECT delivery_id AS id FROM notices_due ORDER BY due_at')).rows.map((r) => r.id);

t.test('noticeText: what XML 1.0 does not allow becomes U+FFFD, whole characters are cut', async (t) => {
  t.equal(noticeText('a\u0001b\u0000c\u000bd\ufffee\uffff', 100), 'a\ufffdb\ufffdc\ufffdd\ufffde\ufffd');
  t.equal(noticeText('x\ud800y\udc00z', 100), 'x\ufffdy\ufffdz', 'lone surrogates');
  t.equal(noticeText('tab\tLF\nCR\r 🙂 ắ', 100), 'tab\tLF\nCR\r 🙂 ắ', 'allowed characters stay');
  t.equal(noticeText('🙂🙂🙂🙂', 3), '🙂🙂…', 'cut to whole characters');
});

t.test('a "fail" acknowledgement whose reason holds characters XML forbids: the sender gets its notice', async (t) => {
  // The HTTP routes refuse such a reason now: this is the use case as any caller may call it.
  await acknowledgeDelivery(hub.hub.services.exchange, H41, ids[0]!, { result: 'fail', reason: 'tệp hỏng\u0001\ud800\uffff\r\nhết' });
  t.equal(await noticeAbout(ids[0]!), `Văn bản bị từ chối tiếp nhận (lỗi truyền nhận) bởi ${H41}: tệp hỏng\ufffd\ufffd\ufffd\nhết`);
  t.same(await due(), [], 'no notice left due');
});

t.test('a notice left due with such a reason (and a long one) is sent by the repair, once', async (t) => {
  await hub.tdb.db.query("UPDATE deliveries SET state = 'failed', ack_result = 'fail', ack_reason = $2, acked_at = now() WHERE id = $1", [ids[1]!, `lỗi\u0002${'x'.repeat(5000)}`]);
  t.same(await due(), [ids[1]!]);
  t.equal(await repairSenderNotices(hub.hub.services.exchange, 0), 1, 'the repair sent it');
  t.equal(await repairSenderNotices(hub.hub.services.exchange, 0), 0, 'and only once');
  const subject = (await noticeAbout(ids[1]!))!;
  t.match(subject, /: lỗi\ufffdxxx/);
  t.ok(subject.length <= 1000, `the Description is cut (${subject.length} characters)`);
  t.same(await due(), []);
});

t.test('a notice that cannot be made is logged and put behind the others due', async (t) => {
  const exchange = hub.hub.services.exchange;
  // This notice fails however often it is tried (the check of the hub's own signature throws for it).
  const broken: ExchangeDeps = {
    ...exchange,
    signatures: {
      check: (doc, message, sender) => exchange.signatures.check(doc, message, sender),
      checkHubSigned: (doc, message) => {
        if (message.kind === 'status' && message.description?.includes('HỎNG')) throw new Error('cannot make this notice');
        return exchange.signatures.checkHubSigned(doc, message);
      },
    },
  };
  await hub.tdb.db.query("UPDATE deliveries SET state = 'failed', ack_result = 'fail', ack_reason = 'HỎNG', acked_at = now() WHERE id = $1", [ids[2]!]);
  await hub.tdb.db.query("UPDATE deliveries SET state = 'failed', ack_result = 'fail', ack_reason = 'thiếu trang', acked_at = now() WHERE id = ANY($1::uuid[])", [[ids[3]!, ids[4]!]]);
  await hub.tdb.db.query("UPDATE notices_due SET due_at = now() - interval '1 minute' WHERE delivery_id = $1", [ids[2]!]);
  t.equal((await due())[0], ids[2], 'the broken one is the oldest due');
  t.equal((await due()).length, 3);
  // Batches of one: the oldest due is the broken one.
  t.equal(await repairSenderNotices(broken, 0, 1), 0, 'the broken notice failed');
  t.equal((await due()).at(-1), ids[2], 'and went behind the others');
  t.equal(await repairSenderNotices(broken, 0, 1), 1, 'the next run sends another');
  t.equal(await repairSenderNotices(broken, 0, 1), 1, 'and the next one the last other');
  t.same(await due(), [ids[2]!], 'only the broken one is left');
  t.equal(await repairSenderNotices(broken, 0, 1), 0);
  t.same(await due(), [ids[2]!], 'still due: tried again on later runs');
  t.ok(await noticeAbout(ids[3]!));
  t.ok(await noticeAbout(ids[4]!));
  t.equal(await repairSenderNotices(exchange, 0), 1, 'sent once it can be made');
  t.same(await due(), []);
});
