/**
 * Records in the exchange log what the hub trusts each time its trust store
 * (re)loads the CA and CRL folders with a result unlike the last one logged:
 * when a revocation took effect, or a CA was added, is evidence in a dispute
 * about a signed document. Logged once per change, whichever process saw it
 * first (an advisory lock and the last entry's digest decide).
 */
import type { Logger } from 'pino';
import type { Db } from '../store/db.js';
import { advisoryKey } from '../store/advisory-key.js';
import { appendAuditEvent } from '../audit/append-event.js';
import type { TrustSummary } from '../pki/trust-store.js';

const TRUST_LOG_LOCK = advisoryKey('edoc-hub', 'trust-log');

export interface TrustLoadRecorder {
  /** For the trust store's `onLoad`: never throws, records in the background. */
  onLoad(summary: TrustSummary): void;
  /** Resolves once every load seen so far is recorded (or its failure logged). */
  settled(): Promise<void>;
}

export function createTrustLoadRecorder(db: Db, log: Logger): TrustLoadRecorder {
  let lastDigest: string | null = null;
  let lastIgnored = '';
  let pending: Promise<void> = Promise.resolve();
  return {
    onLoad(summary) {
      // An ignored file does not change the trust, but whoever dropped it there wants to know.
      const ignored = summary.ignoredCrls.join('\n');
      if (ignored !== lastIgnored && ignored !== '') log.warn({ files: summary.ignoredCrls }, 'CRL files ignored: unreadable, or not signed by a trusted CA');
      lastIgnored = ignored;
      if (summary.digest === lastDigest) return; // the folders were touched, the trust did not change
      lastDigest = summary.digest;
      const revoked = summary.crls.reduce((n, c) => n + c.revoked, 0);
      log.info({ anchors: summary.anchors.length, crls: summary.crls.length, revoked, digest: summary.digest }, 'trust store loaded');
      pending = pending
        .then(() => record(db, summary))
        .catch((err: unknown) => log.error({ err }, 'could not record the trust store load in the exchange log'));
    },
    settled: () => pending,
  };
}

async function record(db: Db, summary: TrustSummary): Promise<void> {
  await db.tx(
    async (q) => {
      const last = await q.query<{ digest: string | null }>(
        "SELECT data->>'digest' AS digest FROM audit_events WHERE type = 'trust.loaded' ORDER BY at DESC, id DESC LIMIT 1",
      );
      if (last.rows[0]?.digest === summary.digest) return;
      await appendAuditEvent(q, { type: 'trust.loaded', actor: 'hub', organs: [], data: { ...summary } });
    },
    { locks: [TRUST_LOG_LOCK] },
  );
}
