/**
 * Attachment digests decoded from byte ranges and strings of base64, in
 * chunks of 32 KiB of characters: the same size and SHA-256 as decoding the
 * whole text at once, wherever lines, pieces and chunks break.
 */
import t from 'tap';
import { createHash, randomBytes } from 'node:crypto';
import { decodeBase64Parts, digestBase64, type Base64Piece } from '../../src/edxml/attachment-digest.js';

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** The base64 of `data` in lines of `width` ending with `eol`. */
function wrapped(data: Buffer, width: number, eol: string): string {
  const b64 = data.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += width) lines.push(b64.slice(i, i + width));
  return lines.join(eol);
}

/** Splits `text` (inside `source` from `offset`) into byte ranges and, every third piece, a string. */
function pieces(source: Buffer, offset: number, text: string, cuts: number[]): Base64Piece[] {
  const out: Base64Piece[] = [];
  let at = 0;
  [...cuts, text.length].forEach((cut, k) => {
    if (cut <= at) return;
    out.push(k % 3 === 2 ? text.slice(at, cut) : { start: offset + at, end: offset + cut });
    at = cut;
  });
  return out;
}

t.test('the same digest as decoding at once, across lines, pieces and chunks', async (t) => {
  for (const [size, width, eol] of [
    [0, 76, '\n'],
    [1, 76, '\n'],
    [2, 64, '\r\n'],
    [3 * 1024 * 1024 + 7, 76, '\r\n'],
    [786_432, 1_000_000, ''],
    [1_500_001, 76, ' \t\n'],
  ] as const) {
    const data = randomBytes(size);
    const text = wrapped(data, width, eol);
    const source = Buffer.from(`<x>${text}</x>`, 'latin1');
    const cuts = [1, 5, 4097, 32_767, 32_769, 1_048_577, 2_000_003].filter((c) => c < text.length);
    const d = digestBase64(source, pieces(source, 3, text, cuts));
    t.same(d, { size, sha256: sha256(data), invalidCharacters: false }, `${size} bytes in lines of ${width}`);
    // Decoded for streaming out: the same bytes, in parts of at most 192 KiB (256 KiB of characters).
    const parts = [...decodeBase64Parts(source, pieces(source, 3, text, cuts))];
    t.ok(Buffer.concat(parts).equals(data), `${size} bytes decoded in ${parts.length} parts`);
    t.ok(parts.every((p) => p.length > 0 && p.length <= 192 * 1024), 'no empty part, none over 192 KiB');
  }
});

t.test('characters outside base64 are flagged and skipped; whitespace is not', async (t) => {
  const data = randomBytes(1000);
  const b64 = data.toString('base64');
  const dirty = `${b64.slice(0, 100)}*\u00e9${b64.slice(100, 700)}\u0100\u1e9e${b64.slice(700)}`;
  const source = Buffer.from(dirty, 'utf8');
  const fromBytes = digestBase64(source, [{ start: 0, end: source.length }]);
  t.same(fromBytes, { size: 1000, sha256: sha256(data), invalidCharacters: true }, 'from bytes: UTF-8 of é and ẞ skipped');
  t.same(digestBase64(Buffer.alloc(0), [dirty]), { size: 1000, sha256: sha256(data), invalidCharacters: true }, 'from a string: the same');
  const spaced = ` \t\r\n${b64.match(/.{1,10}/g)!.join('\r\n')}\n`;
  t.same(digestBase64(Buffer.alloc(0), [spaced]), { size: 1000, sha256: sha256(data), invalidCharacters: false }, 'whitespace alone is no warning');
});

t.test('a last group of 2 or 3 characters decodes as the built-in decoder does', async (t) => {
  for (const text of ['QQ', 'QUI', 'QUJDRA', 'QUJDREU']) {
    const expected = Buffer.from(text, 'base64');
    t.same(digestBase64(Buffer.from(text), [{ start: 0, end: text.length }]), { size: expected.length, sha256: sha256(expected), invalidCharacters: false }, text);
  }
});

t.test('a short single range (read by the built-in decoder when plain) digests as the gathering loop does', async (t) => {
  const data = randomBytes(5000);
  const texts = [
    '',
    wrapped(randomBytes(1), 76, '\n'),
    wrapped(randomBytes(2), 76, '\r\n'),
    wrapped(data, 76, '\r\n'),
    wrapped(data, 64, ' \t\n'),
    `\r\n  ${wrapped(data, 76, '\n')}\r\n  `,
    data.toString('base64'),
    'QQ==\r\n',
    'QQ==QUJD', // padding in the middle
    'QQ=\n=', // padding broken by a line
    'QUJDR', // a truncated last group
    'QUJD-_E=', // the URL-safe alphabet is not base64 here
    'QUJD\u00c3\u00a9RA==', // bytes outside ASCII
    'QUJD*RA==',
  ];
  for (const text of texts) {
    const source = Buffer.from(text, 'latin1');
    const whole = digestBase64(source, [{ start: 0, end: source.length }]);
    // Two ranges never take the built-in decoder's way.
    const cut = Math.min(1, source.length);
    const gathered = digestBase64(source, [
      { start: 0, end: cut },
      { start: cut, end: source.length },
    ]);
    t.same(whole, gathered, JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text));
  }
  const lines = Buffer.from(wrapped(data, 76, '\r\n'));
  t.same(digestBase64(lines, [{ start: 0, end: lines.length }]), { size: 5000, sha256: sha256(data), invalidCharacters: false }, 'the 5,000 bytes');
});
