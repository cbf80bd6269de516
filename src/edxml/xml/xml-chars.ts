/**
 * Whole-document character checks done before parsing: UTF-8 validity (with the
 * offset of the first bad byte) and XML 1.0 illegal characters. Both work in
 * chunks so a large document never becomes one JS string.
 */

/** Offset of the first byte that breaks UTF-8, or -1. Only called after `isUtf8` said no. */
export function firstInvalidUtf8(src: Buffer): number {
  let i = 0;
  const n = src.length;
  while (i < n) {
    const b = src[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let cp: number;
    if ((b & 0xe0) === 0xc0) {
      need = 1;
      min = 0x80;
      cp = b & 0x1f;
    } else if ((b & 0xf0) === 0xe0) {
      need = 2;
      min = 0x800;
      cp = b & 0x0f;
    } else if ((b & 0xf8) === 0xf0) {
      need = 3;
      min = 0x10000;
      cp = b & 0x07;
    } else {
      return i;
    }
    if (i + need >= n) return i;
    for (let k = 1; k <= need; k++) {
      const c = src[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

// Control characters XML 1.0 forbids, and U+FFFE / U+FFFF as their UTF-8 bytes
// (the buffer is read as latin1, one char per byte, which keeps offsets exact).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ILLEGAL = /[\x00-\x08\x0B\x0C\x0E-\x1F]|\xEF\xBF[\xBE\xBF]/;
const CHUNK = 1 << 20;

/** Offset of the first character XML 1.0 does not allow, or -1. */
export function firstIllegalXmlChar(src: Buffer): number {
  for (let start = 0; start < src.length; start += CHUNK) {
    // Overlap by two bytes so a 3-byte sequence split across chunks is still seen.
    const end = Math.min(src.length, start + CHUNK + 2);
    const m = ILLEGAL.exec(src.toString('latin1', start, end));
    if (m) return start + m.index;
  }
  return -1;
}
