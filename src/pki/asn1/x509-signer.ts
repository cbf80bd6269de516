/**
 * Signs X.509 structures (certificates, CRLs) with a private key held by
 * node:crypto, and gives the matching AlgorithmIdentifier as forge ASN.1.
 */
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { HubError } from '../../shared/hub-error.js';

const { asn1 } = forge;

/** A private key ready to sign DER structures with SHA-256. */
export interface X509Signer {
  /** AlgorithmIdentifier of the signature (sha256WithRSAEncryption or ecdsa-with-SHA256). */
  algorithmIdentifier(): forge.asn1.Asn1;
  /** Signature over the DER bytes, as X.509 stores it (PKCS#1 v1.5 or DER ECDSA). */
  sign(der: Buffer): Buffer;
}

const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';

/** Creates a SHA-256 signer for an RSA or EC private key (PEM or KeyObject). */
export function createX509Signer(privateKey: string | KeyObject): X509Signer {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  const type = key.asymmetricKeyType;
  if (type !== 'rsa' && type !== 'ec') {
    throw new HubError('pki.unsupported_key', `Cannot sign certificates with a ${String(type)} key`);
  }
  return {
    algorithmIdentifier() {
      const oid = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(type === 'rsa' ? SHA256_WITH_RSA : ECDSA_WITH_SHA256).getBytes());
      // RSA algorithms carry an explicit NULL parameter; ECDSA ones carry none (RFC 5758).
      return type === 'rsa'
        ? asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [oid, asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '')])
        : asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [oid]);
    },
    sign(der) {
      return sign('sha256', der, key);
    },
  };
}

/** DER bytes of a forge ASN.1 node. */
export function toDer(node: forge.asn1.Asn1): Buffer {
  return Buffer.from(asn1.toDer(node).getBytes(), 'binary');
}

/** Forge ASN.1 node from DER bytes. */
export function fromDer(der: Buffer): forge.asn1.Asn1 {
  return asn1.fromDer(der.toString('binary'));
}

/** Wraps `tbs` with its signature into the X.509 SIGNED{} shape: SEQUENCE { tbs, algorithm, BIT STRING }. */
export function signedStructure(tbs: forge.asn1.Asn1, signer: X509Signer): Buffer {
  const tbsDer = toDer(tbs);
  const signature = signer.sign(tbsDer);
  const outer = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    tbs,
    signer.algorithmIdentifier(),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, `\u0000${signature.toString('binary')}`),
  ]);
  return toDer(outer);
}

/** PEM armour for DER bytes. */
export function derToPem(der: Buffer, label: string): string {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** DER bytes of the first PEM block with that label (or of any block when label is omitted). */
export function pemToDer(pem: string, label?: string): Buffer {
  const re = label ? new RegExp(`-----BEGIN ${label}-----([^-]+)-----END ${label}-----`) : /-----BEGIN [A-Z0-9 ]+-----([^-]+)-----END [A-Z0-9 ]+-----/;
  const m = re.exec(pem);
  if (!m?.[1]) throw new HubError('pki.malformed_pem', `No ${label ?? 'PEM'} block found`);
  return Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
}
