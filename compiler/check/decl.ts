// Declarations: written types → semantic types, `const`/`var`/`shared` declarations (where they may
// appear, collective sizes, initialisers, folding), function signatures and parameters.
// Consumes a Checker and declaration nodes; declares their symbols and reports their errors.

import type { ConstDecl, FnDecl, Identifier, Param, SharedDecl, TypeExpr, VarDecl } from "../ast/nodes.js";
import { arrayOf, ERROR, typeToString, VOID, type ScalarTag, type Type } from "../ast/types.js";
import { Check, conversionHint } from "../diagnostics/catalogue-check.js";
import type { Checker } from "./context.js";
import { checkInt, checkValue } from "./expr.js";
import { findNonInvariant, foldConstant } from "./fold.js";
import { assignable, isScalarTag } from "./typeops.js";

/** Checks each written extent is an int; gives the rank (1 or 2) or null after reporting. */
function checkDims(cx: Checker, name: Identifier, t: TypeExpr): 1 | 2 | null {
  for (const d of t.dims) {
    if (d) checkInt(cx, d, (found, hint) => cx.report(Check.indexNotInt, d.span, "an array extent", found, hint));
  }
  if (t.dims.length > 2) {
    cx.report(Check.arrayRank, t.span, t.dims.length);
    return null;
  }
  return t.dims.length as 1 | 2;
}

/**
 * The semantic type of a declaration's or parameter's written type, or ERROR after reporting.
 * `place` says where it is written: a var, a shared declaration, or a parameter.
 */
function resolveType(cx: Checker, name: Identifier, t: TypeExpr, place: "var" | "shared" | "param"): Type {
  const rank = t.dims.length === 0 ? 0 : checkDims(cx, name, t);
  if (rank === null) return ERROR;
  if (t.elem === "lock" || t.elem === "event") {
    if (!t.coarray || t.dims.length > 0 || place === "shared" || t.shared) {
      cx.report(
        Check.invalidDeclaredType,
        t.span,
        name.text,
        `cannot have type '${t.elem}${t.dims.length > 0 ? "(...)" : ""}${t.coarray ? "[*]" : ""}'`,
        `lock and event are types for scalar coarrays only: write '${t.elem}[*]'`,
      );
      return ERROR;
    }
    return { tag: t.elem };
  }
  if (t.elem === "team") {
    if (t.coarray || t.dims.length > 0 || place === "shared" || t.shared) {
      cx.report(Check.teamDeclaration, t.span, name.text, "cannot be a coarray, an array or shared");
      return ERROR;
    }
    return { tag: "team" };
  }
  const elem: ScalarTag = t.elem;
  if (elem === "string" && (rank > 0 || t.coarray || t.shared || place === "shared")) {
    cx.report(Check.stringStorage, name.span, name.text);
    return ERROR;
  }
  const shared = t.shared || place === "shared";
  if (shared) {
    if (rank === 0 || t.coarray) {
      cx.report(
        Check.invalidDeclaredType,
        t.span,
        name.text,
        rank === 0 ? "is a shared scalar" : "cannot be both shared and a coarray",
        "a shared declaration is a 1-D or 2-D array, as in 'shared x: float(N)'; for one value per image use a coarray 'var s: int[*]'",
      );
      return ERROR;
    }
    return arrayOf(elem, rank as 1 | 2, "shared");
  }
  if (t.coarray) return rank === 0 ? { tag: "coscalar", elem } : arrayOf(elem, rank as 1 | 2, "coarray");
  return rank === 0 ? { tag: elem } : arrayOf(elem, rank as 1 | 2, "local");
}

function isCollective(t: Type): boolean {
  return t.tag === "coscalar" || t.tag === "lock" || t.tag === "event" || (t.tag === "array" && t.storage !== "local");
}

function collectiveWhat(t: Type): string {
  if (t.tag === "lock") return "the lock";
  if (t.tag === "event") return "the event";
  if (t.tag === "array" && t.storage === "shared") return "the shared array";
  return "the coarray";
}

/** Collective declarations: only at top level, with sizes the same on every image. */
function checkCollective(cx: Checker, name: Identifier, t: Type, written: TypeExpr, blockSize: VarDecl["init"] | undefined): void {
  if (!cx.atTopLevel || cx.fn) {
    cx.report(Check.collectiveDeclNotTopLevel, name.span, collectiveWhat(t).replace(/^the /, "").replace(/^./, (c) => c.toUpperCase()), name.text);
  }
  const extents = [...written.dims, blockSize ?? null];
  for (const d of extents) {
    if (!d) continue;
    const culprit = findNonInvariant(d, cx.symbols, cx.invariantConsts);
    if (culprit) cx.report(Check.collectiveSizeNotInvariant, culprit.expr.span, collectiveWhat(t), name.text, culprit.description);
  }
}

