/** ECDSA signature encodings: DER `SEQUENCE { r, s }` (X9.62, CMS) and r‖s (IEEE P1363, XML-DSig). */
import { HubError } from '../../shared/hub-error.js';
import { derChildren, derContent, readDer } from '../asn1/der-reader.js';

/** Converts a DER ECDSA signature to r‖s, each left-padded to `size` bytes (32 for P-256). */
export function derEcdsaToP1363(der: Buffer, size: number): Buffer {
  const [r, s] = derChildren(der, readDer(der));
  if (!r || !s || r.tag !== 0x02 || s.tag !== 0x02) throw new HubError('pki.malformed_der', 'Not a DER ECDSA signature');
  const fit = (b: Buffer): Buffer => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    const v = b.subarray(i);
    if (v.length > size) throw new HubError('pki.malformed_der', 'ECDSA integer longer than the curve size');
    return Buffer.concat([Buffer.alloc(size - v.length), v]);
  };
  return Buffer.concat([fit(derContent(der, r)), fit(derContent(der, s))]);
}
