// Tolerant access to Chevrotain's concrete syntax tree: children that recovery may have left out,
// tokens it inserted without a position, and spans of nodes. Consumes CST nodes and tokens from
// parser.ts; gives nodes, tokens and spans to the AST builders (cst-to-ast.ts, build-expressions.ts).

import type { CstElement, CstNode, IToken } from "chevrotain";
import type { Span } from "../diagnostics/span.js";
import { tokenSpan } from "./lexer.js";

/** Where a node without a position is said to be. */
export const NOWHERE: Span = { start: 0, end: 0, line: 1, col: 1 };

/** The span of a whole text. */
export function wholeText(text: string): Span {
  return { start: 0, end: text.length, line: 1, col: 1 };
}

export function children(node: CstNode | undefined, key: string): CstElement[] {
  return node?.children[key] ?? [];
}

export function child(node: CstNode | undefined, key: string, index = 0): CstNode | undefined {
  const c = children(node, key)[index];
  return c && isNode(c) ? c : undefined;
}

export function nodes(node: CstNode | undefined, key: string): CstNode[] {
  return children(node, key).filter(isNode);
}

export function token(node: CstNode | undefined, key: string, index = 0): IToken | undefined {
  const t = children(node, key)[index];
  return t && !isNode(t) && isReal(t) ? t : undefined;
}

export function tokens(node: CstNode | undefined, key: string): IToken[] {
  return children(node, key).filter((t): t is IToken => !isNode(t));
}

export function isNode(e: CstElement): e is CstNode {
  return (e as CstNode).children !== undefined;
}

/** Tokens inserted by single-token-insertion recovery have no position. */
export function isReal(t: IToken): boolean {
  return !t.isInsertedInRecovery && Number.isFinite(t.startOffset);
}

/** The span of a CST node: its location, or the extent of its real tokens after recovery. */
export function nodeSpan(node: CstNode | undefined, fallback: Span): Span {
  const loc = node?.location;
  if (loc && Number.isFinite(loc.startOffset) && Number.isFinite(loc.endOffset ?? NaN)) {
    return { start: loc.startOffset, end: loc.endOffset! + 1, line: loc.startLine ?? 1, col: loc.startColumn ?? 1 };
  }
  const first = node ? edgeToken(node, true) : undefined;
  const last = node ? edgeToken(node, false) : undefined;
  if (!first || !last) return fallback;
  return { ...tokenSpan(first), end: tokenSpan(last).end };
}

export function edgeToken(node: CstNode, first: boolean): IToken | undefined {
  let best: IToken | undefined;
  const stack: CstNode[] = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    for (const list of Object.values(n.children)) {
      for (const e of list) {
        if (isNode(e)) stack.push(e);
        else if (isReal(e) && e.image !== "") {
          if (!best || (first ? e.startOffset < best.startOffset : e.startOffset > best.startOffset)) best = e;
        }
      }
    }
  }
  return best;
}

export function cover(a: Span, b: Span): Span {
  if (b.start < a.start) return cover(b, a);
  return { start: a.start, end: Math.max(a.end, b.end), line: a.line, col: a.col };
}

export function edgeTokenAfter(node: CstNode, offset: number): IToken | undefined {
  let best: IToken | undefined;
  for (const [key, list] of Object.entries(node.children)) {
    if (key === "UnaryOp") continue;
    for (const e of list) {
      const t = isNode(e) ? edgeToken(e, true) : isReal(e) ? e : undefined;
      if (t && t.startOffset >= offset && (!best || t.startOffset < best.startOffset)) best = t;
    }
  }
  return best;
}

/** The first real token directly under a node (for single-token rules like elementType). */
export function firstToken(node: CstNode | undefined): IToken | undefined {
  if (!node) return undefined;
  for (const list of Object.values(node.children)) {
    for (const e of list) if (!isNode(e) && isReal(e)) return e;
  }
  return undefined;
}
