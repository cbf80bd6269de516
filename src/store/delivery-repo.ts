/** Per-recipient deliveries: the state machine of getting one message to one agency. */
import type { GuardStatement, Queryable } from './db.js';

export type DeliveryState = 'queued' | 'pushing' | 'retrying' | 'available' | 'fetched' | 'acknowledged' | 'failed' | 'undeliverable';

export interface DeliveryRow {
  id: string;
  seq: string;
  message_id: string;
  recipient: string;
  mode: 'pull' | 'push';
  state: DeliveryState;
  attempts: number;
  last_error: string | null;
  next_attempt_at: Date | null;
  created_at: Date;
  /** The last change of state, but for a fetch: that is only stamped in `fetched_at` (migration 011). */
  updated_at: Date;
  delivered_at: Date | null;
  fetched_at: Date | null;
  acked_at: Date | null;
  ack_result: 'done' | 'fail' | null;
  ack_reason: string | null;
}

/** The state a new delivery starts in: a push waits for the worker, a pull is in the recipient's inbox. */
export function initialDeliveryState(mode: 'pull' | 'push'): DeliveryState {
  return mode === 'push' ? 'queued' : 'available';
}

const COLUMNS = `id, seq::text AS seq, message_id, recipient, mode, state, attempts, last_error, next_attempt_at, created_at,
  updated_at, delivered_at, fetched_at, acked_at, ack_result, ack_reason`;

export async function getDelivery(q: Queryable, id: string): Promise<DeliveryRow | null> {
  const r = await q.query<DeliveryRow>(`SELECT ${COLUMNS} FROM deliveries WHERE id = $1`, [id]);
  return r.rows[0] ?? null;
}

export async function getDeliveryForUpdate(q: Queryable, id: string): Promise<DeliveryRow | null> {
  const r = await q.query<DeliveryRow>(`SELECT ${COLUMNS} FROM deliveries WHERE id = $1 FOR UPDATE`, [id]);
  return r.rows[0] ?? null;
}

export async function listDeliveriesOfMessage(q: Queryable, messageId: string): Promise<DeliveryRow[]> {
  const r = await q.query<DeliveryRow>(`SELECT ${COLUMNS} FROM deliveries WHERE message_id = $1 ORDER BY deliveries.seq`, [messageId]);
  return r.rows;
}

export async function listDeliveriesOfMessages(q: Queryable, messageIds: string[]): Promise<DeliveryRow[]> {
  if (messageIds.length === 0) return [];
  const r = await q.query<DeliveryRow>(`SELECT ${COLUMNS} FROM deliveries WHERE message_id = ANY($1::uuid[]) ORDER BY deliveries.seq`, [messageIds]);
  return r.rows;
}

export async function findDeliveryTo(q: Queryable, messageId: string, recipient: string): Promise<DeliveryRow | null> {
  const r = await q.query<DeliveryRow>(`SELECT ${COLUMNS} FROM deliveries WHERE message_id = $1 AND recipient = $2`, [messageId, recipient]);
  return r.rows[0] ?? null;
}

/** An inbox line: the delivery's id, cursor, message and state (a page is up to 1,000 of them, so no more columns). */
export type InboxRow = Pick<DeliveryRow, 'id' | 'seq' | 'message_id' | 'state'>;

/** The recipient's inbox: deliveries waiting for its acknowledgement, oldest first after a cursor. */
export async function listInbox(q: Queryable, recipient: string, after: string | null, limit: number): Promise<InboxRow[]> {
  const r = await q.query<InboxRow>(
    `-- prepared: deliveries_inbox_lines
     SELECT id, seq::text AS seq, message_id, state FROM deliveries WHERE recipient = $1 AND stage = 'inbox' AND seq > $2 ORDER BY deliveries.seq LIMIT $3`,
    [recipient, after ?? '0', limit],
  );
  return r.rows;
}

/**
 * Text from outside (an endpoint's error answer, a recipient's reason) made
 * storable: PostgreSQL text and jsonb refuse U+0000, and jsonb a lone UTF-16
 * surrogate, so both become U+FFFD. Anything else is kept as it is.
 */
