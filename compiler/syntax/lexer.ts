// The lexer of .pgas source (LANGUAGE.md §1): Chevrotain token types, then a pass that checks
// literals and reports lexical errors, then the newline filter that applies the separator rules.
// Consumes source text and a DiagnosticSink; gives the filtered token vector the parser reads.

import type { IToken, TokenType } from "chevrotain";
import { createToken, Lexer } from "./chevrotain.js";
import type { DiagnosticSink } from "../diagnostics/diagnostic.js";
import { Syntax } from "../diagnostics/catalogue-syntax.js";
import type { Span } from "../diagnostics/span.js";

// ---------------------------------------------------------------------------------------------
// Token types. Order in `allTokens` matters: longer operators before their prefixes, keywords
// before Identifier (each keyword names Identifier as its longer alternative, so `format` is
// one identifier, not `for` + `mat`).
// ---------------------------------------------------------------------------------------------

export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_]*/ });

/** Every reserved word, so messages can say "'block' is a reserved word". */
export const Keyword = createToken({ name: "Keyword", pattern: Lexer.NA });
/** The element type words usable as a type and as a conversion call (`float(i)`). */
export const TypeKeyword = createToken({ name: "TypeKeyword", pattern: Lexer.NA });

function keyword(word: string, extraCategories: TokenType[] = []): TokenType {
  const name = word[0]!.toUpperCase() + word.slice(1);
  return createToken({
    name,
    pattern: new RegExp(word),
    longer_alt: Identifier,
    categories: [Keyword, ...extraCategories],
    label: `'${word}'`,
  });
}

export const Const = keyword("const");
export const Var = keyword("var");
export const Shared = keyword("shared");
export const Fn = keyword("fn");
export const Return = keyword("return");
export const If = keyword("if");
export const Else = keyword("else");
export const While = keyword("while");
export const Forall = keyword("forall");
export const For = keyword("for");
export const In = keyword("in");
export const On = keyword("on");
export const By = keyword("by");
export const Break = keyword("break");
export const Continue = keyword("continue");
export const Sync = keyword("sync");
export const All = keyword("all");
export const Images = keyword("images");
export const Memory = keyword("memory");
export const Critical = keyword("critical");
export const Lock = keyword("lock");
export const Unlock = keyword("unlock");
export const Event = keyword("event");
export const Post = keyword("post");
export const Wait = keyword("wait");
export const Until = keyword("until");
export const Stop = keyword("stop");
export const Error_ = createToken({
  name: "Error",
  pattern: /error/,
  longer_alt: Identifier,
  categories: [Keyword],
  label: "'error'",
});
export const True = keyword("true");
export const False = keyword("false");
export const Int = keyword("int", [TypeKeyword]);
export const Float = keyword("float", [TypeKeyword]);
export const Bool = keyword("bool", [TypeKeyword]);
export const String_ = createToken({
  name: "String",
  pattern: /string/,
  longer_alt: Identifier,
  categories: [Keyword, TypeKeyword],
  label: "'string'",
});
export const Cyclic = keyword("cyclic");
export const BlockKw = createToken({
  name: "Block",
  pattern: /block/,
  longer_alt: Identifier,
  categories: [Keyword],
  label: "'block'",
});

