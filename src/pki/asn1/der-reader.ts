/**
 * A minimal DER TLV walker. It returns byte ranges, never re-encodes: signatures
 * over a TBSCertificate, TBSCertList or CMS signed attributes must be checked on
 * the exact bytes that were signed.
 */
import { HubError } from '../../shared/hub-error.js';

/** One DER element: its tag byte and the byte ranges of the whole element and its content. */
export interface DerElement {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just after the element. */
  end: number;
}

function malformed(what: string): HubError {
  return new HubError('pki.malformed_der', `Malformed DER: ${what}`);
}

/** Reads the element starting at `offset` (only definite, short or long lengths up to 4 bytes). */
export function readDer(buf: Buffer, offset = 0, limit = buf.length): DerElement {
  if (offset + 2 > limit) throw malformed('truncated header');
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw malformed('multi-byte tags are not supported');
  let lenByte = buf[offset + 1]!;
  let p = offset + 2;
  let len: number;
  if (lenByte < 0x80) {
    len = lenByte;
  } else {
    lenByte &= 0x7f;
    if (lenByte === 0 || lenByte > 4 || p + lenByte > limit) throw malformed('bad length');
    len = 0;
    for (let i = 0; i < lenByte; i++) len = len * 256 + buf[p++]!;
  }
  const end = p + len;
  if (end > limit) throw malformed('element runs past its container');
  return { tag, start: offset, contentStart: p, end };
}

/** The direct children of a constructed element. */
export function derChildren(buf: Buffer, parent: DerElement): DerElement[] {
  const out: DerElement[] = [];
  let p = parent.contentStart;
  while (p < parent.end) {
    const child = readDer(buf, p, parent.end);
    out.push(child);
    p = child.end;
  }
  return out;
}

/** Bytes of the whole element (tag, length, content). */
export function derBytes(buf: Buffer, el: DerElement): Buffer {
  return buf.subarray(el.start, el.end);
}

/** Bytes of the content only. */
export function derContent(buf: Buffer, el: DerElement): Buffer {
  return buf.subarray(el.contentStart, el.end);
}
