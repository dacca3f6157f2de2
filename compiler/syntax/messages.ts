// Chevrotain's parser error message provider, speaking the catalogue's language.
// Consumes Chevrotain's error situations (expected/actual tokens, rule name) and the token
// vector being parsed; gives each error as an encoded {code, args} that parse.ts reports.
// One provider per parser instance: the parse in progress is its state, shared with no other.

import type { IParserErrorMessageProvider, IToken, TokenType } from "chevrotain";
import { EOF } from "./chevrotain.js";
import * as T from "./tokens.js";
import { Syntax } from "../diagnostics/catalogue-syntax.js";

/** What parse.ts decodes from a recognition exception's message. */
export interface EncodedSyntaxError {
  code: string;
  args: (string | number)[];
}

/**
 * Thrown out of the parser (it is not a recognition exception, so Chevrotain lets it through)
 * once the error limit is passed: on garbage input, recovery after every token would be slow.
 */
export class TooManySyntaxErrors extends Error {
  constructor(readonly token: IToken) {
    super("too many syntax errors");
  }
}

function encode(def: { code: string }, ...args: (string | number)[]): string {
  return JSON.stringify({ code: def.code, args } satisfies EncodedSyntaxError);
}

export function decodeSyntaxError(message: string): EncodedSyntaxError | undefined {
  try {
    const parsed = JSON.parse(message) as EncodedSyntaxError;
    return typeof parsed.code === "string" && Array.isArray(parsed.args) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Describing tokens the way people read them
// ---------------------------------------------------------------------------------------------

export function describeToken(t: IToken | undefined): string {
  if (!t || t.tokenType === EOF) return "end of file";
  const type = t.tokenType;
  if (type === T.Newline) return "newline";
  if (type === T.ImplicitSeparator) return t.image === "}" ? "'}'" : "end of file";
  if (type === T.Identifier) return `'${shorten(t.image)}'`;
  if (type === T.StringLiteral || type === T.UnterminatedString) return `string ${shorten(t.image)}`;
  if (type === T.IntLiteral || type === T.FloatLiteral) return `number ${shorten(t.image)}`;
  return `'${shorten(t.image)}'`;
}

function shorten(s: string): string {
  return s.length > 24 ? s.slice(0, 21) + "..." : s;
}

/** How an expected token type is named in "expected X". */
function describeExpected(type: TokenType): string {
  switch (type) {
    case T.Identifier:
      return "a name";
    case T.Newline:
    case T.Semicolon:
    case T.ImplicitSeparator:
      return "a newline or ';'";
    case T.AssignOp:
      return "'=' (or '+=', '-=', '*=', '/=')";
    case T.TypeKeyword:
      return "a type";
    case EOF:
      return "end of file";
    default:
      return type.LABEL ?? `'${type.name}'`;
  }
}

const CLOSERS: ReadonlyMap<TokenType, { opener: TokenType; text: string }> = new Map([
  [T.RParen, { opener: T.LParen, text: ")" }],
  [T.RBracket, { opener: T.LBracket, text: "]" }],
  [T.RCurly, { opener: T.LCurly, text: "}" }],
]);

/** What a bracket opened in a given rule encloses, for "to close the ... opened at". */
function enclosedBy(ruleName: string, closer: TokenType): string {
  if (closer === T.RCurly) return "block";
  switch (ruleName) {
    case "argumentList":
      return "argument list";
    case "fnDecl":
      return "parameter list";
    case "operand":
      return "parenthesised expression";
    case "imageSelector":
      return "image selector";
    case "typeExpr":
      return closer === T.RBracket ? "coarray marker '[*]'" : "list of extents";
    case "layout":
      return "block size";
    case "syncStmt":
      return "image list";
    default:
      return closer === T.RParen ? "'('" : "'['";
  }
}

/** The unmatched opening bracket before `actual` (innermost first), if any. */
function findOpener(tokens: IToken[], actual: IToken, opener: TokenType, closer: TokenType): IToken | undefined {
  const index = indexOfToken(tokens, actual);
  if (index === -1) return undefined;
  let depth = 0;
  // Bounded walk: a pathological input must not make each error cost a full scan.
  for (let i = index - 1, steps = 0; i >= 0 && steps < 100_000; i--, steps++) {
    const type = tokens[i]!.tokenType;
    if (type === closer) depth++;
    else if (type === opener) {
      if (depth === 0) return tokens[i];
      depth--;
    }
  }
  return undefined;
}

function indexOfToken(tokens: IToken[], t: IToken): number {
  if (t.tokenType === EOF || Number.isNaN(t.startOffset)) return tokens.length;
  let lo = 0;
  let hi = tokens.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid]!.startOffset < t.startOffset) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < tokens.length && tokens[i]!.startOffset === t.startOffset; i++) {
    if (tokens[i] === t) return i;
  }
  return lo;
}

function tokenAfter(tokens: IToken[], t: IToken): IToken | undefined {
  const i = indexOfToken(tokens, t);
  return i >= 0 ? tokens[i + 1] : undefined;
}

function isKeywordUsedAsName(t: IToken): boolean {
  return (
    t.tokenType !== EOF &&
    (t.tokenType.CATEGORIES ?? []).includes(T.Keyword) &&
    t.tokenType !== T.True &&
    t.tokenType !== T.False
  );
}