// Literals. The patterns are deliberately loose (`0x`, `1e`, `1__2`) so that malformed numbers
// become one token with a precise diagnostic instead of a confusing split.
export const FloatLiteral = createToken({
  name: "FloatLiteral",
  pattern: /(?:[0-9][0-9_]*)?\.[0-9][0-9_]*(?:[eE][+-]?[0-9_]*)?|[0-9][0-9_]*[eE][+-]?[0-9_]*/,
  label: "a float literal",
});
export const IntLiteral = createToken({
  name: "IntLiteral",
  pattern: /0[xX][0-9A-Za-z_]*|[0-9][0-9_]*/,
  label: "an integer literal",
});
export const StringLiteral = createToken({
  name: "StringLiteral",
  // Unrolled (no alternation inside the loop) so a megabyte-long string does not exhaust the
  // regular-expression engine's backtracking stack.
  pattern: /"[^"\\\r\n]*(?:\\[^\r\n][^"\\\r\n]*)*"/,
  label: "a string literal",
});
/** A string that reaches the end of its line: reported, then parsed as if it were closed. */
export const UnterminatedString = createToken({
  name: "UnterminatedString",
  pattern: /"[^"\\\r\n]*(?:\\[^\r\n][^"\\\r\n]*)*\\?/,
  categories: [StringLiteral],
  label: "a string literal",
});

export const LineComment = createToken({ name: "LineComment", pattern: /\/\/[^\r\n]*/, group: Lexer.SKIPPED });
export const BlockComment = createToken({
  name: "BlockComment",
  pattern: /\/\*[\s\S]*?\*\//,
  group: "comments",
  line_breaks: true,
});
export const UnterminatedComment = createToken({
  name: "UnterminatedComment",
  pattern: /\/\*[\s\S]*/,
  group: "comments",
  line_breaks: true,
});
export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\f\v\uFEFF]+/, group: Lexer.SKIPPED });
export const Newline = createToken({
  name: "Newline",
  pattern: /\r\n|\r|\n/,
  line_breaks: true,
  label: "newline",
});
/**
 * Inserted by the newline filter before every `}` and at the end of the input, so the grammar can
 * require a separator after each statement while `{ y = 1 }` needs none (Go does the same).
 */
export const ImplicitSeparator = createToken({ name: "ImplicitSeparator", pattern: Lexer.NA, label: "end of block" });

// Operators, grouped by precedence level (token categories keep the CST simple: one list of
// operators per level, in source order).
export const OrOp = createToken({ name: "OrOp", pattern: Lexer.NA, label: "'||'" });
export const AndOp = createToken({ name: "AndOp", pattern: Lexer.NA, label: "'&&'" });
export const CompareOp = createToken({ name: "CompareOp", pattern: Lexer.NA, label: "a comparison" });
export const AddOp = createToken({ name: "AddOp", pattern: Lexer.NA, label: "'+'" });
export const MulOp = createToken({ name: "MulOp", pattern: Lexer.NA, label: "'*'" });
export const UnaryOp = createToken({ name: "UnaryOp", pattern: Lexer.NA, label: "a unary operator" });
export const AssignOp = createToken({ name: "AssignOp", pattern: Lexer.NA, label: "'='" });
/** Every binary operator, `**` included: the grammar reads a flat chain, the AST builder ranks. */
export const BinaryOperator = createToken({ name: "BinaryOperator", pattern: Lexer.NA, label: "an operator" });

function op(name: string, text: string, categories: TokenType[] = []): TokenType {
  if ([OrOp, AndOp, CompareOp, AddOp, MulOp].some((c) => categories.includes(c)) || text === "**") {
    categories = [...categories, BinaryOperator];
  }
  const escaped = text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
  return createToken({ name, pattern: new RegExp(escaped), categories, label: `'${text}'` });
}

