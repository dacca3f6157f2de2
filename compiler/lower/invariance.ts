// Loop-invariance facts on the typed AST, used by the forall and for lowering. Consumes a loop
// body; gives the symbols it may assign and whether an expression is a pure, invariant int
// expression that may be evaluated once before the loop.

import type { Block, Expr, Stmt } from "../ast/nodes.js";
import type { LowerContext } from "./context.js";

export interface BodyFacts {
  assigned: Set<number>;
  /** Calls a user function (which may assign top-level variables). */
  callsUser: boolean;
}

export function bodyFacts(body: Block): BodyFacts {
  const facts: BodyFacts = { assigned: new Set(), callsUser: false };
  const visitExpr = (e: Expr | null | undefined): void => {
    if (!e) return;
    switch (e.kind) {
      case "Unary":
        visitExpr(e.operand);
        break;
      case "Binary":
        visitExpr(e.left);
        visitExpr(e.right);
        break;
      case "Apply":
        if (e.role === "call") facts.callsUser = true;
        if (e.role === "intrinsic" && /^co_/.test(e.intrinsic ?? "")) {
          const v = e.args[0];
          if (v && v.kind === "Name" && v.symbol !== undefined) facts.assigned.add(v.symbol);
        }
        for (const a of e.args) {
          if (a.kind === "Slice") {
            visitExpr(a.lo);
            visitExpr(a.hi);
          } else visitExpr(a);
        }
        break;
      case "Coindex":
        visitExpr(e.base);
        visitExpr(e.image);
        break;
      default:
        break;
    }
  };
  const visit = (s: Stmt): void => {
    switch (s.kind) {
      case "AssignStmt":
        if (s.target.kind === "Name" && s.target.symbol !== undefined) facts.assigned.add(s.target.symbol);
        visitExpr(s.target);
        visitExpr(s.value);
        break;
      case "VarDecl":
      case "ConstDecl":
        if (s.symbol !== undefined) facts.assigned.add(s.symbol);
        visitExpr(s.init);
        break;
      case "ExprStmt":
        visitExpr(s.expr);
        break;
      case "IfStmt":
        visitExpr(s.cond);
        s.then.body.forEach(visit);
        if (s.else?.kind === "Block") s.else.body.forEach(visit);
        else if (s.else) visit(s.else);
        break;
      case "WhileStmt":
        visitExpr(s.cond);
        s.body.body.forEach(visit);
        break;
      case "ForStmt":
      case "ForallStmt":
        visitExpr(s.lo);
        visitExpr(s.hi);
        s.body.body.forEach(visit);
        break;
      case "CriticalStmt":
        s.body.body.forEach(visit);
        break;
      case "ReturnStmt":
      case "ErrorStopStmt":
        visitExpr(s.value);
        break;
      default:
        break;
    }
  };
  body.body.forEach(visit);
  return facts;
}

/** A pure int expression of literals and names that the loop body does not change. */
export function isInvariant(ctx: LowerContext, e: Expr, facts: BodyFacts, loopSymbol: number | undefined): boolean {
  switch (e.kind) {
    case "IntLiteral":
      return true;
    case "Name": {
      if (e.symbol === undefined || e.symbol === loopSymbol || facts.assigned.has(e.symbol)) return false;
      const sym = ctx.sym(e.symbol);
      if (sym.type.tag !== "int") return false;
      if (sym.topLevel && sym.kind === "var" && facts.callsUser) return false;
      return sym.kind !== "function";
    }
    case "Unary":
      return e.op === "-" && isInvariant(ctx, e.operand, facts, loopSymbol);
    case "Binary":
      return (
        (e.op === "+" || e.op === "-" || e.op === "*") &&
        isInvariant(ctx, e.left, facts, loopSymbol) &&
        isInvariant(ctx, e.right, facts, loopSymbol)
      );
    default:
      return false;
  }
}

/**
 * `i`, `i + c`, `c + i`, `i - c` with c invariant: the offset expression (null for `i` alone,
 * with `negate` for `i - c`), or undefined when `e` has another form.
 */
export function affineInLoopVar(
  ctx: LowerContext,
  e: Expr,
  loopSymbol: number | undefined,
  facts: BodyFacts,
): { offset: Expr | null; negate: boolean } | undefined {
  const isVar = (x: Expr) => x.kind === "Name" && x.symbol === loopSymbol;
  if (isVar(e)) return { offset: null, negate: false };
  if (e.kind !== "Binary") return undefined;
  if (e.op === "+" && isVar(e.left) && isInvariant(ctx, e.right, facts, loopSymbol)) return { offset: e.right, negate: false };
  if (e.op === "+" && isVar(e.right) && isInvariant(ctx, e.left, facts, loopSymbol)) return { offset: e.left, negate: false };
  if (e.op === "-" && isVar(e.left) && isInvariant(ctx, e.right, facts, loopSymbol)) return { offset: e.right, negate: true };
  return undefined;
}
