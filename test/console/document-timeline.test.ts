/**
 * A recipient's timeline on the clerk's document page, from the exchange log.
 * Since one entry per acceptance, `message.accepted` lists the deliveries it
 * queued; logs written before hold a `delivery.queued` entry per delivery, and
 * both must read the same to a clerk.
 */
import t from 'tap';
import { timelineOf } from '../../src/console/document-page.js';
import { translator } from '../../src/console/i18n.js';
import type { PageContext } from '../../src/console/page-layout.js';
import type { RecipientTracking } from '../../src/exchange/track-message.js';
import type { AuditEventView } from '../../src/audit/query-events.js';

const ctx: PageContext = { lang: 'en', t: translator('en'), session: null, url: '/console/documents/m1' };
const recipient = (deliveryId: string): RecipientTracking => ({ recipient: '000.00.00.H14', delivery: { id: deliveryId }, statuses: [] }) as unknown as RecipientTracking;

function event(type: string, at: string, extra: Partial<AuditEventView> = {}): AuditEventView {
  return {
    id: at,
    seq: null,
    hash: null,
    at,
    type,
    actor: type === 'message.accepted' ? '000.00.00.G22' : 'hub',
    organs: ['000.00.00.G22', '000.00.00.H14'],
    messageId: 'm1',
    deliveryId: null,
    documentId: '000.00.00.G22,2026/11/23,1/VPCP',
    data: {},
    ...extra,
  } as AuditEventView;
}

const lines = (entries: { at: string; what: unknown; who: string }[]): string[] => entries.map((e) => `${e.at} ${String(e.what)} ${e.who}`);

t.test('the acceptance lists the delivery: accepted, then queued by the hub, then what followed', async (t) => {
  const accepted = event('message.accepted', '2026-11-23T01:00:00.000Z', {
    data: { deliveries: [{ deliveryId: 'd1', recipient: '000.00.00.H14', mode: 'pull', state: 'available' }, { deliveryId: 'd2', recipient: '000.00.00.H41', mode: 'pull', state: 'available' }] },
  });
  const fetched = event('delivery.fetched', '2026-11-23T01:00:05.000Z', { deliveryId: 'd1', actor: '000.00.00.H14' });
  const other = event('delivery.fetched', '2026-11-23T01:00:06.000Z', { deliveryId: 'd2', actor: '000.00.00.H41' });
  t.same(lines(timelineOf(ctx, recipient('d1'), accepted, [accepted, fetched, other])), [
    '2026-11-23T01:00:00.000Z Accepted by the hub 000.00.00.G22',
    '2026-11-23T01:00:00.000Z Queued hub',
    '2026-11-23T01:00:05.000Z Fetched by the recipient 000.00.00.H14',
  ]);
  t.same(lines(timelineOf(ctx, recipient('d3'), accepted, [accepted])), ['2026-11-23T01:00:00.000Z Accepted by the hub 000.00.00.G22'], 'a delivery the acceptance does not list is not shown as queued');
});

t.test('an older log: a delivery.queued entry per delivery reads the same', async (t) => {
  const accepted = event('message.accepted', '2026-11-23T01:00:00.000Z');
  const queued = event('delivery.queued', '2026-11-23T01:00:00.000Z', { deliveryId: 'd1' });
  const queuedOther = event('delivery.queued', '2026-11-23T01:00:00.000Z', { deliveryId: 'd2' });
  const acked = event('delivery.acknowledged', '2026-11-23T01:00:09.000Z', { deliveryId: 'd1', actor: '000.00.00.H14' });
  t.same(lines(timelineOf(ctx, recipient('d1'), accepted, [accepted, queued, queuedOther, acked])), [
    '2026-11-23T01:00:00.000Z Accepted by the hub 000.00.00.G22',
    '2026-11-23T01:00:00.000Z Queued hub',
    '2026-11-23T01:00:09.000Z Acknowledged by the recipient 000.00.00.H14',
  ]);
});

t.test('a page fetch and a batch acknowledgement list the delivery among others: its lines read as its own entries would', async (t) => {
  const accepted = event('message.accepted', '2026-11-23T01:00:00.000Z', {
    data: { deliveries: [{ deliveryId: 'd1', recipient: '000.00.00.H14', mode: 'pull', state: 'available' }] },
  });
  const listing = (type: string, at: string, deliveries: Record<string, unknown>[]): AuditEventView =>
    event(type, at, { actor: '000.00.00.H14', messageId: null, documentId: null, data: { recipient: '000.00.00.H14', deliveries } });
  const fetched = listing('deliveries.fetched', '2026-11-23T01:00:05.000Z', [
    { deliveryId: 'd0', messageId: 'm0', documentId: 'x' },
    { deliveryId: 'd1', messageId: 'm1', documentId: 'y' },
  ]);
  const failed = listing('deliveries.failed', '2026-11-23T01:00:09.000Z', [{ deliveryId: 'd1', messageId: 'm1', documentId: 'y', reason: 'tệp hỏng' }]);
  const notIt = listing('deliveries.acknowledged', '2026-11-23T01:00:10.000Z', [{ deliveryId: 'd0', messageId: 'm0', documentId: 'x' }]);
  const timeline = timelineOf(ctx, recipient('d1'), accepted, [accepted, fetched, failed, notIt]);
  t.same(lines(timeline), [
    '2026-11-23T01:00:00.000Z Accepted by the hub 000.00.00.G22',
    '2026-11-23T01:00:00.000Z Queued hub',
    '2026-11-23T01:00:05.000Z Fetched by the recipient 000.00.00.H14',
    '2026-11-23T01:00:09.000Z Recipient reported failure 000.00.00.H14',
  ]);
  t.equal(timeline[3]!.note, 'tệp hỏng', "the failed delivery's own reason");
});