export const PipePipe = op("PipePipe", "||", [OrOp]);
export const AmpAmp = op("AmpAmp", "&&", [AndOp]);
export const EqEq = op("EqEq", "==", [CompareOp]);
export const NotEq = op("NotEq", "!=", [CompareOp]);
export const LessEq = op("LessEq", "<=", [CompareOp]);
export const GreaterEq = op("GreaterEq", ">=", [CompareOp]);
export const ShiftLeft = op("ShiftLeft", "<<", [MulOp]);
export const ShiftRight = op("ShiftRight", ">>", [MulOp]);
export const Less = op("Less", "<", [CompareOp]);
export const Greater = op("Greater", ">", [CompareOp]);
export const PlusAssign = op("PlusAssign", "+=", [AssignOp]);
export const MinusAssign = op("MinusAssign", "-=", [AssignOp]);
export const StarAssign = op("StarAssign", "*=", [AssignOp]);
export const SlashAssign = op("SlashAssign", "/=", [AssignOp]);
export const Arrow = op("Arrow", "->");
export const Plus = op("Plus", "+", [AddOp]);
/** `-` is binary (additive) and unary: the parser picks by position. */
export const Minus = op("Minus", "-", [AddOp, UnaryOp]);
export const Pipe = op("Pipe", "|", [AddOp]);
export const Caret = op("Caret", "^", [AddOp]);
export const StarStar = op("StarStar", "**");
export const Star = op("Star", "*", [MulOp]);
export const Slash = op("Slash", "/", [MulOp]);
export const Percent = op("Percent", "%", [MulOp]);
export const Amp = op("Amp", "&", [MulOp]);
export const Bang = op("Bang", "!", [UnaryOp]);
export const Tilde = op("Tilde", "~", [UnaryOp]);
export const Equals = op("Equals", "=", [AssignOp]);
export const DotDot = op("DotDot", "..");
export const Colon = op("Colon", ":");
export const Comma = op("Comma", ",");
export const Semicolon = op("Semicolon", ";");
export const LParen = op("LParen", "(");
export const RParen = op("RParen", ")");
export const LBracket = op("LBracket", "[");
export const RBracket = op("RBracket", "]");
export const LCurly = op("LCurly", "{");
export const RCurly = op("RCurly", "}");

export const keywordTokens: TokenType[] = [
  Const, Var, Shared, Fn, Return, If, Else, While, Forall, For, In, On, By, Break, Continue, Sync,
  All, Images, Memory, Critical, Lock, Unlock, Event, Post, Wait, Until, Stop, Error_, True, False,
  Int, Float, Bool, String_, Cyclic, BlockKw,
// Longest first, so that a keyword that is a prefix of another (`in`/`int`, `for`/`forall`)
// does not hide it.
].sort((a, b) => String(b.PATTERN).length - String(a.PATTERN).length);

export const allTokens: TokenType[] = [
  WhiteSpace,
  Newline,
  LineComment,
  BlockComment,
  UnterminatedComment,
  StringLiteral,
  UnterminatedString,
  FloatLiteral,
  IntLiteral,
  ...keywordTokens,
  Identifier,
  PipePipe, AmpAmp, EqEq, NotEq, LessEq, GreaterEq, ShiftLeft, ShiftRight, Less, Greater,
  PlusAssign, MinusAssign, StarAssign, SlashAssign, Arrow,
  Plus, Minus, Pipe, Caret, StarStar, Star, Slash, Percent, Amp, Bang, Tilde, Equals,
  DotDot, Colon, Comma, Semicolon, LParen, RParen, LBracket, RBracket, LCurly, RCurly,
  // Categories and virtual tokens: never matched, but the parser must know them.
  Keyword, TypeKeyword, OrOp, AndOp, CompareOp, AddOp, MulOp, UnaryOp, AssignOp, BinaryOperator, ImplicitSeparator,
];

