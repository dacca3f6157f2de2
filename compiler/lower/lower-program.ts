// The program's shape in `main`: top-level declarations as variables at main's top (zero values,
// so functions see them whatever the order), user functions as nested JS functions, then the
// top-level statements in order. Consumes the checked Program; gives the LIR body of `main`.

import type { FnDecl, Program, Stmt } from "../ast/nodes.js";
import { scalarTsType, typedArrayType, type LowerContext } from "./context.js";
import { cast, constDecl, id, index, letDecl, member, newExpr, num, rtCall, str, type JsExpr, type JsStmt } from "./lir.js";
import { lowerBlock, lowerStmt, zeroOf } from "./lower-statements.js";
import { lowerOnTheWay, planCheckpoints, resumePrologue } from "./lower-checkpoints.js";
import { assertNever } from "../ast/visit.js";

export function lowerProgramBody(ctx: LowerContext, program: Program): JsStmt[] {
  const declarations: JsStmt[] = [];
  const functions: JsStmt[] = [];
  const plan = (ctx.checkpoints = planCheckpoints(ctx, program));
  // Each top-level statement is lowered in turn (sites are numbered in source order).
  const lowered = new Map<Stmt, JsStmt[]>();
  for (const item of program.body) {
    if (item.kind === "FnDecl") {
      functions.push(lowerFunction(ctx, item));
      continue;
    }
    declarations.push(...topLevelDeclaration(ctx, item));
    lowered.set(item, lowerStmt(ctx, item, true));
  }
  if (plan === null) return [...declarations, ...functions, ...[...lowered.values()].flat()];
  // With checkpoints: where to resume first; allocations are made again on a restart.
  const statements = lowerOnTheWay(plan, [...lowered.keys()], (s) => lowered.get(s)!, (s) => allocates(ctx, s));
  return [...declarations, ...resumePrologue(plan), ...functions, ...statements];
}

/** A top-level declaration of a coarray, lock, event or shared array. */
function allocates(ctx: LowerContext, s: Stmt): boolean {
  if (s.kind === "SharedDecl") return true;
  if (s.kind !== "VarDecl") return false;
  const kind = ctx.repr(s.symbol).kind;
  return kind === "coarray" || kind === "sync";
}

/** The `let` (or folded `const`) at main's top for a top-level declaration. */
function topLevelDeclaration(ctx: LowerContext, s: Stmt): JsStmt[] {
  if (s.kind !== "ConstDecl" && s.kind !== "VarDecl" && s.kind !== "SharedDecl") return [];
  const sym = ctx.sym(s.symbol);
  const r = ctx.repr(s.symbol);
  const definite = (name: string, type: string): JsStmt => ({ k: "let", kind: "let", name, type, definite: true });
  const extents = (rows?: string, cols?: string): JsStmt[] =>
    rows && cols ? [letDecl(rows, num(0), "number"), letDecl(cols, num(0), "number")] : [];
  switch (r.kind) {
    case "scalar": {
      const type = scalarTsType(r.elem);
      if (s.kind === "ConstDecl" && sym.constValue !== undefined) {
        const v = sym.constValue;
        const lit: JsExpr = typeof v === "number" ? num(v) : typeof v === "boolean" ? { k: "bool", v } : str(v);
        return [constDecl(r.js, lit, type)];
      }
      return [letDecl(r.js, zeroOf(r.elem), type)];
    }
    case "array":
      return [letDecl(r.js, newExpr(typedArrayType(r.elem), num(0)), typedArrayType(r.elem)), ...extents(r.rows, r.cols)];
    case "coarray":
      return [
        definite(r.js, "CoarrayHandle"),
        letDecl(r.local, newExpr(typedArrayType(r.elem), num(0)), typedArrayType(r.elem)),
        ...extents(r.rows, r.cols),
      ];
    case "sync":
      return [definite(r.js, "CoarrayHandle")];
    case "team":
      return [letDecl(r.js, { k: "null" }, "TeamValue | null")];
    case "shared":
      return [definite(r.js, "SharedHandle"), ...extents(r.rows, r.cols)];
    case "function":
      return [];
    default:
      return assertNever(r);
  }
}

function lowerFunction(ctx: LowerContext, fn: FnDecl): JsStmt {
  const params: { name: string; type: string }[] = [];
  const prologue: JsStmt[] = [];
  for (const p of fn.params) {
    const r = ctx.repr(p.symbol);
    switch (r.kind) {
      case "scalar":
        params.push({ name: r.js, type: scalarTsType(r.elem) });
        break;
      case "array":
        params.push({ name: r.js, type: typedArrayType(r.elem) });
        if (r.rank === 2) params.push({ name: r.rows!, type: "number" }, { name: r.cols!, type: "number" });
        break;
      case "coarray":
        params.push({ name: r.js, type: "CoarrayHandle" });
        prologue.push(constDecl(r.local, cast(member(id(r.js), "local"), typedArrayType(r.elem))));
        if (r.rank === 2) {
          prologue.push(constDecl(r.rows!, index(member(id(r.js), "dims"), num(0))));
          prologue.push(constDecl(r.cols!, index(member(id(r.js), "dims"), num(1))));
        }
        break;
      case "shared":
        params.push({ name: r.js, type: "SharedHandle" });
        if (r.rank === 2) {
          prologue.push(constDecl(r.rows!, index(member(id(r.js), "dims"), num(0))));
          prologue.push(constDecl(r.cols!, index(member(id(r.js), "dims"), num(1))));
        }
        break;
      case "sync":
        params.push({ name: r.js, type: "CoarrayHandle" });
        break;
      case "team":
        params.push({ name: r.js, type: "TeamValue | null" });
        break;
      case "function":
        throw new Error(`internal: parameter of kind ${r.kind}`);
      default:
        return assertNever(r);
    }
  }
  const fnType = ctx.sym(fn.symbol).type;
  const result = fnType.tag === "function" ? fnType.result : { tag: "void" as const };
  const resultTag = result.tag === "int" || result.tag === "float" || result.tag === "bool" || result.tag === "string" ? result.tag : "void";
  ctx.currentFnResult = result;
  ctx.currentFnName = fn.name.text;
  const body = [...prologue, ...lowerBlock(ctx, fn.body)];
  ctx.currentFnResult = null;
  const last = fn.body.body[fn.body.body.length - 1];
  if (resultTag !== "void" && last?.kind !== "ReturnStmt") {
    // the checker does not prove every path returns: falling off the end is a runtime error
    const site = num(ctx.site(fn.body.span.end > fn.body.span.start ? { ...fn.body.span } : fn.span));
    body.push({ k: "return", e: rtCall("fail", str(`function '${fn.name.text}' ended without returning a value`), site) });
  }
  return { k: "fn", name: ctx.jsName(fn.symbol), params, ret: scalarTsType(resultTag), body };
}
