// The lexer of .pgas source (LANGUAGE.md §1): Chevrotain's lexer over the token types of
// tokens.ts, then a pass that checks literals and reports lexical errors, then the newline filter
// (newlines.ts). Consumes source text and a DiagnosticSink; gives the token vector the parser reads.

import type { IToken } from "chevrotain";
import { Lexer } from "./chevrotain.js";
import type { DiagnosticSink } from "../diagnostics/diagnostic.js";
import { Syntax } from "../diagnostics/catalogue-syntax.js";
import type { Span } from "../diagnostics/span.js";
import { numberProblem, stringLiteralValue } from "./literals.js";
import { filterNewlines } from "./newlines.js";
import { allTokens, FloatLiteral, IntLiteral, Newline, StringLiteral, UnterminatedComment, UnterminatedString } from "./tokens.js";

const chevrotainLexer = new Lexer([...allTokens], {
  positionTracking: "full",
  ensureOptimizations: true,
  // Lexer errors are turned into catalogue diagnostics below; no console output.
  errorMessageProvider: {
    buildUnexpectedCharactersMessage: (text, offset, length) => text.substr(offset, length),
    buildUnableToPopLexerModeMessage: () => "",
  },
});

// ---------------------------------------------------------------------------------------------
// Spans
// ---------------------------------------------------------------------------------------------

export function tokenSpan(t: IToken): Span {
  return {
    start: t.startOffset,
    end: (t.endOffset ?? t.startOffset) + 1,
    line: t.startLine ?? 1,
    col: t.startColumn ?? 1,
  };
}

/** A span for `length` characters at `offset`, computing line and column from the text. */
export function spanAt(text: string, offset: number, length: number): Span {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { start: offset, end: offset + length, line, col: offset - lineStart + 1 };
}

// ---------------------------------------------------------------------------------------------
// Lexing with diagnostics
// ---------------------------------------------------------------------------------------------

export interface LexResult {
  /** The tokens after the newline filter: what the parser reads. */
  tokens: IToken[];
  /** The tokens as lexed, newlines included (for tests and tools). */
  rawTokens: IToken[];
  /** More than MAX_TOKENS tokens: reported, and no tokens are returned. */
  tooLarge: boolean;
  /** Offsets of the characters no token matched (already reported), in order. */
  badCharacterOffsets: number[];
}

/** Lexes `text`, reporting every lexical error to `sink`; never throws. */
export function lex(text: string, sink: DiagnosticSink): LexResult {
  const result = tokenizeInChunks(text);
  let lexicalErrors = 0;
  const report: DiagnosticSink["report"] = (def, span, ...args) => {
    lexicalErrors++;
    if (lexicalErrors === MAX_LEXICAL_ERRORS + 1) return sink.report(Syntax.tooManyErrors, span, MAX_LEXICAL_ERRORS);
    if (lexicalErrors > MAX_LEXICAL_ERRORS) return undefined as never;
    return sink.report(def, span, ...args);
  };
  for (const err of result.errors) {
    const bad = text.substr(err.offset, err.length);
    const span: Span = { start: err.offset, end: err.offset + err.length, line: err.line ?? 1, col: err.column ?? 1 };
    report(Syntax.unexpectedCharacter, span, describeCharacters(bad));
  }
  if (result.abandonedAt !== undefined) {
    sink.report(Syntax.tooManyErrors, spanAt(text, result.abandonedAt, 1), MAX_LEXICAL_ERRORS);
    return { tokens: [], rawTokens: [], tooLarge: true, badCharacterOffsets: [] };
  }
  if (result.truncatedAt !== undefined) {
    sink.report(Syntax.tooManyTokens, spanAt(text, result.truncatedAt, 1), MAX_TOKENS);
    return { tokens: [], rawTokens: [], tooLarge: true, badCharacterOffsets: [] };
  }
  // A block comment spanning lines separates statements, as the newline inside it would.
  const withComments = mergeComments(result.tokens, result.comments);
  for (const t of withComments) {
    const type = t.tokenType;
    if (type === UnterminatedComment) {
      report(Syntax.unterminatedComment, { ...tokenSpan(t), end: t.startOffset + 2 });
    } else if (type === UnterminatedString) {
      report(Syntax.unterminatedString, { ...tokenSpan(t), end: t.startOffset + 1 });
      stringLiteralValue(t.image, (off, ch) => reportBadEscape(t, off, ch, report));
    } else if (type === StringLiteral) {
      stringLiteralValue(t.image, (off, ch) => reportBadEscape(t, off, ch, report));
    } else if (type === IntLiteral || type === FloatLiteral) {
      const problem = numberProblem(t.image, type === FloatLiteral);
      if (problem) report(Syntax.malformedNumber, tokenSpan(t), t.image, problem);
    }
  }
  const tokens = filterNewlines(withComments);
  const badCharacterOffsets = result.errors.map((e) => e.offset);
  return { tokens, rawTokens: withComments, tooLarge: false, badCharacterOffsets };
}

