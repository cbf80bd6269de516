/**
 * A bounded memo of parsed certificates. Parsing an X.509 certificate costs ~100 µs,
 * more than the RSA signature check itself, and agencies send the same certificate
 * with every message.
 */
import { X509Certificate } from 'node:crypto';

export interface CertificateCache {
  /** The certificate for these DER bytes (base64), parsed once. Throws like `new X509Certificate`. */
  fromBase64(b64: string): X509Certificate;
}

/** Creates a cache holding at most `max` certificates (least recently used evicted). */
export function createCertificateCache(max = 512): CertificateCache {
  const map = new Map<string, X509Certificate>();
  return {
    fromBase64(b64) {
      const hit = map.get(b64);
      if (hit) {
        map.delete(b64);
        map.set(b64, hit);
        return hit;
      }
      const cert = new X509Certificate(Buffer.from(b64, 'base64'));
      map.set(b64, cert);
      if (map.size > max) map.delete(map.keys().next().value!);
      return cert;
    },
  };
}
