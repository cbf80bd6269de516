/**
 * Mutual TLS → caller. The TLS layer has already checked the client
 * certificate's chain against the trust store (`socket.authorized`); here the
 * certificate is checked against the CRLs and mapped to a directory entry:
 * an agency (by a pinned fingerprint, or its OrganId in subject/SAN) or an
 * auditor system. Results are cached per certificate fingerprint for a short time.
 */
import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { FastifyRequest } from 'fastify';
import type { Caller } from './caller.js';
import type { Db } from '../store/db.js';
import type { TrustStore } from '../pki/trust-store.js';
import { identityOfCertificate } from '../pki/identity-of-certificate.js';
import { getAgencies, listAuditors } from '../store/agency-repo.js';

export interface CallerResolver {
  resolve(req: FastifyRequest): Promise<Caller | null>;
  /** Forget cached identities (after directory or certificate changes). */
  invalidate(): void;
}

interface CacheEntry {
  caller: Caller | null;
  until: number;
  /** Bumped by invalidate(): entries of an older generation are stale. */
  generation: number;
}

export function createCallerResolver(db: Db, trust: TrustStore, ttlMs = 30_000): CallerResolver {
  const cache = new Map<string, CacheEntry>();
  // A keep-alive connection presents one certificate: resolve it once per socket (and per TTL).
  const bySocket = new WeakMap<object, CacheEntry>();
  let generation = 0;
  const fresh = (e: CacheEntry | undefined): e is CacheEntry => e !== undefined && e.until > Date.now() && e.generation === generation;

  async function fromCertificate(cert: X509Certificate): Promise<Caller | null> {
    try {
      trust.checkCertificate([cert], { at: [new Date()] });
    } catch {
      return null;
    }
    const fp = cert.fingerprint256;
    const id = identityOfCertificate(cert);
    if (id.auditor !== undefined) {
      const auditors = await listAuditors(db);
      const entry = auditors.find((a) => a.name === id.auditor);
      if (entry) return { kind: 'auditor', name: entry.name, certFingerprint: fp };
      return null;
    }
    // A pinned fingerprint decides alone; otherwise the OrganId the certificate names.
    const pinned = await db.query<{ organ_id: string }>('SELECT organ_id FROM agencies WHERE $1 = ANY(certificates) AND active', [fp]);
    if (pinned.rows[0]) return { kind: 'agency', organId: pinned.rows[0].organ_id, certFingerprint: fp };
    const agencies = await getAgencies(db, id.organIds);
    const match = id.organIds.find((o) => agencies.get(o)?.active);
    return match ? { kind: 'agency', organId: match, certFingerprint: fp } : null;
  }

  return {
    async resolve(req) {
      const socket = req.raw.socket as Partial<TLSSocket>;
      if (typeof socket.getPeerCertificate !== 'function' || !socket.authorized) return null;
      const known = bySocket.get(socket);
      if (fresh(known)) return known.caller;
      const peer = socket.getPeerCertificate(false);
      if (!peer?.raw) return null;
      const key = peer.fingerprint256;
      let entry = cache.get(key);
      if (!fresh(entry)) {
        entry = { caller: await fromCertificate(new X509Certificate(peer.raw)), until: Date.now() + ttlMs, generation };
        cache.set(key, entry);
        if (cache.size > 10_000) cache.clear();
      }
      bySocket.set(socket, entry);
      return entry.caller;
    },
    invalidate() {
      cache.clear();
      generation += 1;
    },
  };
}
