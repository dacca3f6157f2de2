// Source positions: every AST node and diagnostic carries a Span.
// Lines and columns are 1-based (as printed to people); offsets are 0-based into the text.

export interface Span {
  /** 0-based offset of the first character. */
  start: number;
  /** 0-based offset one past the last character. */
  end: number;
  /** 1-based line of `start`. */
  line: number;
  /** 1-based column of `start` (in UTF-16 code units, tabs count as one). */
  col: number;
}

export function spanCover(a: Span, b: Span): Span {
  return { start: a.start, end: Math.max(a.end, b.end), line: a.line, col: a.col };
}
