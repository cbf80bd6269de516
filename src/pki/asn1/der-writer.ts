/** Composes DER from already-encoded parts, so embedded certificates and Names stay byte-exact. */

/** One TLV: `tag` then the definite length of the concatenated `parts`, then the parts. */
export function derTlv(tag: number, ...parts: Buffer[]): Buffer {
  let n = 0;
  for (const p of parts) n += p.length;
  if (n >= 0x1000000) throw new RangeError(`DER value of ${n} bytes is longer than this writer encodes`);
  const lengthBytes = n < 0x80 ? 0 : n < 0x100 ? 1 : n < 0x10000 ? 2 : 3;
  // One allocation for header and parts (a receipt composes some fifteen of these).
  const out = Buffer.allocUnsafe(2 + lengthBytes + n);
  out[0] = tag;
  if (lengthBytes === 0) out[1] = n;
  else {
    out[1] = 0x80 | lengthBytes;
    for (let i = 0; i < lengthBytes; i++) out[2 + i] = (n >> (8 * (lengthBytes - 1 - i))) & 0xff;
  }
  let at = 2 + lengthBytes;
  for (const p of parts) at += p.copy(out, at);
  return out;
}

export const TAG = { INTEGER: 0x02, OCTET_STRING: 0x04, SEQUENCE: 0x30, SET: 0x31, CONTEXT_0: 0xa0, CONTEXT_1: 0xa1 } as const;
