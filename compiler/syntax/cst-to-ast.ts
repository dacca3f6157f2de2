// Builds the AST (compiler/ast/nodes.ts) from the parser's CST, and makes the shape checks the
// grammar leaves open (assignment targets, calls as statements, `:` extents, functions at top).
// Consumes a CST that may be partial after error recovery; gives a Program and never throws.
// Expressions are built by build-expressions.ts; CST access is in cst.ts.

import type { CstNode, IToken } from "chevrotain";
import type * as A from "../ast/nodes.js";
import { assertNever, isDesignator } from "../ast/visit.js";
import type { DiagnosticSink } from "../diagnostics/diagnostic.js";
import { Syntax } from "../diagnostics/catalogue-syntax.js";
import type { Span } from "../diagnostics/span.js";
import { ExpressionBuilder, MISSING_NAME } from "./build-expressions.js";
import { child, children, firstToken, isReal, nodeSpan, nodes, NOWHERE, token, wholeText } from "./cst.js";
import { tokenSpan } from "./lexer.js";

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
  const body: A.TopLevel[] = cst ? builder.statementList(cst, true) : [];
  return { kind: "Program", file, body, span: wholeText(text) };
}

// ---------------------------------------------------------------------------------------------
// Statements: one builder per alternative of the grammar's `statement` rule
// ---------------------------------------------------------------------------------------------

type StatementBuilder = (b: AstBuilder, inner: CstNode, span: Span) => A.TopLevel;

/**
 * How each alternative of the grammar's `statement` rule becomes AST, keyed by the rule's name
 * (the one child of a `statement` CST node). Exhaustive both ways: every rule has an entry (a test
 * compares the keys with parser.ts), and every statement kind of nodes.ts is the result of some
 * entry (StatementKindsWithoutBuilder below must be empty, or this file does not compile).
 */
const STATEMENTS = {
  constDecl: (b, inner, span): A.ConstDecl => ({
    kind: "ConstDecl",
    name: b.declaredName(inner, span),
    init: b.expression(child(inner, "expression"), span),
    span,
  }),
  varDecl: (b, inner, span): A.VarDecl => b.varDecl(inner, span),
  sharedDecl: (b, inner, span): A.SharedDecl => b.sharedDecl(inner, span),
  fnDecl: (b, inner, span): A.FnDecl => b.fnDecl(inner, span),
  ifStmt: (b, inner, span): A.IfStmt => b.ifStmt(inner, span),
  whileStmt: (b, inner, span): A.WhileStmt => ({
    kind: "WhileStmt",
    cond: b.expression(child(inner, "expression"), span),
    body: b.block(child(inner, "block"), span),
    span,
  }),
  forStmt: (b, inner, span): A.ForStmt => {
    const step = child(inner, "expression", 2);
    return {
      kind: "ForStmt",
      variable: b.declaredName(inner, span),
      lo: b.expression(child(inner, "expression", 0), span),
      hi: b.expression(child(inner, "expression", 1), span),
      step: step || token(inner, "By") ? b.expression(step, span) : null,
      body: b.block(child(inner, "block"), span),
      span,
    };
  },
  forallStmt: (b, inner, span): A.ForallStmt => ({
    kind: "ForallStmt",
    variable: b.declaredName(inner, span),
    lo: b.expression(child(inner, "expression", 0), span),
    hi: b.expression(child(inner, "expression", 1), span),
    affinity: b.expression(child(inner, "expression", 2), span),
    body: b.block(child(inner, "block"), span),
    span,
  }),
  breakStmt: (_b, _inner, span): A.BreakStmt => ({ kind: "BreakStmt", span }),
  continueStmt: (_b, _inner, span): A.ContinueStmt => ({ kind: "ContinueStmt", span }),
  stopStmt: (_b, _inner, span): A.StopStmt => ({ kind: "StopStmt", span }),
  checkpointStmt: (_b, _inner, span): A.CheckpointStmt => ({ kind: "CheckpointStmt", span }),
  returnStmt: (b, inner, span): A.ReturnStmt => ({
    kind: "ReturnStmt",
    value: b.optionalExpression(child(inner, "expression"), span),
    span,
  }),
  errorStopStmt: (b, inner, span): A.ErrorStopStmt => ({
    kind: "ErrorStopStmt",
    value: b.optionalExpression(child(inner, "expression"), span),
    span,
  }),
  syncStmt: (b, inner, span): A.SyncImagesStmt | A.SyncMemoryStmt | A.SyncAllStmt => {
    if (token(inner, "Images") || child(inner, "expression") || token(inner, "Star")) {
      return {
        kind: "SyncImagesStmt",
        images: token(inner, "Star") ? null : b.expression(child(inner, "expression"), span),
        span,
      };
    }
    if (token(inner, "Memory")) return { kind: "SyncMemoryStmt", span };
    return { kind: "SyncAllStmt", span };
  },
  formTeamStmt: (b, inner, span): A.FormTeamStmt => ({
    kind: "FormTeamStmt",
    number: b.expression(child(inner, "expression", 0), span),
    team: b.expression(child(inner, "expression", 1), span),
    span,
  }),
  changeTeamStmt: (b, inner, span): A.ChangeTeamStmt => ({
    kind: "ChangeTeamStmt",
    team: b.expression(child(inner, "expression"), span),
    body: b.block(child(inner, "block"), span),
    span,
  }),
  criticalStmt: (b, inner, span): A.CriticalStmt => ({ kind: "CriticalStmt", body: b.block(child(inner, "block"), span), span }),
  lockStmt: (b, inner, span): A.LockStmt => ({ kind: "LockStmt", lock: b.expression(child(inner, "expression"), span), span }),
  unlockStmt: (b, inner, span): A.UnlockStmt => ({
    kind: "UnlockStmt",
    lock: b.expression(child(inner, "expression"), span),
    span,
  }),
  eventStmt: (b, inner, span): A.EventWaitStmt | A.EventPostStmt => {
    if (token(inner, "Wait")) {
      return {
        kind: "EventWaitStmt",
        event: b.expression(child(inner, "expression", 0), span),
        until: token(inner, "Until") ? b.expression(child(inner, "expression", 1), span) : null,
        span,
      };
    }
    return { kind: "EventPostStmt", event: b.expression(child(inner, "expression"), span), span };
  },
  assignOrCallStmt: (b, inner, span): A.AssignStmt | A.ExprStmt => b.assignOrCall(inner, span),
} satisfies Record<string, StatementBuilder>;

