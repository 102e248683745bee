/**
 * Offsets to positions and short snippets, computed only for findings. The line-start table is
 * built on the first `position` call; `snippet` never needs it.
 */

/** Characters of context on each side of a finding: a 10 MB minified line never reaches a report. */
export const SNIPPET_RADIUS = 60;

export interface SourceLocator {
  /** 1-based line, 0-based column (UTF-16 units, as acorn counts). */
  position(offset: number): { line: number; column: number };
  /** The code around `offset` on its own line, at most `SNIPPET_RADIUS` characters each side. */
  snippet(offset: number): string;
}

export function sourceLocator(source: string): SourceLocator {
  let lineStarts: number[] | undefined;
  const clamp = (offset: number): number => Math.min(Math.max(0, Math.trunc(offset)), source.length);

  return {
    position(offset) {
      lineStarts ??= buildLineStarts(source);
      const at = clamp(offset);
      let low = 0;
      let high = lineStarts.length - 1;
      while (low < high) {
        const mid = (low + high + 1) >> 1;
        if ((lineStarts[mid] ?? 0) <= at) low = mid;
        else high = mid - 1;
      }
      return { line: low + 1, column: at - (lineStarts[low] ?? 0) };
    },
    snippet(offset) {
      const at = clamp(offset);
      let start = at;
      const minStart = Math.max(0, at - SNIPPET_RADIUS);
      while (start > minStart && !isLineBreak(source.charCodeAt(start - 1))) start--;
      let end = at;
      const maxEnd = Math.min(source.length, at + SNIPPET_RADIUS);
      while (end < maxEnd && !isLineBreak(source.charCodeAt(end))) end++;
      // Never cut a surrogate pair in half: the snippet must stay valid text.
      if (start > 0 && isLowSurrogate(source.charCodeAt(start))) start++;
      if (end < source.length && isLowSurrogate(source.charCodeAt(end))) end--;
      const cutBefore = start > 0 && !isLineBreak(source.charCodeAt(start - 1));
      const cutAfter = end < source.length && !isLineBreak(source.charCodeAt(end));
      const text = source.slice(start, end).trim();
      return `${cutBefore ? '…' : ''}${text}${cutAfter ? '…' : ''}`;
    },
  };
}

/** ECMAScript line terminators: LF, CR (CRLF counts once), LS, PS. */
function isLineBreak(code: number): boolean {
  return code === 10 || code === 13 || code === 0x2028 || code === 0x2029;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** The line terminators `isLineBreak` names, CRLF as one: the regex engine finds them far faster than a loop. */
const LINE_BREAK = /\r\n|[\n\r\u2028\u2029]/g;

function buildLineStarts(source: string): number[] {
  const starts = [0];
  // Most files break lines with LF alone: `indexOf` finds those twice as fast as the regex.
  if (source.indexOf('\r') === -1 && source.indexOf('\u2028') === -1 && source.indexOf('\u2029') === -1) {
    for (let at = source.indexOf('\n'); at !== -1; at = source.indexOf('\n', at + 1)) starts.push(at + 1);
    return starts;
  }
  LINE_BREAK.lastIndex = 0;
  // `test` moves `lastIndex` past each break without building a match object.
  while (LINE_BREAK.test(source)) starts.push(LINE_BREAK.lastIndex);
  return starts;
}
