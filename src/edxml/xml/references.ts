/**
 * Entity and character references. Only the five predefined entities and
 * character references exist here: no DTD is ever read, so any other name is
 * undefined and refused before anything is expanded.
 */

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** A reference that may not appear, with the offset of its `&`. */
export interface BadReference {
  offset: number;
  kind: 'undefined_entity' | 'malformed';
  text: string;
}

const AMP = 0x26;
const SEMI = 0x3b;
/** Longest reference we look at; longer ones are malformed anyway. */
const MAX_REF = 40;

function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/** Code point of a character reference body (`#38`, `#x26`), or -1 when invalid. */
function charRefValue(body: string): number {
  const m = /^#(?:([0-9]+)|x([0-9a-fA-F]+))$/.exec(body);
  if (!m) return -1;
  const cp = m[1] !== undefined ? Number.parseInt(m[1], 10) : Number.parseInt(m[2]!, 16);
  return Number.isFinite(cp) && isXmlChar(cp) ? cp : -1;
}

/** Checks every `&` in `src[start, end)`; returns the first bad one or null. */
export function findBadReference(src: Buffer, start: number, end: number): BadReference | null {
  let p = src.indexOf(AMP, start);
  while (p !== -1 && p < end) {
    const semi = src.indexOf(SEMI, p + 1);
    if (semi === -1 || semi >= end || semi - p > MAX_REF) {
      return { offset: p, kind: 'malformed', text: src.toString('utf8', p, Math.min(end, p + 12)) };
    }
    const body = src.toString('utf8', p + 1, semi);
    if (body.startsWith('#')) {
      if (charRefValue(body) < 0) return { offset: p, kind: 'malformed', text: `&${body};` };
    } else if (!(body in PREDEFINED)) {
      return { offset: p, kind: /^[A-Za-z_:][\w.:-]*$/.test(body) ? 'undefined_entity' : 'malformed', text: `&${body};` };
    }
    p = src.indexOf(AMP, semi + 1);
  }
  return null;
}

/** Replaces references in an already-checked string. */
export function expandReferences(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (_m, body: string) =>
    body.startsWith('#') ? String.fromCodePoint(charRefValue(body)) : (PREDEFINED[body] ?? ''),
  );
}