type StatementRule = keyof typeof STATEMENTS;

/** The names of the grammar rules the builder knows, for the test that compares them with parser.ts. */
export const STATEMENT_RULES: readonly string[] = Object.keys(STATEMENTS);

/** Compiles only when T is never. */
type MustBeEmpty<T extends never> = T;
/** The statement kinds no entry of STATEMENTS builds: must be none (a kind added to nodes.ts needs its builder). */
export type StatementKindsWithoutBuilder = MustBeEmpty<
  Exclude<A.TopLevel["kind"], ReturnType<(typeof STATEMENTS)[StatementRule]>["kind"]>
>;

function isStatementRule(key: string): key is StatementRule {
  return Object.hasOwn(STATEMENTS, key);
}

/**
 * What an expression can be at the start of a statement: the target of an assignment, and a call
 * standing alone. Only designators can be either (compiler/ast/visit.ts).
 */
function statementRole(e: A.Expr): { assignable: boolean; call: boolean } {
  if (!isDesignator(e)) return { assignable: false, call: false };
  switch (e.kind) {
    case "Name":
    case "Coindex":
      return { assignable: true, call: false };
    case "Apply": // a call, or an element or section (the checker tells which)
      return { assignable: true, call: true };
    default:
      return assertNever(e);
  }
}

// ---------------------------------------------------------------------------------------------
// The builder
// ---------------------------------------------------------------------------------------------

class AstBuilder extends ExpressionBuilder {
  /** End of the previous statement: a grammar error after it may have produced this one. */
  private previousEnd = 0;

  constructor(
    sink: DiagnosticSink,
    private readonly errorOffsets: number[],
  ) {
    super(sink);
  }

  private touchedByGrammarError(span: Span): boolean {
    return this.errorOffsets.some((o) => o >= this.previousEnd && o <= span.end);
  }

  /** The name under a `declaredName` node; a reserved word there is reported and kept. */
  declaredName(node: CstNode | undefined, at: Span): A.Identifier {
    const t = firstToken(child(node, "declaredName"));
    if (!t) return { kind: "Identifier", text: MISSING_NAME, span: at };
    if (t.tokenType.name !== "Identifier") this.sink.report(Syntax.reservedWord, tokenSpan(t), t.image);
    return { kind: "Identifier", text: t.image, span: tokenSpan(t) };
  }

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

  block(node: CstNode | undefined, fallback: Span): A.Block {
    const span = nodeSpan(node, fallback);
    return { kind: "Block", body: this.statementList(node, false), span };
  }

  /** One `statement` CST node, or undefined when recovery left it empty. */
  private statement(node: CstNode): A.TopLevel | undefined {
    const [key] = Object.keys(node.children);
    const inner = key ? child(node, key) : undefined;
    if (!key || !inner) return undefined;
    if (!isStatementRule(key)) throw new Error(`internal: the grammar's statement '${key}' has no AST builder`);
    return STATEMENTS[key](this, inner, nodeSpan(inner, nodeSpan(node, NOWHERE)));
  }

  varDecl(node: CstNode, span: Span): A.VarDecl {
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

  sharedDecl(node: CstNode, span: Span): A.SharedDecl {
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

  fnDecl(node: CstNode, span: Span): A.FnDecl {
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

  ifStmt(node: CstNode, span: Span): A.IfStmt {
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

  assignOrCall(node: CstNode, span: Span): A.AssignStmt | A.ExprStmt {
    const targetNode = child(node, "expression", 0);
    const target = this.expression(targetNode, span);
    const opToken = children(node, "AssignOp")[0] as IToken | undefined;
    if (opToken) {
      if (!statementRole(target).assignable && !targetNode?.recoveredNode && !this.touchedByGrammarError(span)) {
        this.sink.report(Syntax.invalidAssignTarget, target.span);
      }
      const notifyNode = child(node, "expression", 2);
      const stmt: A.AssignStmt = {
        kind: "AssignStmt",
        op: (isReal(opToken) ? opToken.image : "=") as A.AssignOp,
        target,
        value: this.expression(child(node, "expression", 1), span),
        span,
      };
      if (notifyNode) stmt.notify = this.expression(notifyNode, span);
      return stmt;
    }
    const isCall = statementRole(target).call;
    const missing = target.kind === "Name" && target.name === MISSING_NAME;
    if (!isCall && !missing && !targetNode?.recoveredNode && !this.touchedByGrammarError(span)) {
      this.sink.report(Syntax.notAStatement, target.span);
    }
    return { kind: "ExprStmt", expr: target, span };
  }
}
