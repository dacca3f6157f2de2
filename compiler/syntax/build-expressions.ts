// Expressions of the CST → AST expressions: operands and operators ranked by precedence, unary
// prefixes, literals, references, calls, sections and image selectors. Consumes `expression` CST
// nodes; gives A.Expr (a placeholder Name where recovery left one missing). Never throws.

import type { CstNode, IToken } from "chevrotain";
import type * as A from "../ast/nodes.js";
import { assertNever } from "../ast/visit.js";
import type { DiagnosticSink } from "../diagnostics/diagnostic.js";
import { Syntax } from "../diagnostics/catalogue-syntax.js";
import type { Span } from "../diagnostics/span.js";
import { child, cover, edgeTokenAfter, isReal, nodeSpan, nodes, token, tokens } from "./cst.js";
import { tokenSpan } from "./lexer.js";
import { floatLiteralValue, intLiteralValue, stringLiteralValue } from "./literals.js";

/** The name given to the placeholder expression where recovery left an expression missing. */
export const MISSING_NAME = "<missing>";

/**
 * Expression trees deeper than this are refused: later phases walk them recursively. Real
 * programs stay far below; `1+1+...+1` with thousands of terms does not.
 */
export const MAX_EXPRESSION_DEPTH = 1000;

/** Compiles only when T has an entry for every kind of K. */
type EveryKind<K extends string, T extends Record<K, string>> = T;

/**
 * The method below that builds each expression kind. The compiler checks that every kind of
 * nodes.ts is named, so a kind added there does not compile until a method here builds it.
 */
export type ExpressionBuilders = EveryKind<
  A.Expr["kind"],
  {
    IntLiteral: "primary";
    FloatLiteral: "primary";
    StringLiteral: "primary";
    BoolLiteral: "primary";
    Name: "primary, reference, missing";
    Unary: "prefixed";
    Binary: "rank";
    Apply: "apply";
    Coindex: "reference";
  }
>;

/** Builds expressions for one program; its state (the depth of each node built) is its own. */
export class ExpressionBuilder {
  /**
   * The depth of each expression built so far (for MAX_EXPRESSION_DEPTH): a plain Map, because a
   * WeakMap with hundreds of thousands of entries made the garbage collector the parser's main
   * cost. It lives as long as the builder, that is one program.
   */
  private readonly depths = new Map<A.Expr, number>();

  constructor(protected readonly sink: DiagnosticSink) {}

  missing(at: Span): A.NameExpr {
    return { kind: "Name", name: MISSING_NAME, span: at };
  }

  optionalExpression(node: CstNode | undefined, fallback: Span): A.Expr | null {
    return node ? this.expression(node, fallback) : null;
  }

  /** An `expression` CST node: a flat chain of operands and operators, ranked here. */
  expression(node: CstNode | undefined, fallback: Span): A.Expr {
    if (!node) return this.missing(fallback);
    const span = nodeSpan(node, fallback);
    const operandNodes = nodes(node, "operand");
    const ops = tokens(node, "BinaryOperator");
    if (operandNodes.length === 0) return this.missing(span);
    const operands: Ranked[] = operandNodes.map((o) => ({ node: o, span: nodeSpan(o, span) }));
    // Recovery may leave an operator without its right operand: drop it, the error is reported.
    const usable = ops.slice(0, operands.length - 1);
    const result = this.rank(operands, usable);
    if (this.depthOf(result) > MAX_EXPRESSION_DEPTH) {
      this.sink.report(Syntax.expressionTooComplex, span);
      return this.missing(span);
    }
    return result;
  }