function afterPrevious(previous: IToken | undefined): string {
  if (!previous || previous.tokenType === EOF || Number.isNaN(previous.startOffset)) return "";
  const type = previous.tokenType;
  if (type === T.Newline || type === T.Semicolon || type === T.ImplicitSeparator) return "";
  return ` after '${shorten(previous.image)}'`;
}

const EXPRESSION_RULES: ReadonlySet<string> = new Set(["expression", "operand", "argument", "extent"]);

// ---------------------------------------------------------------------------------------------
// The provider
// ---------------------------------------------------------------------------------------------

/** What Chevrotain tells a provider's method about an error. */
type Situation<K extends keyof IParserErrorMessageProvider> = Parameters<IParserErrorMessageProvider[K]>[0];

/**
 * The message provider of one parser instance. `begin` sets the parse it serves: the token vector
 * (so messages can name the bracket left open) and the error limit.
 */
export class SyntaxMessages implements IParserErrorMessageProvider {
  private tokens: IToken[] = [];
  private errorsSoFar = 0;
  private errorLimit = Infinity;

  begin(tokens: IToken[], limit = Infinity): void {
    this.tokens = tokens;
    this.errorsSoFar = 0;
    this.errorLimit = limit;
  }

  /** Drops the parse's tokens, so an idle parser holds no program. */
  end(): void {
    this.begin([]);
  }

  private countError(at: IToken): void {
    this.errorsSoFar++;
    if (this.errorsSoFar > this.errorLimit) throw new TooManySyntaxErrors(at);
  }

  buildMismatchTokenMessage({ expected, actual, ruleName }: Situation<"buildMismatchTokenMessage">): string {
    this.countError(actual);
    // A token that cannot start a statement, met by the statement loop of a block or the program.
    const atEnd = actual.tokenType === EOF || (actual.tokenType === T.ImplicitSeparator && actual.image === "");
    if ((ruleName === "program" || ruleName === "block") && (expected === EOF || expected === T.RCurly) && !atEnd) {
      return unexpectedAtStatementStart(this.tokens, actual);
    }
    const closer = CLOSERS.get(expected);
    if (closer) {
      const opened = findOpener(this.tokens, actual, closer.opener, expected);
      if (opened) {
        return encode(
          Syntax.unclosedBracket,
          closer.text,
          enclosedBy(ruleName, expected),
          `${opened.startLine}:${opened.startColumn}`,
          describeToken(actual),
        );
      }
    }
    if (expected === T.Identifier && isKeywordUsedAsName(actual)) {
      return encode(Syntax.reservedWord, actual.image);
    }
    return encode(Syntax.expectedToken, describeExpected(expected), describeToken(actual));
  }

  buildNotAllInputParsedMessage({ firstRedundant }: Situation<"buildNotAllInputParsedMessage">): string {
    this.countError(firstRedundant);
    return unexpectedAtStatementStart(this.tokens, firstRedundant);
  }

  buildNoViableAltMessage({ actual, previous, ruleName }: Situation<"buildNoViableAltMessage">): string {
    const first = actual[0]!;
    this.countError(first);
    if (ruleName === "statement") return unexpectedAtStatementStart(this.tokens, first);
    if (ruleName === "separator") {
      const closer = CLOSERS.get(first.tokenType);
      if (closer && !findOpener(this.tokens, first, closer.opener, first.tokenType)) return encode(Syntax.unexpectedClosing, first.image);
      return encode(Syntax.missingSeparator, describeToken(first));
    }
    if (ruleName === "elementType") return encode(Syntax.expectedType, describeToken(first));
    if (EXPRESSION_RULES.has(ruleName)) {
      if (isKeywordUsedAsName(first) && !(first.tokenType.CATEGORIES ?? []).includes(T.TypeKeyword)) {
        return encode(Syntax.reservedWord, first.image);
      }
      return encode(Syntax.expectedExpression, afterPrevious(previous), describeToken(first));
    }
    if (ruleName === "layout") return encode(Syntax.expectedToken, "'cyclic' or 'block'", describeToken(first));
    if (ruleName === "syncStmt") {
      return encode(Syntax.expectedToken, "'all', 'images(...)' or 'memory' after 'sync'", describeToken(first));
    }
    if (ruleName === "eventStmt") {
      return encode(Syntax.expectedToken, "'post' or 'wait' after 'event'", describeToken(first));
    }
    if (ruleName === "ifStmt") return encode(Syntax.expectedToken, "'if' or '{' after 'else'", describeToken(first));
    return encode(Syntax.expectedToken, "something else", describeToken(first));
  }

  buildEarlyExitMessage({ actual }: Situation<"buildEarlyExitMessage">): string {
    this.countError(actual[0]!);
    return encode(Syntax.expectedToken, "more input", describeToken(actual[0]));
  }
}

/** A token that cannot start a statement: say why in the terms the user most likely meant. */
function unexpectedAtStatementStart(tokens: IToken[], t: IToken): string {
  const type = t.tokenType;
  if (type === T.Else) return encode(Syntax.elseOnNewLine);
  if (type === T.RParen || type === T.RBracket || type === T.RCurly) {
    return encode(Syntax.unexpectedClosing, t.image);
  }
  if (isKeywordUsedAsName(t)) {
    const next = tokenAfter(tokens, t);
    if (next && (next.tokenType === T.LParen || (next.tokenType.CATEGORIES ?? []).includes(T.AssignOp))) {
      return encode(Syntax.reservedWord, t.image);
    }
  }
  return encode(Syntax.expectedStatement, describeToken(t));
}
