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

/** A piece is cut once it holds this many bytes (so it ends at most one entry, or one part of a large body, past them): well under the sizes the allocator takes fresh pages for. */
const PIECE_BYTES = 64 * 1024;

/** A body's bytes encoded at a time: 64 KiB of base64. */
const BODY_PART_BYTES = 48 * 1024;

/** The length of `n` bytes in base64 (padded). */
const base64Length = (n: number): number => Math.ceil(n / 3) * 4;

/** An inbox page's JSON: its length in bytes, and its pieces, each made when it is asked for. */
export interface InboxPageJson {
  /** The response's Content-Length. */
  length: number;
  /** Pieces of about 64 KiB; iterating again makes them again. */
  pieces: Iterable<Buffer>;
}

/**
 * The page's JSON as pieces of about 64 KiB, to be sent one after the other.
 * As one Buffer, a page of several megabytes was allocated on fresh memory
 * twice — once joined, once copied again with the response headers when
 * written — and every one of its pages was a page fault, which the hub
 * bench's machine charges for (perf: 72 % of the hub's page faults).
 *
 * Only the small entry texts are made at once (the length needs them); each
 * piece's bodies are encoded when the response asks for that piece. Built
 * whole, a page held the event loop, and every request waiting on it, for
 * 0.9 ms at 140 documents of 10 KB and 6–9 ms at the 8 MiB a page may reach.
 */
export function inboxPageWithBytesJson(page: InboxPageWithBytes): InboxPageJson {
  const open = '{"entries":[';
  const close = `],"next":${asciiJson(page.next)}}`;
  // Each entry's text up to its bytes: '{...}' reopened to append "bytes".
  const entries = page.entries.map(({ bytes, ...entry }, i) => ({
    head: `${i === 0 ? '' : ','}${asciiJson(entry).slice(0, -1)},"bytes":${bytes === null ? 'null}' : '"'}`,
    bytes,
  }));
  const length = entries.reduce((n, { head, bytes }) => n + head.length + (bytes === null ? 0 : base64Length(bytes.length) + 2), open.length + close.length);
  function* pieces(): Generator<Buffer> {
    // The text of the piece being gathered: ASCII strings, written once into the piece's own Buffer.
    let texts: string[] = [open];
    let size = open.length;
    const cut = (): Buffer => {
      const piece = Buffer.allocUnsafe(size);
      let at = 0;
      for (const text of texts) at += piece.write(text, at, 'latin1');
      texts = [];
      size = 0;
      return piece;
    };
    const add = (text: string): void => {
      texts.push(text);
      size += text.length;
    };
    for (const { head, bytes } of entries) {
      add(head);
      if (bytes !== null) {
        // A large body is encoded a part at a time, each a multiple of 3 bytes (base64 with no padding inside).
        for (let at = 0; at < bytes.length; at += BODY_PART_BYTES) {
          add(bytes.toString('base64', at, Math.min(bytes.length, at + BODY_PART_BYTES)));
          if (size >= PIECE_BYTES && at + BODY_PART_BYTES < bytes.length) yield cut();
        }
        add('"}');
      }
      if (size >= PIECE_BYTES) yield cut();
    }
    add(close);
    yield cut();
  }
  return { length, pieces: { [Symbol.iterator]: pieces } };
}