  /**
   * Precedence climbing over `operand (op operand)*` (LANGUAGE.md §4). First each maximal run
   * joined by `**` becomes one unit, right-associative, with each operand's unary prefixes
   * applied to its `**` tail (`-2**2` is `-(2**2)`, `2 ** -1` is `2 ** (-1)`); then the
   * left-associative levels by an operator-precedence (shunting-yard) pass. Both iterative, so a
   * long chain cannot overflow the stack.
   */
  private rank(operands: Ranked[], ops: IToken[]): A.Expr {
    const units: { expr: A.Expr; span: Span }[] = [];
    const unitOps: IToken[] = [];
    let i = operands.length - 1;
    // Walk right to left so each `**` chain is built from its right end.
    const reversedUnits: { expr: A.Expr; span: Span }[] = [];
    const reversedOps: IToken[] = [];
    while (i >= 0) {
      let j = i;
      while (j > 0 && ops[j - 1]!.image === "**") j--;
      // operands j..i joined by `**`
      let tail = this.prefixed(operands[i]!, this.primary(operands[i]!));
      let tailSpan = operands[i]!.span;
      for (let k = i - 1; k >= j; k--) {
        const base = this.primary(operands[k]!);
        const powSpan = cover(primarySpan(operands[k]!), tailSpan);
        const pow: A.Expr = this.mark({ kind: "Binary", op: "**", left: base, right: tail, span: powSpan }, base, tail);
        tail = this.prefixed(operands[k]!, pow, powSpan);
        tailSpan = cover(operands[k]!.span, tailSpan);
      }
      reversedUnits.push({ expr: tail, span: tailSpan });
      if (j > 0) reversedOps.push(ops[j - 1]!);
      i = j - 1;
    }
    units.push(...reversedUnits.reverse());
    unitOps.push(...reversedOps.reverse());

    // Operator precedence over the units.
    const values: { expr: A.Expr; span: Span }[] = [units[0]!];
    const pending: IToken[] = [];
    const reduce = () => {
      const right = values.pop()!;
      const left = values.pop()!;
      const op = pending.pop()!;
      const span = cover(left.span, right.span);
      values.push({
        expr: this.mark({ kind: "Binary", op: op.image as A.BinaryOp, left: left.expr, right: right.expr, span }, left.expr, right.expr),
        span,
      });
    };
    for (let k = 0; k < unitOps.length; k++) {
      const op = unitOps[k]!;
      while (pending.length > 0 && precedence(pending[pending.length - 1]!) >= precedence(op)) reduce();
      pending.push(op);
      values.push(units[k + 1]!);
    }
    while (pending.length > 0) reduce();
    return values[0]!.expr;
  }

  /** Applies an operand's unary prefixes (innermost last written) to `inner`. */
  private prefixed(operand: Ranked, inner: A.Expr, innerSpan: Span = primarySpan(operand)): A.Expr {
    const prefixes = tokens(operand.node, "UnaryOp").filter(isReal);
    let result = inner;
    let span = innerSpan;
    for (let k = prefixes.length - 1; k >= 0; k--) {
      const op = prefixes[k]!;
      span = cover(tokenSpan(op), span);
      result = this.mark({ kind: "Unary", op: op.image as A.UnaryOp, operand: result, span }, result);
    }
    return result;
  }

  /** The operand without its unary prefixes: a literal, a reference, a conversion, `( e )`. */
  private primary(operand: Ranked): A.Expr {
    const node = operand.node;
    const span = primarySpan(operand);
    const inner = child(node, "expression");
    if (inner || token(node, "LParen")) return this.expression(inner, span);
    const kw = token(node, "TypeKeyword");
    if (kw) {
      const callee: A.NameExpr = { kind: "Name", name: kw.image, span: tokenSpan(kw) };
      return this.apply(callee, child(node, "argumentList"), span);
    }
    const nameToken = token(node, "Identifier");
    if (nameToken) return this.reference(node, nameToken, span);
    const int = token(node, "IntLiteral");
    if (int) return { kind: "IntLiteral", value: intLiteralValue(int.image), text: int.image, span };
    const float = token(node, "FloatLiteral");
    if (float) return { kind: "FloatLiteral", value: floatLiteralValue(float.image), text: float.image, span };
    const str = token(node, "StringLiteral");
    if (str) return { kind: "StringLiteral", value: stringLiteralValue(str.image), span };
    if (token(node, "True")) return { kind: "BoolLiteral", value: true, span };
    if (token(node, "False")) return { kind: "BoolLiteral", value: false, span };
    return this.missing(span);
  }

