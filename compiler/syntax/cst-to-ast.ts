// Builds the AST (compiler/ast/nodes.ts) from the parser's CST, and makes the shape checks the
// grammar leaves open (assignment targets, calls as statements, `:` extents, functions at top).
// Consumes a CST that may be partial after error recovery; gives a Program and never throws.

import type { CstElement, CstNode, IToken } from "chevrotain";
import type * as A from "../ast/nodes.js";
import type { DiagnosticSink } from "../diagnostics/diagnostic.js";
import { Syntax } from "../diagnostics/catalogue-syntax.js";
import type { Span } from "../diagnostics/span.js";
import { floatLiteralValue, intLiteralValue, stringLiteralValue, tokenSpan } from "./lexer.js";

/** The name given to the placeholder expression where recovery left an expression missing. */
export const MISSING_NAME = "<missing>";

/**
 * `errorOffsets`: where the grammar reported errors (sorted); a statement touched by one gets no
 * shape checks, which would only repeat the same mistake in other words.
 */
export function buildProgram(
  cst: CstNode | undefined,
  text: string,
  file: string,
  sink: DiagnosticSink,
  errorOffsets: number[] = [],
): A.Program {
  const builder = new AstBuilder(sink, errorOffsets);
  try {
    const body: A.TopLevel[] = cst ? builder.statementList(cst, true) : [];
    return { kind: "Program", file, body, span: wholeText(text) };
  } finally {
    depths.clear();
  }
}

export function wholeText(text: string): Span {
  return { start: 0, end: text.length, line: 1, col: 1 };
}

// ---------------------------------------------------------------------------------------------
// CST access that tolerates missing children
// ---------------------------------------------------------------------------------------------

function children(node: CstNode | undefined, key: string): CstElement[] {
  return node?.children[key] ?? [];
}

function child(node: CstNode | undefined, key: string, index = 0): CstNode | undefined {
  const c = children(node, key)[index];
  return c && isNode(c) ? c : undefined;
}

function nodes(node: CstNode | undefined, key: string): CstNode[] {
  return children(node, key).filter(isNode);
}

function token(node: CstNode | undefined, key: string, index = 0): IToken | undefined {
  const t = children(node, key)[index];
  return t && !isNode(t) && isReal(t) ? t : undefined;
}

function tokens(node: CstNode | undefined, key: string): IToken[] {
  return children(node, key).filter((t): t is IToken => !isNode(t));
}

function isNode(e: CstElement): e is CstNode {
  return (e as CstNode).children !== undefined;
}

/** Tokens inserted by single-token-insertion recovery have no position. */
function isReal(t: IToken): boolean {
  return !t.isInsertedInRecovery && Number.isFinite(t.startOffset);
}

/** The span of a CST node: its location, or the extent of its real tokens after recovery. */
function nodeSpan(node: CstNode | undefined, fallback: Span): Span {
  const loc = node?.location;
  if (loc && Number.isFinite(loc.startOffset) && Number.isFinite(loc.endOffset ?? NaN)) {
    return { start: loc.startOffset, end: loc.endOffset! + 1, line: loc.startLine ?? 1, col: loc.startColumn ?? 1 };
  }
  const first = node ? edgeToken(node, true) : undefined;
  const last = node ? edgeToken(node, false) : undefined;
  if (!first || !last) return fallback;
  return { ...tokenSpan(first), end: tokenSpan(last).end };
}