const chevrotainLexer = new Lexer(allTokens, {
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
// Literal checks and values (shared with cst-to-ast so both agree on what a literal means)
// ---------------------------------------------------------------------------------------------

const DIGITS_WITH_SEPARATORS = /^[0-9]+(?:_[0-9]+)*$/;
const HEX_WITH_SEPARATORS = /^[0-9A-Fa-f]+(?:_[0-9A-Fa-f]+)*$/;

/** Why a number literal is malformed, or null when it is fine. */
export function numberProblem(image: string, isFloat: boolean): string | null {
  if (!isFloat) {
    if (/^0[xX]/.test(image)) {
      const digits = image.slice(2);
      if (digits === "") return "a hexadecimal literal needs digits after '0x'";
      if (!HEX_WITH_SEPARATORS.test(digits)) {
        return /[^0-9A-Fa-f_]/.test(digits)
          ? "a hexadecimal literal may only contain the digits 0-9 and A-F"
          : "'_' may only separate digits";
      }
      return null;
    }
    return DIGITS_WITH_SEPARATORS.test(image) ? null : "'_' may only separate digits";
  }
  const m = /^([0-9_]*)(?:\.([0-9_]*))?(?:[eE]([+-]?)([0-9_]*))?$/.exec(image);
  if (!m) return "not a number";
  const [, whole, frac, , exp] = m;
  if (/[eE]/.test(image) && (exp === undefined || exp === "")) return "an exponent needs digits after 'e'";
  for (const part of [whole, frac, exp]) {
    if (part !== undefined && part !== "" && !DIGITS_WITH_SEPARATORS.test(part)) return "'_' may only separate digits";
  }
  return null;
}

/** The exact value an int literal denotes (not wrapped: the checker validates the range). */
export function intLiteralValue(image: string): number {
  const clean = image.replace(/_/g, "");
  if (/^0[xX]/.test(clean)) {
    const n = Number.parseInt(clean.slice(2), 16);
    return Number.isNaN(n) ? 0 : n;
  }
  const n = Number(clean);
  return Number.isNaN(n) ? 0 : n;
}

export function floatLiteralValue(image: string): number {
  const n = Number(image.replace(/_/g, ""));
  return Number.isNaN(n) ? 0 : n;
}

const ESCAPES: Record<string, string> = { n: "\n", t: "\t", '"': '"', "\\": "\\" };

/** The string a literal denotes, escapes resolved; unknown escapes are passed to `onBadEscape`. */
export function stringLiteralValue(image: string, onBadEscape?: (offsetInImage: number, ch: string) => void): string {
  let body = image.slice(1);
  if (isClosedString(image)) body = body.slice(0, -1);
  if (!body.includes("\\")) return body;
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== "\\") {
      out += ch;
      continue;
    }
    const next = body[i + 1];
    if (next === undefined) break;
    const resolved = ESCAPES[next];
    if (resolved === undefined) {
      onBadEscape?.(i + 1, next);
      out += next;
    } else {
      out += resolved;
    }
    i++;
  }
  return out;
}