/** More tokens than this and the input is refused (a 5,000-line program has about 40,000). */
export const MAX_TOKENS = 500_000;
const MAX_LEXICAL_ERRORS = 100;
/** Text is lexed in chunks of about this many characters. */
export const CHUNK_SIZE = 64 * 1024;
/**
 * Lexing stops after this many characters of lexical errors: Chevrotain tries every pattern at
 * every bad character, so megabytes of garbage would take seconds.
 */
const MAX_ERROR_CHARACTERS = 16 * 1024;

interface ChunkedTokens {
  tokens: IToken[];
  comments: IToken[];
  errors: { offset: number; length: number; line?: number; column?: number }[];
  /** Set when lexing stopped at MAX_TOKENS: the offset reached. */
  truncatedAt?: number;
  /** Set when lexing stopped because of too many errors: the offset reached. */
  abandonedAt?: number;
}

/**
 * Lexes in chunks, so a huge input costs time and memory only up to MAX_TOKENS. A chunk's end may
 * fall inside a token or a comment, and cutting one can change how everything after its start is
 * lexed (`1.|5`, a `//` comment cut short, `\r|\n`), so each chunk keeps only what precedes its last
 * Newline token and the next chunk starts at that newline. A Newline token is a safe place: no
 * token but a block comment spans a line break, and a block comment cut by the chunk's end lexes
 * as an unterminated one that runs to the chunk's end, so no Newline token follows it. A chunk
 * without one is doubled until it has one or reaches the end of the text. Tokens do not depend
 * on what precedes them, so this lexes exactly as one pass would.
 */
function tokenizeInChunks(text: string): ChunkedTokens {
  const out: ChunkedTokens = { tokens: [], comments: [], errors: [] };
  let pos = 0;
  let linesBefore = 0;
  let columnBefore = 0;
  let errorCharacters = 0;
  while (pos < text.length) {
    let size = CHUNK_SIZE;
    let end: number;
    let result: ReturnType<typeof chevrotainLexer.tokenize>;
    let restart: number;
    for (;;) {
      end = Math.min(text.length, pos + size);
      result = chevrotainLexer.tokenize(text.slice(pos, end));
      if (end >= text.length) {
        restart = end - pos;
        break;
      }
      restart = lastNewlineStart(result.tokens);
      if (restart > 0) break;
      // No line break yet: a chunk already past the budget is cut here (the text is refused),
      // rather than doubled again over megabytes of one line.
      if (out.tokens.length + result.tokens.length > MAX_TOKENS || chunkErrorCharacters(result) > MAX_ERROR_CHARACTERS) {
        restart = end - pos;
        break;
      }
      size *= 2;
    }
    const keep = (t: IToken) => t.startOffset < restart;
    for (const t of result.tokens) if (keep(t)) out.tokens.push(shift(t, pos, linesBefore, columnBefore));
    for (const t of result.groups["comments"] ?? []) {
      if (keep(t)) out.comments.push(shift(t, pos, linesBefore, columnBefore));
    }
    for (const e of result.errors) {
      if (e.offset >= restart) continue;
      const line = e.line ?? 1;
      out.errors.push({
        offset: e.offset + pos,
        length: e.length,
        line: line + linesBefore,
        column: (e.column ?? 1) + (line === 1 ? columnBefore : 0),
      });
      errorCharacters += e.length;
    }
    const consumed = text.slice(pos, pos + restart);
    const breaks = consumed.match(/\r\n|\r|\n/g) ?? [];
    if (breaks.length > 0) {
      linesBefore += breaks.length;
      columnBefore = consumed.length - Math.max(consumed.lastIndexOf("\n"), consumed.lastIndexOf("\r")) - 1;
    } else {
      columnBefore += consumed.length;
    }
    pos += restart;
    if (out.tokens.length > MAX_TOKENS) {
      out.truncatedAt = out.tokens[MAX_TOKENS]!.startOffset;
      break;
    }
    if ((errorCharacters > MAX_ERROR_CHARACTERS || out.errors.length > MAX_LEXICAL_ERRORS) && pos < text.length) {
      out.abandonedAt = pos;
      break;
    }
  }
  return out;
}