function edgeToken(node: CstNode, first: boolean): IToken | undefined {
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

function cover(a: Span, b: Span): Span {
  if (b.start < a.start) return cover(b, a);
  return { start: a.start, end: Math.max(a.end, b.end), line: a.line, col: a.col };
}

// ---------------------------------------------------------------------------------------------
// The builder
// ---------------------------------------------------------------------------------------------

const NOWHERE: Span = { start: 0, end: 0, line: 1, col: 1 };

class AstBuilder {
  /** End of the previous statement: a grammar error after it may have produced this one. */
  private previousEnd = 0;

  constructor(
    private readonly sink: DiagnosticSink,
    private readonly errorOffsets: number[],
  ) {}

  private touchedByGrammarError(span: Span): boolean {
    return this.errorOffsets.some((o) => o >= this.previousEnd && o <= span.end);
  }

  private missing(at: Span): A.NameExpr {
    return { kind: "Name", name: MISSING_NAME, span: at };
  }

  /** The name under a `declaredName` node; a reserved word there is reported and kept. */
  private declaredName(node: CstNode | undefined, at: Span): A.Identifier {
    const t = firstToken(child(node, "declaredName"));
    if (!t) return { kind: "Identifier", text: MISSING_NAME, span: at };
    if (t.tokenType.name !== "Identifier") this.sink.report(Syntax.reservedWord, tokenSpan(t), t.image);
    return { kind: "Identifier", text: t.image, span: tokenSpan(t) };
  }

  // --- statements ---------------------------------------------------------------------------

  statementList(list: CstNode | undefined, topLevel: true): A.TopLevel[];
  statementList(list: CstNode | undefined, topLevel: false): A.Stmt[];
  statementList(list: CstNode | undefined, topLevel: boolean): A.TopLevel[] {
    const out: A.TopLevel[] = [];
    for (const s of nodes(list, "statement")) {
      const built = this.statement(s);
      if (!built) continue;
      this.previousEnd = built.span.end;
      if (built.kind === "FnDecl" && !topLevel) {
        this.sink.report(Syntax.fnNotTopLevel, built.name.span);
        continue;
      }
      out.push(built);
    }
    return out;
  }

  private block(node: CstNode | undefined, fallback: Span): A.Block {
    const span = nodeSpan(node, fallback);
    return { kind: "Block", body: this.statementList(node, false), span };
  }

  private statement(node: CstNode): A.TopLevel | undefined {
    const [key] = Object.keys(node.children);
    const inner = key ? child(node, key) : undefined;
    if (!key || !inner) return undefined;
    const span = nodeSpan(inner, nodeSpan(node, NOWHERE));
    switch (key) {
      case "constDecl":
        return {
          kind: "ConstDecl",
          name: this.declaredName(inner, span),
          init: this.expression(child(inner, "expression"), span),
          span,
        };
      case "varDecl":
        return this.varDecl(inner, span);
      case "sharedDecl":
        return this.sharedDecl(inner, span);
      case "fnDecl":
        return this.fnDecl(inner, span);
      case "ifStmt":
        return this.ifStmt(inner, span);
      case "whileStmt":
        return {
          kind: "WhileStmt",
          cond: this.expression(child(inner, "expression"), span),
          body: this.block(child(inner, "block"), span),
          span,
        };
      case "forStmt": {
        const step = child(inner, "expression", 2);
        return {
          kind: "ForStmt",
          variable: this.declaredName(inner, span),
          lo: this.expression(child(inner, "expression", 0), span),
          hi: this.expression(child(inner, "expression", 1), span),
          step: step || token(inner, "By") ? this.expression(step, span) : null,
          body: this.block(child(inner, "block"), span),
          span,
        };
      }
      case "forallStmt":
        return {
          kind: "ForallStmt",
          variable: this.declaredName(inner, span),
          lo: this.expression(child(inner, "expression", 0), span),
          hi: this.expression(child(inner, "expression", 1), span),
          affinity: this.expression(child(inner, "expression", 2), span),
          body: this.block(child(inner, "block"), span),
          span,
        };
      case "breakStmt":
        return { kind: "BreakStmt", span };
      case "continueStmt":
        return { kind: "ContinueStmt", span };
      case "stopStmt":
        return { kind: "StopStmt", span };
      case "returnStmt":
        return { kind: "ReturnStmt", value: this.optionalExpression(child(inner, "expression"), span), span };
      case "errorStopStmt":
        return { kind: "ErrorStopStmt", value: this.optionalExpression(child(inner, "expression"), span), span };
      case "syncStmt":
        if (token(inner, "Images") || child(inner, "expression") || token(inner, "Star")) {
          return {
            kind: "SyncImagesStmt",
            images: token(inner, "Star") ? null : this.expression(child(inner, "expression"), span),
            span,
          };
        }
        if (token(inner, "Memory")) return { kind: "SyncMemoryStmt", span };
        return { kind: "SyncAllStmt", span };
      case "criticalStmt":
        return { kind: "CriticalStmt", body: this.block(child(inner, "block"), span), span };
      case "lockStmt":
        return { kind: "LockStmt", lock: this.expression(child(inner, "expression"), span), span };
      case "unlockStmt":
        return { kind: "UnlockStmt", lock: this.expression(child(inner, "expression"), span), span };
      case "eventStmt":
        if (token(inner, "Wait")) {
          return {
            kind: "EventWaitStmt",
            event: this.expression(child(inner, "expression", 0), span),
            until: token(inner, "Until") ? this.expression(child(inner, "expression", 1), span) : null,
            span,
          };
        }
        return { kind: "EventPostStmt", event: this.expression(child(inner, "expression"), span), span };
      case "assignOrCallStmt":
        return this.assignOrCall(inner, span);
      default:
        return undefined;
    }
  }

  private varDecl(node: CstNode, span: Span): A.VarDecl {
    const typeNode = child(node, "typeExpr");
    const type = typeNode || token(node, "Colon") ? this.typeExpr(typeNode, span, "declaration") : null;
    if (type?.shared) this.sink.report(Syntax.sharedInVarType, type.span);
    return {
      kind: "VarDecl",
      name: this.declaredName(node, span),
      type,
      init: token(node, "Equals") || child(node, "expression") ? this.expression(child(node, "expression"), span) : null,
      span,
    };
  }

  private sharedDecl(node: CstNode, span: Span): A.SharedDecl {
    const type = this.typeExpr(child(node, "typeExpr"), span, "declaration");
    // The declaration's storage is shared: the type says so too (see docs/grammar.md).
    type.shared = true;
    return {
      kind: "SharedDecl",
      name: this.declaredName(node, span),
      type,
      layout: this.layout(child(node, "layout"), span),
      span,
    };
  }

  private layout(node: CstNode | undefined, declSpan: Span): A.Layout {
    if (!node) return { kind: "cyclic", span: declSpan };
    const span = nodeSpan(node, declSpan);
    if (token(node, "Block")) return { kind: "block", span };
    const size = child(node, "expression");
    if (size || token(node, "LParen")) return { kind: "blockcyclic", blockSize: this.expression(size, span), span };
    return { kind: "cyclic", span };
  }

  private typeExpr(node: CstNode | undefined, fallback: Span, context: "declaration" | "parameter"): A.TypeExpr {
    const span = nodeSpan(node, fallback);
    const elemToken = firstToken(child(node, "elementType"));
    const elem = (elemToken?.image ?? "int") as A.ElemName;
    const dims: (A.Expr | null)[] = [];
    for (const ext of nodes(node, "extent")) {
      const colon = token(ext, "Colon");
      const extSpan = nodeSpan(ext, span);
      if (colon) {
        if (context === "declaration") {
          this.sink.report(Syntax.colonExtentInDeclaration, extSpan);
          dims.push(this.missing(extSpan));
        } else {
          dims.push(null);
        }
      } else {
        const e = this.expression(child(ext, "expression"), extSpan);
        if (context === "parameter") {
          this.sink.report(Syntax.sizedExtentInParameter, extSpan);
          dims.push(null);
        } else {
          dims.push(e);
        }
      }
    }
    return {
      kind: "TypeExpr",
      elem,
      dims,
      coarray: token(node, "LBracket") !== undefined || token(node, "Star") !== undefined,
      shared: token(node, "Shared") !== undefined,
      span,
    };
  }

  private fnDecl(node: CstNode, span: Span): A.FnDecl {
    const params: A.Param[] = nodes(node, "param").map((p) => {
      const pSpan = nodeSpan(p, span);
      return {
        kind: "Param",
        name: this.declaredName(p, pSpan),
        type: this.typeExpr(child(p, "typeExpr"), pSpan, "parameter"),
        span: pSpan,
      };
    });
    const returnTypeNode = child(node, "typeExpr");
    return {
      kind: "FnDecl",
      name: this.declaredName(node, span),
      params,
      returnType: returnTypeNode || token(node, "Arrow") ? this.typeExpr(returnTypeNode, span, "declaration") : null,
      body: this.block(child(node, "block"), span),
      span,
    };
  }

  private ifStmt(node: CstNode, span: Span): A.IfStmt {
    const elseIf = child(node, "ifStmt");
    const elseBlock = child(node, "block", 1);
    let elsePart: A.Block | A.IfStmt | null = null;
    if (elseIf) elsePart = this.ifStmt(elseIf, nodeSpan(elseIf, span));
    else if (elseBlock) elsePart = this.block(elseBlock, span);
    return {
      kind: "IfStmt",
      cond: this.expression(child(node, "expression"), span),
      then: this.block(child(node, "block", 0), span),
      else: elsePart,
      span,
    };
  }

  private assignOrCall(node: CstNode, span: Span): A.AssignStmt | A.ExprStmt {
    const targetNode = child(node, "expression", 0);
    const target = this.expression(targetNode, span);
    const opToken = children(node, "AssignOp")[0] as IToken | undefined;
    if (opToken) {
      const valid = target.kind === "Name" || target.kind === "Apply" || target.kind === "Coindex";
      if (!valid && !targetNode?.recoveredNode && !this.touchedByGrammarError(span)) {
        this.sink.report(Syntax.invalidAssignTarget, target.span);
      }
      return {
        kind: "AssignStmt",
        op: (isReal(opToken) ? opToken.image : "=") as A.AssignOp,
        target,
        value: this.expression(child(node, "expression", 1), span),
        span,
      };
    }
    const isCall = target.kind === "Apply";
    const missing = target.kind === "Name" && target.name === MISSING_NAME;
    if (!isCall && !missing && !targetNode?.recoveredNode && !this.touchedByGrammarError(span)) {
      this.sink.report(Syntax.notAStatement, target.span);
    }
    return { kind: "ExprStmt", expr: target, span };
  }

  // --- expressions --------------------------------------------------------------------------

  private optionalExpression(node: CstNode | undefined, fallback: Span): A.Expr | null {
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
    if (depthOf(result) > MAX_EXPRESSION_DEPTH) {
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
        const pow: A.Expr = mark({ kind: "Binary", op: "**", left: base, right: tail, span: powSpan }, base, tail);
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
        expr: mark({ kind: "Binary", op: op.image as A.BinaryOp, left: left.expr, right: right.expr, span }, left.expr, right.expr),
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
      result = mark({ kind: "Unary", op: op.image as A.UnaryOp, operand: result, span }, result);
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
    return mark({ kind: "Apply", callee, args, span }, ...args.map((a) => (a.kind === "Slice" ? a.lo ?? a.hi : a)));
  }

  private reference(node: CstNode, nameToken: IToken, span: Span): A.Expr {
    const name: A.NameExpr = { kind: "Name", name: nameToken.image, span: tokenSpan(nameToken) };
    const argList = child(node, "argumentList");
    const base: A.NameExpr | A.ApplyExpr = argList ? this.apply(name, argList, span) : name;
    const selector = child(node, "imageSelector");
    if (!selector) return base;
    const image = this.expression(child(selector, "expression"), nodeSpan(selector, span));
    return mark({ kind: "Coindex", base, image, span: cover(base.span, nodeSpan(selector, span)) }, base, image);
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

function edgeTokenAfter(node: CstNode, offset: number): IToken | undefined {
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

/** Binding strength of the left-associative binary operators (LANGUAGE.md §4, levels 1-5). */
function precedence(op: IToken): number {
  switch (op.image) {
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
    default:
      return 5; // * / % << >> &
  }
}

/**
 * Expression trees deeper than this are refused: later phases walk them recursively. Real
 * programs stay far below; `1+1+...+1` with thousands of terms does not.
 */
export const MAX_EXPRESSION_DEPTH = 1000;

/**
 * Expression depths while one program is built (cleared after): a plain Map, because a WeakMap
 * with hundreds of thousands of entries made the garbage collector the parser's main cost.
 */
const depths = new Map<object, number>();

function depthOf(e: A.Expr | null | undefined): number {
  return e ? (depths.get(e) ?? 1) : 0;
}

/** Records a new node's depth (1 + its deepest child) and returns it. */
function mark<E extends A.Expr>(e: E, ...kids: (A.Expr | null | undefined)[]): E {
  let d = 0;
  for (const k of kids) d = Math.max(d, depthOf(k));
  depths.set(e, d + 1);
  return e;
}

/** The first real token directly under a node (for single-token rules like elementType). */
function firstToken(node: CstNode | undefined): IToken | undefined {
  if (!node) return undefined;
  for (const list of Object.values(node.children)) {
    for (const e of list) if (!isNode(e) && isReal(e)) return e;
  }
  return undefined;
}