/** True when a string token's image ends with its closing quote (not an escaped one). */
function isClosedString(image: string): boolean {
  if (image.length < 2 || !image.endsWith('"')) return false;
  let backslashes = 0;
  for (let i = image.length - 2; i >= 1 && image[i] === "\\"; i--) backslashes++;
  return backslashes % 2 === 0;
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
const LINE_BREAK = /\r\n|\r|\n/g;

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
    const breaks = consumed.match(LINE_BREAK) ?? [];
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

// ---------------------------------------------------------------------------------------------
// The newline filter (LANGUAGE.md §1)
// ---------------------------------------------------------------------------------------------

/** Tokens after which a newline continues the statement: binary operators, `=`, `+=`..., `,`, `..`, `->`. */
const CONTINUES_AFTER = new Set<TokenType>([
  PipePipe, AmpAmp, EqEq, NotEq, LessEq, GreaterEq, ShiftLeft, ShiftRight, Less, Greater,
  Plus, Minus, Pipe, Caret, StarStar, Star, Slash, Percent, Amp,
  Equals, PlusAssign, MinusAssign, StarAssign, SlashAssign, Comma, DotDot, Arrow,
]);

/**
 * Applies the separator rules, so the grammar sees a newline only where it ends a statement:
 * - newlines inside `( )` and `[ ]` are dropped, and so is one right after an operator that
 *   needs a right operand (CONTINUES_AFTER);
 * - runs of newlines collapse to one; a newline before `{` is dropped too (no statement starts
 *   with `{`, so `if c` / `{` on the next line means the same; an extension of LANGUAGE.md);
 * - an ImplicitSeparator is inserted before every `}` and at the end, so the last statement of a
 *   block or file needs no separator of its own.
 * Unterminated comments are dropped here (already reported).
 */
export function filterNewlines(tokens: IToken[]): IToken[] {
  const out: IToken[] = [];
  // Open brackets, innermost last: newlines count only when the innermost is `{` or none.
  const open: TokenType[] = [];
  let lastSignificant: IToken | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const type = t.tokenType;
    if (type === UnterminatedComment) continue;
    if (type === Newline) {
      const innermost = open[open.length - 1];
      if (innermost === LParen || innermost === LBracket) {
        // A forgotten `)` would swallow the rest of the file into one expression. A line that
        // starts with a statement keyword cannot continue an expression: close the brackets
        // here, so the parser reports the missing `)` at this line and resumes after it.
        if (!STARTS_STATEMENT.has(nextSignificant(tokens, i)?.tokenType as TokenType)) continue;
        while (open.length > 0 && open[open.length - 1] !== LCurly) open.pop();
      }
      if (lastSignificant && CONTINUES_AFTER.has(lastSignificant.tokenType)) continue;
      if (out.length > 0 && out[out.length - 1]!.tokenType === Newline) continue;
      out.push(t);
      continue;
    }
    if (type === LCurly && out.length > 0 && out[out.length - 1]!.tokenType === Newline) out.pop();
    if (type === LParen || type === LBracket || type === LCurly) {
      open.push(type);
    } else if (type === RParen || type === RBracket || type === RCurly) {
      const opener = type === RParen ? LParen : type === RBracket ? LBracket : LCurly;
      // Pop up to the matching opener if there is one; a stray closer leaves the stack alone.
      const at = open.lastIndexOf(opener);
      if (at !== -1) open.length = at;
    }
    if (type === RCurly) out.push(implicitSeparator(t));
    out.push(t);
    lastSignificant = t;
  }
  const last = tokens[tokens.length - 1];
  out.push(implicitSeparator(last, true));
  return out;
}

/** Keywords that only ever start a statement, never appear inside an expression or type. */
const STARTS_STATEMENT = new Set<TokenType>([
  Const, Var, Shared, Fn, If, While, For, Forall, Break, Continue, Return, Sync, Critical, Lock,
  Unlock, Event, Stop, Error_,
]);

function nextSignificant(tokens: IToken[], from: number): IToken | undefined {
  for (let j = from + 1; j < tokens.length; j++) {
    const type = tokens[j]!.tokenType;
    if (type !== Newline && type !== UnterminatedComment) return tokens[j];
  }
  return undefined;
}

function implicitSeparator(at: IToken | undefined, after = false): IToken {
  const offset = at ? (after ? (at.endOffset ?? at.startOffset) + 1 : at.startOffset) : 0;
  const line = at ? (after ? (at.endLine ?? at.startLine ?? 1) : (at.startLine ?? 1)) : 1;
  const col = at ? (after ? (at.endColumn ?? at.startColumn ?? 0) + 1 : (at.startColumn ?? 1)) : 1;
  return {
    // Before a `}` the image names it, so messages can say "found '}'" rather than "newline".
    image: after ? "" : "}",
    startOffset: offset,
    endOffset: offset - 1,
    startLine: line,
    endLine: line,
    startColumn: col,
    endColumn: col - 1,
    tokenType: ImplicitSeparator,
    tokenTypeIdx: ImplicitSeparator.tokenTypeIdx!,
  };
}

/** Bracket nesting depth of the deepest point, to refuse inputs that would overflow the parser. */
export function maxNestingDepth(tokens: IToken[]): { depth: number; at: IToken | undefined } {
  let depth = 0;
  let max = 0;
  let at: IToken | undefined;
  for (const t of tokens) {
    const type = t.tokenType;
    if (type === LParen || type === LBracket || type === LCurly) {
      depth++;
      if (depth > max) {
        max = depth;
        at = t;
      }
    } else if ((type === RParen || type === RBracket || type === RCurly) && depth > 0) {
      depth--;
    }
  }
  return { depth: max, at };
}
