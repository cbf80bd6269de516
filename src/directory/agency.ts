/** An agency (or unit) the hub exchanges documents with, as kept in the directory. */
export type DeliveryMode = { mode: 'pull' } | { mode: 'push'; endpoint: string };
export type SignaturePolicy = 'required' | 'lenient';

export interface Agency {
  organId: string;
  name: string;
  parent: string | null;
  contact: { address?: string; email?: string; telephone?: string; website?: string };
  delivery: DeliveryMode;
  signaturePolicy: SignaturePolicy;
  allowLegacyAlgorithms: boolean;
  /** Pinned SHA-256 certificate fingerprints (upper-case hex with colons, as node:crypto prints them). */
  certificates: string[];
  limits: { maxMessageBytes?: number };
  active: boolean;
}

export interface AuditorEntry {
  name: string;
  certificates: string[];
}

export interface DirectoryFile {
  agencies: Agency[];
  auditors: AuditorEntry[];
}

/** A complete agency record: what is not given takes the directory defaults (pull delivery, signatures required, active). */
export function agencyWithDefaults(a: Pick<Agency, 'organId' | 'name'> & Partial<Agency>): Agency {
  return {
    parent: null,
    contact: {},
    delivery: { mode: 'pull' },
    signaturePolicy: 'required',
    allowLegacyAlgorithms: false,
    certificates: [],
    limits: {},
    active: true,
    ...a,
  };
}

/** Normalizes a fingerprint to node:crypto's `fingerprint256` form (AA:BB:…). */
export function normalizeFingerprint(fp: string): string {
  const hex = fp.replace(/:/g, '').toUpperCase();
  return hex.match(/.{2}/g)?.join(':') ?? hex;
}
