// The token types of .pgas (LANGUAGE.md §1) for Chevrotain: keywords, operators, literals,
// comments, and the categories the grammar matches on. Consumes nothing; gives the token types
// and `allTokens` (the order the lexer tries them in) to lexer.ts, parser.ts and messages.ts.

import type { TokenType } from "chevrotain";
import { createToken, Lexer } from "./chevrotain.js";

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
export const Checkpoint = keyword("checkpoint");
export const Notify = keyword("notify");
export const Team = keyword("team");
export const Form = keyword("form");
export const Change = keyword("change");
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

export const keywordTokens: readonly TokenType[] = [
  Const, Var, Shared, Fn, Return, If, Else, While, Forall, For, In, On, By, Break, Continue, Sync,
  All, Images, Memory, Critical, Lock, Unlock, Event, Post, Wait, Until, Stop, Checkpoint, Notify, Team, Form, Change, Error_, True, False,
  Int, Float, Bool, String_, Cyclic, BlockKw,
// Longest first, so that a keyword that is a prefix of another (`in`/`int`, `for`/`forall`)
// does not hide it.
].sort((a, b) => String(b.PATTERN).length - String(a.PATTERN).length);

export const allTokens: readonly TokenType[] = [
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

/** Every keyword as written, in lexing order (completion, the editor grammar's drift test). */
export const KEYWORDS: readonly string[] = allTokens.filter((t) => (t.CATEGORIES ?? []).includes(Keyword)).map((t) => t.LABEL!.slice(1, -1));
