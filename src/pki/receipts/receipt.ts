/**
 * Signed receipts: a JSON statement signed by the hub, packaged as one S/MIME file that a
 * third party checks offline with `openssl cms -verify -in receipt.eml -CAfile ca.pem -purpose any`
 * (see docs/signatures.md) or with `verifyReceipt`.
 */
import { HubError, isHubError } from '../../shared/hub-error.js';
import { createCmsDetachedSignature } from './cms-detached-signature.js';
import type { HubSigner } from './hub-signer.js';
import { buildMultipartSigned, mimePart, parseMultipartSigned } from './smime-multipart-signed.js';
import { verifyCmsDetachedSignature, type CmsSigner } from './verify-cms-detached-signature.js';

export interface BuiltReceipt {
  /** The S/MIME file to hand out. */
  bytes: Buffer;
  /** The receipt JSON (single line, UTF-8). */
  contentBytes: Buffer;
  /** The MIME part the CMS signature covers: `Content-Type: application/json` CRLF CRLF, then the JSON. */
  signedBytes: Buffer;
  /** The detached CMS SignedData (DER). */
  signatureDer: Buffer;
}

export type ReceiptVerification = { ok: true; content: unknown; signer: CmsSigner } | { ok: false; reason: string; code: string };

/** Signs `content` (serialized with JSON.stringify) and packages it as S/MIME. */
export function buildReceipt(content: object, signer: HubSigner, signingTime: Date = new Date()): BuiltReceipt {
  const contentBytes = Buffer.from(JSON.stringify(content), 'utf8');
  const signedBytes = mimePart('application/json', contentBytes);
  const signatureDer = createCmsDetachedSignature(signedBytes, signer, signingTime);
  return { bytes: buildMultipartSigned(signedBytes, signatureDer), contentBytes, signedBytes, signatureDer };
}

/** Verifies a receipt offline against the hub's CA certificate. Never throws for a bad receipt. */
export function verifyReceipt(bytes: Buffer, caCertPem: string): ReceiptVerification {
  try {
    const parts = parseMultipartSigned(bytes);
    const signer = verifyCmsDetachedSignature(parts.signedPart, parts.signatureDer, caCertPem);
    if (!/^application\/json/i.test(parts.partHeaders.get('content-type') ?? '')) {
      throw new HubError('pki.malformed_receipt', 'The signed part is not application/json');
    }
    let content: unknown;
    try {
      content = JSON.parse(parts.body.toString('utf8'));
    } catch {
      throw new HubError('pki.malformed_receipt', 'The signed part is not JSON');
    }
    return { ok: true, content, signer };
  } catch (e) {
    if (isHubError(e)) return { ok: false, code: e.code, reason: e.message };
    if (e instanceof Error && 'code' in e && typeof e.code === 'string' && e.code.startsWith('ERR_')) return { ok: false, code: 'pki.malformed_receipt', reason: e.message };
    throw e;
  }
}