/** Checks an initial value stored into a declared type (as an assignment would). */
function checkInitializer(cx: Checker, name: Identifier, declared: Type, init: VarDecl["init"]): void {
  if (!init) return;
  const t = checkValue(cx, init);
  if (declared.tag === "error" || t.tag === "error") return;
  if (declared.tag === "team") {
    cx.report(Check.teamDeclaration, init.span, name.text, "cannot have an initial value");
    return;
  }
  if (declared.tag === "lock" || declared.tag === "event") {
    cx.report(Check.assignToSyncObject, init.span, name.text, declared.tag === "lock" ? "a lock" : "an event", "locks and events start unlocked and at count 0; leave out the initial value");
    return;
  }
  const target = declared.tag === "coscalar" ? ({ tag: declared.elem } as Type) : declared;
  if (!assignable(target, t)) {
    const expected = typeToString(target);
    const found = typeToString(t);
    cx.report(Check.assignMismatch, init.span, `'${name.text}'`, expected, found, conversionHint(expected, found));
  }
}

export function checkVarDecl(cx: Checker, d: VarDecl, topLevelPosition: number | null): void {
  if (!d.type) {
    if (!d.init) {
      cx.report(Check.missingType, d.name.span, d.name.text);
      d.symbol = cx.declare(d.name, "var", ERROR);
      return;
    }
    // Checked before declaring: `var x = x + 1` reads an outer x.
    let t = checkValue(cx, d.init);
    if (t.tag !== "error" && !isScalarTag(t.tag)) {
      cx.report(Check.varInitNotScalar, d.init.span, "var", d.name.text, typeToString(t));
      t = ERROR;
    }
    d.symbol = cx.declare(d.name, "var", t);
    return;
  }
  const t = resolveType(cx, d.name, d.type, "var");
  if (isCollective(t)) checkCollective(cx, d.name, t, d.type, undefined);
  checkInitializer(cx, d.name, t, d.init);
  d.symbol = cx.declare(d.name, "var", t);
  void topLevelPosition;
}

export function checkSharedDecl(cx: Checker, d: SharedDecl): void {
  const t = resolveType(cx, d.name, d.type, "shared");
  if (d.layout.blockSize) {
    const b = d.layout.blockSize;
    checkInt(cx, b, (found, hint) => cx.report(Check.indexNotInt, b.span, "a block size", found, hint));
  }
  if (t.tag !== "error") checkCollective(cx, d.name, t, d.type, d.layout.blockSize);
  d.symbol = cx.declare(d.name, "shared", t, { layout: d.layout });
}

export function checkConstDecl(cx: Checker, d: ConstDecl): void {
  let t = checkValue(cx, d.init);
  if (t.tag !== "error" && !isScalarTag(t.tag)) {
    cx.report(Check.varInitNotScalar, d.init.span, "const", d.name.text, typeToString(t));
    t = ERROR;
  }
  const value = t.tag === "error" ? undefined : foldConstant(d.init, cx.symbols);
  const id = cx.declare(d.name, "const", t, value === undefined ? {} : { constValue: value });
  d.symbol = id;
  if (!findNonInvariant(d.init, cx.symbols, cx.invariantConsts)) cx.invariantConsts.add(id);
}

/** The semantic type of a parameter (arrays and coarrays by reference). */
function paramType(cx: Checker, p: Param): Type {
  if (p.type.dims.some((d) => d !== null)) {
    // A parameter's extents come from the argument: only ':' is meaningful.
    cx.report(
      Check.invalidDeclaredType,
      p.type.span,
      p.name.text,
      "is a parameter with a written extent",
      `a parameter takes the argument's extents: write '${p.type.elem}(${p.type.dims.map(() => ":").join(", ")})'`,
    );
  }
  const rank = p.type.dims.length;
  if (rank > 2) {
    cx.report(Check.arrayRank, p.type.span, rank);
    return ERROR;
  }
  return resolveType(cx, p.name, { ...p.type, dims: p.type.dims.map(() => null) }, "param");
}

/** Declares a function's symbol with its signature (before any body is checked). */
export function declareFunction(cx: Checker, f: FnDecl): void {
  const params = f.params.map((p) => paramType(cx, p));
  let result: Type = VOID;
  if (f.returnType) {
    const r = f.returnType;
    if (r.dims.length > 0 || r.coarray || r.shared || !isScalarTag(r.elem)) {
      cx.report(
        Check.invalidDeclaredType,
        r.span,
        f.name.text,
        `cannot return '${r.elem}${r.dims.length ? "(...)" : ""}${r.coarray ? "[*]" : ""}'`,
        "functions return scalars (int, float, bool, string); pass an array parameter to fill it instead",
      );
      result = ERROR;
    } else result = { tag: r.elem };
  }
  f.symbol = cx.declare(f.name, "function", { tag: "function", params, result });
}

/** Declares the parameters in the current (function) scope. */
export function declareParams(cx: Checker, f: FnDecl): void {
  const fnType = cx.symbols[f.symbol!]!.type;
  f.params.forEach((p, i) => {
    const t = fnType.tag === "function" ? fnType.params[i]! : ERROR;
    p.symbol = cx.declare(p.name, "param", t);
  });
}
