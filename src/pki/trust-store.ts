/**
 * The hub's trust store: CA certificates (PEM) from one folder and CRLs (PEM or DER)
 * from another, re-read whenever a folder or one of its files changes.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { HubError } from '../shared/hub-error.js';
import { normalizeSerial } from './asn1/certificate-fields.js';
import { crlIssuedBy, parseCrl, type ParsedCrl } from './crl.js';

export interface TrustStoreOptions {
  trustDir: string;
  crlDir: string;
  /**
   * How often (ms) the folders are checked for changes; 0 = on every call. Default 1000:
   * a new CRL or CA counts within a second without a stat storm on every message.
   */
  recheckMs?: number;
  /** Called after each (re)load of the folders with what is trusted now (the hub logs it). Must not throw. */
  onLoad?: (summary: TrustSummary) => void;
}

/** What a load of the trust folders found: for the exchange log and for people. */
export interface TrustSummary {
  /** SHA-256 over the anchors' fingerprints and each counted CRL's revocations: equal digests, equal trust. */
  digest: string;
  anchors: { subject: string; fingerprint256: string; notAfter: string }[];
  /** CRLs signed by an anchor, by file name. */
  crls: { file: string; issuer: string; thisUpdate: string; nextUpdate: string | null; revoked: number }[];
  /** CRL files that revoke nothing: unreadable, or not signed by an anchor. */
  ignoredCrls: string[];
}

export interface CheckCertificateOptions {
  /** Instants at which the certificates must be valid (e.g. signing time and now). */
  at: Date[];
}

/** The trust decisions the hub makes about certificates. */
export interface TrustStore {
  /** Current trust anchors. */
  anchors(): X509Certificate[];
  /**
   * Checks a chain (leaf first, optional intermediates after it). Returns the path
   * leaf → … → anchor. Throws `HubError` `pki.weak_key`, `pki.untrusted_chain`,
   * `pki.cert_expired` (also not yet valid) or `pki.cert_revoked`.
   */
  checkCertificate(certs: X509Certificate[], opts: CheckCertificateOptions): X509Certificate[];
  /** True when a trusted CRL lists the certificate. */
  isRevoked(cert: X509Certificate): boolean;
}

/** Smallest RSA modulus the hub accepts. */
export const MIN_RSA_BITS = 2048;

interface Loaded {
  stamp: string;
  checkedAt: number;
  /** Verified certification paths by the fingerprints of the certificates given. */
  paths: Map<string, X509Certificate[]>;
  anchors: X509Certificate[];
  /** The CRLs that count, with the file each came from. */
  crls: { crl: ParsedCrl; issuer: X509Certificate; file: string }[];
}

/** Folder fingerprint: names, sizes and mtimes of the folder and its files. */
function stampOf(dir: string): string {
  if (!existsSync(dir)) return 'absent';
  const parts = [String(statSync(dir).mtimeMs)];
  for (const name of readdirSync(dir).sort()) {
    const st = statSync(path.join(dir, name));
    parts.push(`${name}:${st.size}:${st.mtimeMs}`);
  }
  return parts.join('|');
}

function readPemCertificates(file: string): X509Certificate[] {
  const text = readFileSync(file, 'latin1');
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => new X509Certificate(b));
}

function summarize(anchors: X509Certificate[], crls: Loaded['crls'], ignoredCrls: string[]): TrustSummary {
  const digest = createHash('sha256');
  for (const a of anchors) digest.update(`anchor ${a.fingerprint256}\n`);
  for (const { crl, issuer, file } of crls) digest.update(`crl ${file} ${issuer.fingerprint256} ${[...crl.revoked.keys()].sort().join(',')}\n`);
  return {
    digest: digest.digest('hex'),
    anchors: anchors.map((a) => ({ subject: a.subject.replace(/\n/g, ', '), fingerprint256: a.fingerprint256, notAfter: new Date(a.validTo).toISOString() })),
    crls: crls.map(({ crl, issuer, file }) => ({
      file,
      issuer: issuer.subject.replace(/\n/g, ', '),
      thisUpdate: crl.thisUpdate.toISOString(),
      nextUpdate: crl.nextUpdate?.toISOString() ?? null,
      revoked: crl.revoked.size,
    })),
    ignoredCrls,
  };
}

/** Refuses keys that are too weak to trust (RSA < 2048 bits). */
export function assertStrongKey(cert: X509Certificate): void {
  const key = cert.publicKey;
  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) {
      throw new HubError('pki.weak_key', `RSA key of ${bits} bits is below the ${MIN_RSA_BITS}-bit minimum`, { status: 422, details: { bits } });
    }
  }
}

function describe(cert: X509Certificate): string {
  return cert.subject.replace(/\n/g, ', ');
}

