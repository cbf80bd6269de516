/**
 * The JSON of an inbox page with bytes (base64), written straight into Buffers.
 *
 * A page holds up to 8 MiB of documents. Left to JSON.stringify it would become
 * one large string that is two bytes per character as soon as a subject holds
 * Vietnamese, which the server then scans again for its UTF-8 length and
 * encodes a third time on write. Base64 is ASCII and needs no escaping in JSON,
 * so each body is encoded and copied in as Latin-1 bytes, and only the small
 * entry headers go through JSON.stringify. (The bodies come from the database
 * as Buffers, outside the JavaScript heap: as base64 strings, the page's bodies
 * were copied by every young-generation collection while it was built; hub
 * bench, median collection pause 3.9 → 2.9 ms.)
 *
 * The text outside the bodies is written as ASCII, characters beyond it as
 * `\uXXXX` escapes (valid JSON, the same values once parsed). One Vietnamese
 * subject in a page otherwise makes the whole page non-ASCII, and a client
 * decoding it as UTF-8 then builds a two-byte string of several megabytes:
 * in Node.js a 200-document page (2.7 MB) took 6.4 ms to decode and 2.3 ms to
 * parse, as ASCII 2.2 and 1.4 ms. The escaped subjects add a few bytes each.
 */
import type { InboxPageWithBytes } from '../exchange/inbox.js';

const NOT_ASCII = /[\u0080-\uffff]/g;

/** JSON text with every character beyond ASCII as a `\uXXXX` escape. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(NOT_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A piece is cut once it holds this many bytes (so it ends at most one entry past them): well under the sizes the allocator takes fresh pages for. */
const PIECE_BYTES = 64 * 1024;

/**
 * The page's JSON as pieces of about 64 KiB, to be sent one after the other
 * (their total is the Content-Length). As one Buffer, a page of several
 * megabytes was allocated on fresh memory twice — once joined, once copied
 * again with the response headers when written — and every one of its pages
 * was a page fault, which the hub bench's machine charges for (perf: 72 % of
 * the hub's page faults).
 */
export function inboxPageWithBytesJson(page: InboxPageWithBytes): Buffer[] {
  const pieces: Buffer[] = [];
  // The text of the piece being gathered: ASCII strings, written once into the piece's own Buffer.
  let texts: string[] = ['{"entries":['];
  let size = texts[0]!.length;
  const cut = (): void => {
    const piece = Buffer.allocUnsafe(size);
    let at = 0;
    for (const text of texts) at += piece.write(text, at, 'latin1');
    pieces.push(piece);
    texts = [];
    size = 0;
  };
  const add = (text: string): void => {
    texts.push(text);
    size += text.length;
  };
  page.entries.forEach(({ bytes, ...entry }, i) => {
    const head = asciiJson(entry); // '{...}': reopened to append "bytes"
    add(`${i === 0 ? '' : ','}${head.slice(0, -1)},"bytes":${bytes === null ? 'null}' : '"'}`);
    if (bytes !== null) {
      add(bytes.toString('base64'));
      add('"}');
    }
    if (size >= PIECE_BYTES) cut();
  });
  add(`],"next":${asciiJson(page.next)}}`);
  cut();
  return pieces;
}
