/**
 * Byte offset → 1-based line/column for a UTF-8 buffer.
 *
 * Lines end at LF (a CRLF pair counts once, as XML normalizes it); columns count
 * characters (UTF-8 continuation bytes are skipped). Two ways in: `advance` moves a
 * forward-only cursor (what the parser uses, amortized O(document)), `position`
 * answers any offset from a line table built on first use.
 */
export interface LineIndex {
  /** Position of `offset`, which must not be smaller than the previous call's. */
  advance(offset: number): { line: number; column: number };
  /** Position of any offset. */
  position(offset: number): { line: number; column: number };
}

const LF = 0x0a;

/** Counts characters (not bytes) in `src[from, to)`. */
function countChars(src: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    // Continuation bytes are 10xxxxxx.
    if ((src[i]! & 0xc0) !== 0x80) n++;
  }
  return n;
}

/** Creates the line index of `src`. */
export function createLineIndex(src: Buffer): LineIndex {
  // A byte order mark is no character of the document: line 1 starts after it.
  const first = src[0] === 0xef && src[1] === 0xbb && src[2] === 0xbf ? 3 : 0;
  let curOffset = first;
  let curLine = 1;
  let curLineStart = first;
  let curColumn = 1;
  let nextLf = -2;
  let table: number[] | null = null;

  function lineStarts(): number[] {
    if (table) return table;
    const starts = [first];
    let p = src.indexOf(LF);
    while (p !== -1) {
      starts.push(p + 1);
      p = src.indexOf(LF, p + 1);
    }
    table = starts;
    return starts;
  }

  return {
    advance(offset) {
      if (offset < curOffset) return this.position(offset);
      // nextLf caches the first LF at or after curOffset (-1: none left), so a
      // long single line is not searched again on every call.
      if (nextLf !== -1 && nextLf < curOffset) nextLf = src.indexOf(LF, curOffset);
      if (nextLf !== -1 && nextLf < offset) {
        while (nextLf !== -1 && nextLf < offset) {
          curLine++;
          curLineStart = nextLf + 1;
          nextLf = src.indexOf(LF, nextLf + 1);
        }
        curColumn = 1 + countChars(src, curLineStart, offset);
      } else {
        curColumn += countChars(src, curOffset, offset);
      }
      curOffset = offset;
      return { line: curLine, column: curColumn };
    },
    position(offset) {
      const starts = lineStarts();
      const target = Math.max(first, Math.min(offset, src.length));
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= target) lo = mid;
        else hi = mid - 1;
      }
      return { line: lo + 1, column: 1 + countChars(src, starts[lo]!, target) };
    },
  };
}
