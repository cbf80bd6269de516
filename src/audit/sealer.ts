/**
 * The sealer: the only writer of `audit_chain`. Writers insert events
 * concurrently; the sealer, holding an advisory lock (one sealer at a time
 * across every process), takes committed events not yet chained, in id order,
 * and gives them consecutive `seq` values and hashes. Sequence numbers are
 * gap-free by construction: only committed rows get one, from one writer.
 * It also signs checkpoints of the chain head (docs/audit.md).
 */
import type { Logger } from 'pino';
import type { Db, Queryable } from '../store/db.js';
import { isListenable } from '../store/listenable.js';
import type { AuditSigner } from './audit-signer.js';
import { appendAuditEvent } from './append-event.js';
import { chainHashOfRecord, GENESIS_HASH } from './chain-hash.js';
import { checkpointPayload } from './checkpoint-payload.js';
import { recordFromRow } from './record-from-row.js';
import { RECORD_COLUMNS, type RecordRow } from './sql-fragments.js';

/** Advisory lock key held (per transaction) by the sealer ("edocseal"). */
const SEAL_LOCK = BigInt.asIntN(64, 0x65646f637365616cn).toString();

export interface ChainHead {
  /** '0' before the first entry. */
  seq: string;
  hash: string;
}

export interface AuditSealerOptions {
  db: Db;
  signer: AuditSigner;
  log?: Logger;
  /** Sign a checkpoint at least this often when there is something new (ms). */
  checkpointIntervalMs: number;
  /** …and whenever this many entries were added since the last one. */
  checkpointEveryEntries: number;
  /** Events chained per transaction; default 5000. */
  batchSize?: number;
  /** Period between sealing rounds; default 100 ms. */
  pollMs?: number;
  /** Clock, for tests. */
  now?: () => Date;
}

export interface AuditSealer {
  /** Chains everything committed and pending now, signing checkpoints when due. */
  sealOnce(): Promise<{ sealed: number; head: ChainHead }>;
  /** Chains what is pending and makes sure a checkpoint covers it; true when one was signed during the call. */
  checkpointNow(): Promise<boolean>;
  /**
   * Wakes the background loop now (call after committing events when the
   * caller needs their seq soon, e.g. for a receipt). Other processes can
   * wake it with `NOTIFY audit_events` after their commit — never inside the
   * writing transaction: NOTIFY serialises commits.
   */
  nudge(): void;
  /** Runs in the background until `stop()`. */
  start(): void;
  stop(): Promise<void>;
}

async function readHead(q: Queryable): Promise<ChainHead> {
  const r = await q.query<ChainHead>('SELECT seq, hash FROM audit_chain ORDER BY seq DESC LIMIT 1');
  return r.rows[0] ?? { seq: '0', hash: GENESIS_HASH };
}