function chunkErrorCharacters(result: { errors: { length: number }[] }): number {
  let n = 0;
  for (const e of result.errors) n += e.length;
  return n;
}

/** Where the last Newline token of a chunk starts (0 if it has none). */
function lastNewlineStart(tokens: IToken[]): number {
  for (let i = tokens.length - 1; i >= 0; i--) {
    if (tokens[i]!.tokenType === Newline) return tokens[i]!.startOffset;
  }
  return 0;
}

/** Moves a token lexed in a chunk to its place in the whole text. */
function shift(t: IToken, offset: number, lines: number, column: number): IToken {
  if (offset === 0) return t;
  t.startOffset += offset;
  if (t.endOffset !== undefined) t.endOffset += offset;
  // Columns on the chunk's first line count from the chunk's start, not the line's.
  if (t.startLine === 1 && t.startColumn !== undefined) t.startColumn += column;
  if (t.endLine === 1 && t.endColumn !== undefined) t.endColumn += column;
  if (t.startLine !== undefined) t.startLine += lines;
  if (t.endLine !== undefined) t.endLine += lines;
  return t;
}

function reportBadEscape(t: IToken, offsetInImage: number, ch: string, report: DiagnosticSink["report"]): void {
  // offsetInImage counts from after the opening quote and points at the character after '\'.
  const start = t.startOffset + offsetInImage;
  report(
    Syntax.invalidEscape,
    { start, end: start + 2, line: t.startLine ?? 1, col: (t.startColumn ?? 1) + offsetInImage },
    ch,
  );
}

/** `é` as is, control characters and invisible ones as `U+0007`. */
function describeCharacters(s: string): string {
  const first = [...s].slice(0, 8);
  return first
    .map((ch) => {
      const code = ch.codePointAt(0)!;
      if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0) || code === 0xfffd) {
        return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
      }
      return ch;
    })
    .join("") + ([...s].length > 8 ? "..." : "");
}

/**
 * Block comments are lexed into their own group; a comment that spans lines becomes a Newline
 * token in the stream (it separates statements), an unterminated one is kept for reporting.
 */
function mergeComments(tokens: IToken[], comments: IToken[]): IToken[] {
  const significant = comments.filter((c) => c.tokenType === UnterminatedComment || /[\r\n]/.test(c.image));
  if (significant.length === 0) return tokens;
  const asNewlines = significant.map((c) =>
    c.tokenType === UnterminatedComment ? c : ({ ...c, tokenType: Newline, tokenTypeIdx: Newline.tokenTypeIdx! } as IToken),
  );
  const merged: IToken[] = [];
  let j = 0;
  for (const t of tokens) {
    while (j < asNewlines.length && asNewlines[j]!.startOffset < t.startOffset) merged.push(asNewlines[j++]!);
    merged.push(t);
  }
  while (j < asNewlines.length) merged.push(asNewlines[j++]!);
  return merged;
}
