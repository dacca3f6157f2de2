// The newline filter (LANGUAGE.md §1): applies the separator rules to the lexed tokens, so the
// grammar sees a newline only where it ends a statement, and measures bracket nesting. Consumes
// the token vector from lexer.ts; gives the filtered vector the parser reads.

import type { IToken, TokenType } from "chevrotain";
import {
  AmpAmp, Amp, Arrow, Break, Caret, Comma, Const, Continue, Critical, DotDot, EqEq, Equals, Error_, Event, Fn, For,
  Forall, Greater, GreaterEq, If, ImplicitSeparator, LBracket, LCurly, LParen, Less, LessEq, Lock, Minus, MinusAssign,
  Newline, NotEq, Percent, Pipe, PipePipe, Plus, PlusAssign, RBracket, RCurly, RParen, Return, Shared, ShiftLeft,
  ShiftRight, Slash, SlashAssign, Star, StarAssign, StarStar, Stop, Sync, Unlock, UnterminatedComment, Var, While,
} from "./tokens.js";

/** Tokens after which a newline continues the statement: binary operators, `=`, `+=`..., `,`, `..`, `->`. */
const CONTINUES_AFTER: ReadonlySet<TokenType> = new Set<TokenType>([
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
const STARTS_STATEMENT: ReadonlySet<TokenType> = new Set<TokenType>([
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