/** Creates a trust store over a folder of CA certificates and a folder of CRLs. */
export function createTrustStore(opts: TrustStoreOptions): TrustStore {
  let loaded: Loaded | null = null;

  const recheckMs = opts.recheckMs ?? 1000;

  function load(): Loaded {
    const now = Date.now();
    if (loaded && recheckMs > 0 && now - loaded.checkedAt < recheckMs) return loaded;
    const stamp = `${stampOf(opts.trustDir)}#${stampOf(opts.crlDir)}`;
    if (loaded && loaded.stamp === stamp) {
      loaded.checkedAt = now;
      return loaded;
    }
    const anchors: X509Certificate[] = [];
    if (existsSync(opts.trustDir)) {
      for (const name of readdirSync(opts.trustDir).sort()) {
        if (!/\.(pem|crt|cer)$/i.test(name)) continue;
        anchors.push(...readPemCertificates(path.join(opts.trustDir, name)));
      }
    }
    const crls: Loaded['crls'] = [];
    const ignored: string[] = [];
    if (existsSync(opts.crlDir)) {
      for (const name of readdirSync(opts.crlDir).sort()) {
        if (!/\.(pem|crl|der)$/i.test(name)) continue;
        let crl: ParsedCrl;
        try {
          crl = parseCrl(readFileSync(path.join(opts.crlDir, name)));
        } catch {
          ignored.push(name);
          continue; // An unreadable CRL revokes nothing; its issuer's other CRLs still count.
        }
        // Only CRLs signed by a trust anchor count: anyone can drop a file in a folder.
        const issuer = anchors.find((a) => crlIssuedBy(crl, a));
        if (issuer) crls.push({ crl, issuer, file: name });
        else ignored.push(name);
      }
    }
    loaded = { stamp, checkedAt: now, paths: new Map(), anchors, crls };
    if (opts.onLoad) {
      try {
        opts.onLoad(summarize(anchors, crls, ignored));
      } catch {
        // A listener's failure must not change a trust decision.
      }
    }
    return loaded;
  }

  function revokedBy(cert: X509Certificate, state: Loaded): boolean {
    const serial = normalizeSerial(cert.serialNumber);
    return state.crls.some(({ crl, issuer }) => cert.checkIssued(issuer) && crl.revoked.has(serial));
  }

  return {
    anchors: () => load().anchors.slice(),
    isRevoked: (cert) => revokedBy(cert, load()),
    checkCertificate(certs, { at }) {
      const state = load();
      const leaf = certs[0];
      if (!leaf) throw new HubError('pki.untrusted_chain', 'No certificate given', { status: 422 });
      for (const c of certs) assertStrongKey(c);

      const key = certs.map((c) => c.fingerprint256).join('|');
      const chain = state.paths.get(key) ?? buildPath(certs, state);
      if (!state.paths.has(key)) {
        if (state.paths.size >= 1024) state.paths.clear();
        state.paths.set(key, chain);
      }
      return checkPath(chain, at, state);
    },
  };

  /** Walks up: an anchor that issued the current certificate ends the path, else an intermediate from the list. */
  function buildPath(certs: X509Certificate[], state: Loaded): X509Certificate[] {
    const leaf = certs[0]!;
    const chain: X509Certificate[] = [leaf];
    let current = leaf;
    for (let depth = 0; ; depth++) {
      const issuedBy = (c: X509Certificate): boolean => current.checkIssued(c) && current.verify(c.publicKey);
      const anchor = state.anchors.find((a) => a.fingerprint256 === current.fingerprint256) ?? state.anchors.find(issuedBy);
      if (anchor) {
        if (anchor !== current) chain.push(anchor);
        break;
      }
      const next = depth < 8 ? certs.find((c) => !chain.includes(c) && issuedBy(c)) : undefined;
      if (!next) {
        throw new HubError('pki.untrusted_chain', `Certificate "${describe(leaf)}" does not chain to a trusted CA`, { status: 422 });
      }
      chain.push(next);
      current = next;
    }
    return chain;
  }

  function checkPath(chain: X509Certificate[], at: Date[], state: Loaded): X509Certificate[] {
    for (const c of chain) {
      const from = new Date(c.validFrom).getTime();
      const to = new Date(c.validTo).getTime();
      for (const t of at) {
        if (t.getTime() < from || t.getTime() > to) {
          throw new HubError('pki.cert_expired', `Certificate "${describe(c)}" is not valid at ${t.toISOString()} (valid ${c.validFrom} – ${c.validTo})`, {
            status: 422,
            details: { at: t.toISOString(), validFrom: c.validFrom, validTo: c.validTo },
          });
        }
      }
    }
    for (const c of chain) {
      if (revokedBy(c, state)) {
        throw new HubError('pki.cert_revoked', `Certificate "${describe(c)}" (serial ${c.serialNumber}) is revoked`, { status: 422, details: { serial: c.serialNumber } });
      }
    }
    return chain;
  }
}
