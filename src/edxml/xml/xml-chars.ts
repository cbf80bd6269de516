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

// Control characters XML 1.0 forbids. The buffer is read as latin1 (one char per
// byte, offsets stay exact); a plain character class lets V8 scan fast.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\x00-\x08\x0B\x0C\x0E-\x1F]/;
// 32 KiB at a time: a string that small is made in V8's young generation, whose
// pages are reused; a 1 MiB one went to the large-object space on fresh pages
// every time (measured: the 370 KB corpus document read 221/s with 1 MiB, 724/s).
const CHUNK = 1 << 15;
/** U+FFFE and U+FFFF are EF BF BE / EF BF BF; EF BF also starts legal characters (U+FFC0–U+FFFD). */
const EF_BF = Buffer.from([0xef, 0xbf]);

/** Offset of the first character XML 1.0 does not allow, or -1. */
export function firstIllegalXmlChar(src: Buffer): number {
  let found = -1;
  for (let start = 0; start < src.length; start += CHUNK) {
    const m = CONTROL.exec(src.toString('latin1', start, Math.min(src.length, start + CHUNK)));
    if (m) {
      found = start + m.index;
      break;
    }
  }
  const limit = found === -1 ? src.length : found;
  for (let p = src.indexOf(EF_BF); p !== -1 && p < limit; p = src.indexOf(EF_BF, p + 2)) {
    const third = src[p + 2];
    if (third === 0xbe || third === 0xbf) return p;
  }
  return found;
}