export function storableText(text: string): string;
export function storableText(text: string | null | undefined): string | null | undefined;
export function storableText(text: string | null | undefined): string | null | undefined {
  // eslint-disable-next-line no-control-regex -- U+0000 is what PostgreSQL refuses
  return text?.replace(/\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/**
 * Moves a delivery between states, only from one of the given states. Returns the new row or null if it was not in them.
 * The error and reason are stored as {@link storableText}: a NUL in an endpoint's answer must not fail the change.
 */
export async function transition(
  q: Queryable,
  id: string,
  from: DeliveryState[],
  to: DeliveryState,
  set: Partial<Pick<DeliveryRow, 'last_error' | 'next_attempt_at' | 'ack_result' | 'ack_reason'>> & {
    incrementAttempts?: boolean;
    /** Time columns set to now (once: an earlier time is kept). */
    stamp?: ('delivered_at' | 'fetched_at' | 'acked_at')[];
  } = {},
): Promise<DeliveryRow | null> {
  const stamps = set.stamp ?? [];
  const stamp = stamps.map((c) => `, ${c} = COALESCE(${c}, now())`).join('');
  const r = await q.query<DeliveryRow>(
    `-- prepared: deliveries_transition_${stamps.join('_') || 'plain'}
     UPDATE deliveries SET state = $3, updated_at = now(),
        attempts = attempts + $4,
        last_error = CASE WHEN $5::boolean THEN $6 ELSE last_error END,
        next_attempt_at = $7,
        ack_result = COALESCE($8, ack_result),
        ack_reason = COALESCE($9, ack_reason)${stamp}
      WHERE id = $1 AND state = ANY($2::text[])
      RETURNING ${COLUMNS}`,
    [
      id, from, to, set.incrementAttempts ? 1 : 0, 'last_error' in set, storableText(set.last_error) ?? null,
      set.next_attempt_at ?? null, set.ack_result ?? null, storableText(set.ack_reason) ?? null,
    ],
  );
  return r.rows[0] ?? null;
}

/**
 * A push delivery whose recipient now polls (its directory entry changed from
 * push to pull) moves to its inbox: mode pull, state available, and a new seq,
 * so that it sorts after every inbox entry already listed and a poller that
 * kept its cursor sees it. The transaction must hold `SEQ_ORDER_LOCK`.
 * Null when the delivery was not being pushed (someone else moved it).
 */
export async function moveToInbox(q: Queryable, id: string): Promise<DeliveryRow | null> {
  const r = await q.query<DeliveryRow>(
    `UPDATE deliveries SET mode = 'pull', state = 'available', last_error = NULL, next_attempt_at = NULL, updated_at = now(),
            seq = nextval(pg_get_serial_sequence('deliveries', 'seq'))
      WHERE id = $1 AND state = 'pushing'
      RETURNING ${COLUMNS}`,
    [id],
  );
  return r.rows[0] ?? null;
}

/** Where a walk through the pending push deliveries stopped: the last row's exact updated_at (microseconds since 1970) and id. */
export interface PendingPushCursor {
  updatedAtUs: string;
  id: string;
}

/** A pending push delivery, with its place in the walk ({@link pendingPushCursor}). */
export type PendingPushRow = DeliveryRow & { updated_at_us: string };

/** The cursor after this row: the next page starts with the row that follows it in (updated_at, id) order. */
export function pendingPushCursor(row: PendingPushRow): PendingPushCursor {
  return { updatedAtUs: row.updated_at_us, id: row.id };
}

/**
 * Push deliveries that should have a job: queued/retrying, or stuck in pushing past `stuckBefore`,
 * in (updated_at, id) order after the cursor `after` (from the start without one). The cursor
 * keeps updated_at to the microsecond, which a JavaScript Date cannot.
 */
export async function listPendingPush(
  q: Queryable,
  olderThan: Date,
  stuckBefore: Date,
  limit: number,
  after: PendingPushCursor | null = null,
): Promise<PendingPushRow[]> {
  const pending = `SELECT ${COLUMNS}, (extract(epoch FROM updated_at) * 1000000)::bigint::text AS updated_at_us FROM deliveries
      WHERE stage = 'pending' AND ((state IN ('queued', 'retrying') AND updated_at < $1) OR (state = 'pushing' AND updated_at < $2))`;
  const r = after
    ? await q.query<PendingPushRow>(
        `${pending}
          AND (updated_at, id) > ('epoch'::timestamptz + $4::bigint * interval '1 microsecond', $5::uuid)
        ORDER BY updated_at, id LIMIT $3`,
        [olderThan, stuckBefore, limit, after.updatedAtUs, after.id],
      )
    : await q.query<PendingPushRow>(`${pending} ORDER BY updated_at, id LIMIT $3`, [olderThan, stuckBefore, limit]);
  return r.rows;
}

export interface AckItem {
  id: string;
  result: 'done' | 'fail';
  reason?: string | null;
}

/** A delivery a batch acknowledged, with its message's sender and DocumentId: what the log and a failure notice need. */
export type AcknowledgedRow = Pick<DeliveryRow, 'id' | 'message_id' | 'recipient' | 'state' | 'ack_result' | 'ack_reason'> & { from_organ: string; document_id: string };

/**
 * Acknowledges many pull deliveries of one recipient in one statement.
 * Returns the rows that moved (with the sender and DocumentId for the log);
 * ids that are not this recipient's, or not waiting, are left alone.
 */
export async function acknowledgeMany(q: Queryable, recipient: string, items: AckItem[]): Promise<AcknowledgedRow[]> {
  // The rows are found by id (the primary key; run it in a `byKey` transaction).
  // The recipient check is written so that no index can serve it: PostgreSQL,
  // without fresh statistics, read all of the recipient's past deliveries
  // through `deliveries_received` to find a page of them (hub bench: 4.6
  // million index entries in 300 calls). Planned on each run, not prepared,
  // so that no plan made while the table was small is kept.
  const r = await q.query<AcknowledgedRow>(
    `UPDATE deliveries d SET state = CASE WHEN x.result = 'done' THEN 'acknowledged' ELSE 'failed' END,
            ack_result = x.result, ack_reason = x.reason, acked_at = now(), updated_at = now()
       FROM json_to_recordset($2::json) AS x(id uuid, result text, reason text), messages m
      WHERE d.id = x.id AND (d.recipient = $1) IS TRUE AND d.state IN ('available', 'fetched') AND d.mode = 'pull' AND m.id = d.message_id
      RETURNING d.id, d.message_id, d.recipient, d.state, d.ack_result, d.ack_reason, m.from_organ, m.document_id`,
    [recipient, JSON.stringify(items.map((i) => ({ id: i.id, result: i.result, reason: storableText(i.reason) ?? null })))],
  );
  return r.rows;
}

/** State of some deliveries of one recipient (to explain the ones a batch left alone). */
export async function deliveryStates(q: Queryable, recipient: string, ids: string[]): Promise<Map<string, { state: DeliveryState; ack_result: string | null }>> {
  if (ids.length === 0) return new Map(); // the usual case: the whole batch moved
  const r = await q.query<{ id: string; state: DeliveryState; ack_result: string | null }>(
    'SELECT id, state, ack_result FROM deliveries WHERE recipient = $1 AND id = ANY($2::uuid[])',
    [recipient, ids],
  );
  return new Map(r.rows.map((x) => [x.id, { state: x.state, ack_result: x.ack_result }]));
}

// No updated_at: with no indexed column changed, PostgreSQL updates the row in place (HOT, migration 011).
const MARK_FETCHED = "UPDATE deliveries SET state = 'fetched', fetched_at = COALESCE(fetched_at, now())";

/**
 * The statement that marks a recipient's first fetch of a page of deliveries,
 * RETURNing the ids it changed (a log guard statement); run it in a `byKey`
 * transaction. Planned on each run, not prepared: a plan PostgreSQL keeps for
 * "any array of ids" was made while the table was small and scanned it whole
 * (or the whole inbox) ever after.
 */
export function markFetched(deliveryIds: readonly string[]): GuardStatement {
  return { name: null, sql: `${MARK_FETCHED} WHERE id = ANY($1::uuid[]) AND state = 'available' RETURNING id`, params: [deliveryIds] };
}

/** {@link markFetched} for one delivery: prepared, as an equality on the primary key plans the same at any size. */
export function markOneFetched(deliveryId: string): GuardStatement {
  return { name: 'delivery_fetched_one', sql: `${MARK_FETCHED} WHERE id = $1::uuid AND state = 'available' RETURNING id`, params: [deliveryId] };
}

/** A failed or undeliverable delivery whose sender has not yet been sent its notice (migration 012). */
export type DueNotice = Pick<DeliveryRow, 'id' | 'message_id' | 'recipient' | 'state' | 'ack_reason' | 'last_error'>;

/** Notices due since before `dueBefore`, oldest first. */
export async function listDueNotices(q: Queryable, dueBefore: Date, limit: number): Promise<DueNotice[]> {
  const r = await q.query<DueNotice>(
    `SELECT d.id, d.message_id, d.recipient, d.state, d.ack_reason, d.last_error
       FROM notices_due n JOIN deliveries d ON d.id = n.delivery_id
      WHERE n.due_at < $1 ORDER BY n.due_at LIMIT $2`,
    [dueBefore, limit],
  );
  return r.rows;
}

/**
 * Sending the notice about this delivery failed: it goes behind the notices
 * due now, so that one that fails every time does not keep the others waiting.
 */
export async function postponeDueNotice(q: Queryable, deliveryId: string): Promise<void> {
  await q.query('UPDATE notices_due SET due_at = now() WHERE delivery_id = $1', [deliveryId]);
}

/** The notice about this delivery was sent (or needs none). */
export async function clearDueNotice(q: Queryable, deliveryId: string): Promise<void> {
  await q.query('DELETE FROM notices_due WHERE delivery_id = $1', [deliveryId]);
}