/** Creates a sealer; nothing runs until `sealOnce()` or `start()`. */
export function createAuditSealer(opts: AuditSealerOptions): AuditSealer {
  const { db, signer, log } = opts;
  const batchSize = opts.batchSize ?? 5000;
  const pollMs = opts.pollMs ?? 100;
  const now = opts.now ?? (() => new Date());
  let startedAt = now().getTime();

  interface LastCheckpoint {
    seq: string;
    /** ms since epoch; the sealer's start when there is none yet. */
    at: number;
  }

  async function maybeCheckpoint(q: Queryable, head: ChainHead, last: LastCheckpoint, force: boolean): Promise<boolean> {
    if (head.seq === '0') return false;
    const added = BigInt(head.seq) - BigInt(last.seq);
    if (added <= 0n) return false;
    if (!force && added < BigInt(opts.checkpointEveryEntries) && now().getTime() - last.at < opts.checkpointIntervalMs) return false;
    // A checkpoint's own event must not be the only news, or checkpoints would beget checkpoints.
    // ORDER BY seq walks the chain's index from the checkpoint; without it the planner may
    // scan the chain from its first row, which costs more the longer the chain grows.
    const news = await q.query(
      `SELECT 1 FROM audit_chain c JOIN audit_events e ON e.id = c.event_id
       WHERE c.seq > $1 AND e.type <> 'audit.checkpoint' ORDER BY c.seq LIMIT 1`,
      [last.seq],
    );
    if (news.rowCount === 0) return false;
    const at = now().toISOString();
    let signature: string;
    try {
      signature = signer.sign(checkpointPayload({ seq: head.seq, hash: head.hash, at })).toString('base64');
    } catch (err) {
      // Sealing must go on without the key; the next attempt signs the head then.
      log?.error({ err, seq: head.seq }, 'audit checkpoint could not be signed');
      return false;
    }
    await q.query(
      `INSERT INTO audit_checkpoints (seq, hash, at, algorithm, signature, certificate_pem) VALUES ($1, $2, $3, $4, $5, $6)`,
      [head.seq, head.hash, at, signer.algorithm, signature, signer.certificatePem],
    );
    await appendAuditEvent(q, {
      type: 'audit.checkpoint',
      actor: 'hub',
      organs: [],
      data: { seq: head.seq, hash: head.hash, at, algorithm: signer.algorithm },
    });
    log?.info({ seq: head.seq }, 'audit checkpoint signed');
    return true;
  }

  /**
   * One transaction: chain up to batchSize pending events. Null when another
   * sealer holds the lock. Kept to few round trips: it runs often while busy.
   */
  async function sealBatch(
    forceCheckpoint: boolean,
    afterId = '0',
  ): Promise<{ sealed: number; head: ChainHead; checkpointed: boolean; full: boolean; lastId: string } | null> {
    return db.tx(async (q) => {
      // The lock first, in its own statement: what follows must see every batch committed before it.
      const lock = await q.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [SEAL_LOCK]);
      if (!lock.rows[0]?.ok) return null;
      const state = await q.query<{ head_seq: string | null; head_hash: string | null; cp_seq: string | null; cp_at: Date | null }>(
        `-- prepared: audit_sealer_state
         SELECT (SELECT seq FROM audit_chain ORDER BY seq DESC LIMIT 1) AS head_seq,
                (SELECT hash FROM audit_chain ORDER BY seq DESC LIMIT 1) AS head_hash,
                (SELECT seq FROM audit_checkpoints ORDER BY seq DESC LIMIT 1) AS cp_seq,
                (SELECT at FROM audit_checkpoints ORDER BY seq DESC LIMIT 1) AS cp_at`,
        [],
      );
      const st = state.rows[0];
      let head: ChainHead = st?.head_seq && st.head_hash ? { seq: st.head_seq, hash: st.head_hash } : { seq: '0', hash: GENESIS_HASH };
      const last: LastCheckpoint = { seq: st?.cp_seq ?? '0', at: st?.cp_at?.getTime() ?? startedAt };
      // Stop the batch where the next checkpoint is due, so checkpoints land every N entries.
      const sinceCp = Number(BigInt(head.seq) - BigInt(last.seq));
      // (Overdue — e.g. the signer is down — means full batches, not batches of one.)
      const untilCp = opts.checkpointEveryEntries - sinceCp;
      const limit = untilCp > 0 ? Math.min(batchSize, untilCp) : batchSize;
      const pending = await q.query<RecordRow>(
        // Not prepared: a generic plan for `> $2 … LIMIT $1` could scan the whole queue.
        // The ids as an array, looked up by primary key: as a join, the planner hashes the
        // whole event table for a batch of thousands, a cost that grows with the log.
        `SELECT ${RECORD_COLUMNS}
         FROM audit_events e
         WHERE e.id = ANY(ARRAY(SELECT event_id FROM audit_pending WHERE event_id > $2 ORDER BY event_id LIMIT $1))
         ORDER BY e.id`,
        [limit, afterId],
      );
      const rows = pending.rows;
      const n = rows.length;
      if (n > 0) {
        const seqs: string[] = [];
        const ids: string[] = [];
        const prevs: string[] = [];
        const hashes: string[] = [];
        let seq = BigInt(head.seq);
        let prev = head.hash;
        for (const row of rows) {
          seq += 1n;
          const s = seq.toString();
          const hash = chainHashOfRecord(prev, recordFromRow(s, row));
          seqs.push(s);
          ids.push(row.event_id);
          prevs.push(prev);
          hashes.push(hash);
          prev = hash;
        }
        await q.query(
          `-- prepared: audit_sealer_chain
           WITH chained AS (
             INSERT INTO audit_chain (seq, event_id, prev_hash, hash)
             SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) RETURNING event_id
           )
           DELETE FROM audit_pending WHERE event_id IN (SELECT event_id FROM chained)`,
          [seqs, ids, prevs, hashes],
        );
        head = { seq: seq.toString(), hash: prev };
      }
      const checkpointed = await maybeCheckpoint(q, head, last, forceCheckpoint);
      return { sealed: n, head, checkpointed, full: n === limit, lastId: n > 0 ? rows[n - 1]!.event_id : afterId };
    });
  }

  async function sealOnce(): Promise<{ sealed: number; head: ChainHead }> {
    const { sealed, head } = await drain();
    return { sealed, head };
  }

  /** Chains everything pending; also counts the checkpoints signed on the way. */
  async function drain(): Promise<{ sealed: number; head: ChainHead; checkpoints: number }> {
    let sealed = 0;
    let checkpoints = 0;
    // While draining a backlog, continue after the last id taken instead of rescanning
    // the queue's deleted front each batch; a final sweep from 0 catches events that
    // committed meanwhile with a lower id.
    let after = '0';
    for (;;) {
      const r = await sealBatch(false, after);
      if (r === null) return { sealed, head: await readHead(db), checkpoints };
      sealed += r.sealed;
      if (r.checkpointed) checkpoints += 1;
      if (r.full) {
        after = r.lastId;
        continue;
      }
      // A checkpoint added an event to chain.
      if (r.checkpointed) continue;
      if (after !== '0') {
        after = '0';
        continue;
      }
      return { sealed, head: r.head, checkpoints };
    }
  }

  let running = false;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;
  let unlisten: (() => Promise<void>) | null = null;

  async function runLoop(): Promise<void> {
    if (isListenable(db)) {
      try {
        unlisten = await db.listen('audit_events', () => wake?.());
      } catch (err) {
        log?.warn({ err }, 'audit sealer cannot LISTEN; polling only');
      }
    }
    while (running) {
      let delay = pollMs;
      // Busy or idle, the same period: each sealing transaction costs a commit and a few
      // statements, so under load fewer, larger batches cost the writers less (receipts and
      // NOTIFY wake it early when someone waits).
      try {
        await sealOnce();
      } catch (err) {
        log?.error({ err }, 'audit sealer failed; retrying');
        delay = Math.max(pollMs, 1000);
      }
      if (!running) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
    if (unlisten) await unlisten().catch(() => undefined);
    unlisten = null;
  }

  return {
    sealOnce,
    async checkpointNow() {
      const before = await drain();
      const r = await sealBatch(true);
      if (r?.checkpointed) await drain();
      return before.checkpoints > 0 || (r?.checkpointed ?? false);
    },
    nudge() {
      wake?.();
    },
    start() {
      if (running) return;
      running = true;
      startedAt = now().getTime();
      loop = runLoop();
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
      loop = null;
    },
  };
}