  private apply(callee: A.NameExpr, argList: CstNode | undefined, fallback: Span): A.ApplyExpr {
    const args = this.args(argList, fallback);
    const span = cover(callee.span, nodeSpan(argList, callee.span));
    return this.mark({ kind: "Apply", callee, args, span }, ...args.map((a) => (a.kind === "Slice" ? a.lo ?? a.hi : a)));
  }

  private reference(node: CstNode, nameToken: IToken, span: Span): A.Expr {
    const name: A.NameExpr = { kind: "Name", name: nameToken.image, span: tokenSpan(nameToken) };
    const argList = child(node, "argumentList");
    const base: A.NameExpr | A.ApplyExpr = argList ? this.apply(name, argList, span) : name;
    const selector = child(node, "imageSelector");
    if (!selector) return base;
    const image = this.expression(child(selector, "expression"), nodeSpan(selector, span));
    return this.mark({ kind: "Coindex", base, image, span: cover(base.span, nodeSpan(selector, span)) }, base, image);
  }

  private args(argList: CstNode | undefined, fallback: Span): A.Arg[] {
    return nodes(argList, "argument").map((arg) => {
      const span = nodeSpan(arg, fallback);
      const colon = token(arg, "Colon");
      const exprs = nodes(arg, "expression");
      if (!colon) return this.expression(exprs[0], span);
      const colonFirst = exprs.length === 0 || colon.startOffset < nodeSpan(exprs[0], span).start;
      const lo = colonFirst ? null : this.expression(exprs[0], span);
      const hiNode = colonFirst ? exprs[0] : exprs[1];
      const hi = hiNode ? this.expression(hiNode, span) : null;
      return { kind: "Slice", lo, hi, span } satisfies A.SliceArg;
    });
  }

  private depthOf(e: A.Expr | null | undefined): number {
    return e ? (this.depths.get(e) ?? 1) : 0;
  }

  /** Records a new node's depth (1 + its deepest child) and returns it. */
  private mark<E extends A.Expr>(e: E, ...kids: (A.Expr | null | undefined)[]): E {
    let d = 0;
    for (const k of kids) d = Math.max(d, this.depthOf(k));
    this.depths.set(e, d + 1);
    return e;
  }
}

/** An operand CST node and its span (unary prefixes included). */
interface Ranked {
  node: CstNode;
  span: Span;
}

/** The operand's span without its unary prefixes. */
function primarySpan(operand: Ranked): Span {
  const prefixes = tokens(operand.node, "UnaryOp").filter(isReal);
  const last = prefixes[prefixes.length - 1];
  if (!last) return operand.span;
  const start = last.endOffset! + 1;
  // Skip the blanks between the last prefix and the primary.
  const firstPrimary = edgeTokenAfter(operand.node, start);
  return firstPrimary ? { ...tokenSpan(firstPrimary), end: operand.span.end } : operand.span;
}

/** Binding strength of the left-associative binary operators (LANGUAGE.md §4, levels 1-5). */
function precedence(op: IToken): number {
  const image = op.image as A.BinaryOp; // the lexer's BinaryOperator tokens
  switch (image) {
    case "||":
      return 1;
    case "&&":
      return 2;
    case "==":
    case "!=":
    case "<":
    case "<=":
    case ">":
    case ">=":
      return 3;
    case "+":
    case "-":
    case "|":
    case "^":
      return 4;
    case "*":
    case "/":
    case "%":
    case "<<":
    case ">>":
    case "&":
      return 5;
    case "**":
      return 6; // never asked: rank() makes each `**` chain one unit first
    default:
      return assertNever(image);
  }
}

