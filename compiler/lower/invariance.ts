// Loop-invariance facts on the typed AST, used by the forall and for lowering. Consumes a loop
// body; gives the symbols it may assign and whether an expression is a pure, invariant int
// expression that may be evaluated once before the loop.

import type { Block, Expr } from "../ast/nodes.js";
import { assertNever, forEachDescendant } from "../ast/visit.js";
import type { LowerContext } from "./context.js";

export interface BodyFacts {
  assigned: Set<number>;
  /** Calls a user function (which may assign top-level variables). */
  callsUser: boolean;
}

/**
 * What a loop body may change. A walk over every node below the body (forEachDescendant), looking
 * at the kinds that write a variable or call a user function: assignments, declarations, and calls
 * (a collective writes into its first argument). A kind added to nodes.ts that writes a variable
 * must be added here.
 */
export function bodyFacts(body: Block): BodyFacts {
  const facts: BodyFacts = { assigned: new Set(), callsUser: false };
  forEachDescendant(body, (n) => {
    if (n.kind === "AssignStmt") {
      if (n.target.kind === "Name" && n.target.symbol !== undefined) facts.assigned.add(n.target.symbol);
    } else if (n.kind === "VarDecl" || n.kind === "ConstDecl") {
      if (n.symbol !== undefined) facts.assigned.add(n.symbol);
    } else if (n.kind === "Apply") {
      if (n.role === "call") facts.callsUser = true;
      if (n.role === "intrinsic" && /^co_/.test(n.intrinsic ?? "")) {
        const v = n.args[0];
        if (v && v.kind === "Name" && v.symbol !== undefined) facts.assigned.add(v.symbol);
      }
    }
  });
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
    case "FloatLiteral":
    case "StringLiteral":
    case "BoolLiteral":
    case "Apply":
    case "Coindex":
      return false;
    default:
      return assertNever(e);
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
