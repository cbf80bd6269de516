/**
 * The development PKI: a CA, the hub's TLS server/client and signing certificates,
 * one certificate per agency, an auditor certificate, the trust-store folder and an
 * empty CRL. Idempotent: only what is missing is written (everything when the CA is new).
 */
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildCrl } from './crl.js';
import { devPkiLayout } from './dev-pki-layout.js';
import { isHubSigningCertificate } from './identity-of-certificate.js';
import { createCa, issuePartyCertificate, type IssuedCredential, type IssuingCa, type PartyProfile } from './issue-agency-certificate.js';

/** An agency to issue a certificate for. */
export interface DevPkiAgency {
  organId: string;
  name?: string;
}

export interface InitDevPkiOptions {
  certsDir: string;
  agencies: DevPkiAgency[];
  /** Regenerate everything, including the CA. */
  force?: boolean;
  /** Auditor names (default `['auditor-1']`). */
  auditors?: string[];
}

export interface InitDevPkiResult {
  /** Files written by this run (absolute paths). */
  written: string[];
}

/** Writes a private key readable by its owner only. */
export function writePrivateKey(file: string, pem: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, pem, { mode: 0o600 });
  chmodSync(file, 0o600);
}

function writePublic(file: string, pem: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, pem, { mode: 0o644 });
}

/** Reads the dev CA of a certs folder. */
export function loadDevCa(certsDir: string): IssuingCa {
  const l = devPkiLayout(certsDir);
  return { certPem: readFileSync(l.caCert, 'utf8'), keyPem: readFileSync(l.caKey, 'utf8') };
}

/** Creates (or completes) the dev PKI under `certsDir`. */
export function initDevPki(opts: InitDevPkiOptions): InitDevPkiResult {
  const l = devPkiLayout(opts.certsDir);
  const written: string[] = [];
  const renew = opts.force === true || !existsSync(l.caCert) || !existsSync(l.caKey);
  let ca: IssuingCa;
  if (renew) {
    const created = createCa({ commonName: 'edoc-hub Development CA' });
    writePrivateKey(l.caKey, created.keyPem);
    writePublic(l.caCert, created.certPem);
    written.push(l.caKey, l.caCert);
    ca = created;
  } else {
    ca = loadDevCa(opts.certsDir);
  }

  /** Issues a certificate when it is missing (or, with `stale`, when what it says is out of date). */
  const ensure = (certFile: string, keyFile: string, profile: PartyProfile, stale?: (cert: X509Certificate) => boolean): void => {
    if (!renew && existsSync(certFile) && existsSync(keyFile) && !stale?.(new X509Certificate(readFileSync(certFile)))) return;
    const cred: IssuedCredential = issuePartyCertificate({ ca, profile });
    writePrivateKey(keyFile, cred.keyPem);
    writePublic(certFile, cred.certPem);
    written.push(keyFile, certFile);
  };
  ensure(l.serverCert, l.serverKey, { kind: 'hub-server' });
  ensure(l.clientCert, l.clientKey, { kind: 'hub-client' });
  // A signing certificate from before its SAN URI was required (receipts it signs would not verify) is issued again.
  ensure(l.signingCert, l.signingKey, { kind: 'hub-signing' }, (cert) => !isHubSigningCertificate(cert));
  for (const a of opts.agencies) {
    ensure(l.agencyCert(a.organId), l.agencyKey(a.organId), { kind: 'agency', organId: a.organId, ...(a.name ? { name: a.name } : {}) });
  }
  for (const name of opts.auditors ?? ['auditor-1']) ensure(l.auditorCert(name), l.auditorKey(name), { kind: 'auditor', name });

  if (renew || !existsSync(l.trustCa)) {
    writePublic(l.trustCa, ca.certPem);
    written.push(l.trustCa);
  }
  if (renew || !existsSync(l.caCrl)) {
    writePublic(l.caCrl, buildCrl({ issuerCertPem: ca.certPem, issuerKeyPem: ca.keyPem, revoked: [] }));
    written.push(l.caCrl);
  }
  return { written };
}
