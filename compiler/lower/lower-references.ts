// Scalar data references → direct typed-array accesses or runtime calls. Consumes Name, element
// Apply and Coindex expressions; gives reads (JsExpr) and assignable places: a private array or
// own coarray part is a bounds-checked typed-array access (`a[i]`, `c$l[i]`), a remote element is
// rt.get/rt.put, a shared-array element is rt.sget/rt.sput.

import type { ApplyExpr, CoindexExpr, Expr, NameExpr } from "../ast/nodes.js";
import type { ScalarTag } from "../ast/types.js";
import { extentsOf, type LowerContext, type Repr } from "./context.js";
import { call, constDecl, id, index, isTrivial, num, rtCall, str, arr, assign, type CheckedAccess, type JsExpr, type JsStmt } from "./lir.js";
import { fromStorage, lowerExpr, toStorage } from "./lower-expressions.js";
import { assertNever } from "../ast/visit.js";

export function readName(ctx: LowerContext, e: NameExpr): JsExpr {
  const r = ctx.repr(e.symbol);
  switch (r.kind) {
    case "scalar":
    case "team":
    case "function":
      return id(r.js);
    case "coarray":
      if (r.rank === 0) return fromStorage(index(id(r.local), num(0)), r.elem);
      break;
    case "array":
    case "shared":
    case "sync":
      break;
    default:
      return assertNever(r);
  }
  throw new Error(`internal: '${e.name}' used as a scalar value at ${e.span.line}:${e.span.col}`);
}

/** The scalar index expressions of an element reference (every arg is an Expr). */
function indexArgs(ctx: LowerContext, e: ApplyExpr): JsExpr[] {
  return e.args.map((a) => {
    if (a.kind === "Slice") throw new Error("internal: slice in an element reference");
    return lowerExpr(ctx, a);
  });
}

/** `a(i)`, `m(i, j)`, `c(i)` (own part): a checked access into the typed array. */
export function ownAccess(ctx: LowerContext, r: Repr, indices: JsExpr[], name: string, site: number): CheckedAccess {
  if (r.kind !== "array" && r.kind !== "coarray") throw new Error("internal: ownAccess on non-array");
  return {
    k: "checked",
    data: id(r.kind === "array" ? r.js : r.local),
    indices,
    extents: extentsOf(r),
    name,
    site,
    check: true,
  };
}

/**
 * The row-major offset of an element of a coarray part or shared array, for the runtime calls.
 * 1-D: the index itself (the runtime checks it). 2-D: `$lin2` checks each index against its extent.
 */
export function linearOffset(ctx: LowerContext, r: Repr, indices: JsExpr[], name: string, site: number): JsExpr {
  if (indices.length === 0) return num(0);
  if (indices.length === 1) return indices[0]!;
  const [rows, cols] = extentsOf(r);
  return call(ctx.useHelper("$ck2"), indices[0]!, indices[1]!, rows!, cols!, str(name), num(site));
}

export function readElement(ctx: LowerContext, e: ApplyExpr): JsExpr {
  const r = ctx.repr(e.callee.symbol);
  const site = ctx.site(e.span);
  const indices = indexArgs(ctx, e);
  if (r.kind === "shared") return fromStorage(rtCall("sget", id(r.js), linearOffset(ctx, r, indices, e.callee.name, site), num(site)), r.elem);
  if (r.kind === "array" || r.kind === "coarray") return fromStorage(ownAccess(ctx, r, indices, e.callee.name, site), r.elem);
  throw new Error(`internal: element of '${e.callee.name}'`);
}

export function readRemote(ctx: LowerContext, e: CoindexExpr): JsExpr {
  const site = ctx.site(e.span);
  const { repr, offset } = remoteTarget(ctx, e, site);
  return fromStorage(rtCall("get", id(repr.js), lowerExpr(ctx, e.image), offset, num(site)), elemOf(repr));
}

function remoteTarget(ctx: LowerContext, e: CoindexExpr, site: number): { repr: Repr; offset: JsExpr } {
  if (e.base.kind === "Name") {
    const repr = ctx.repr(e.base.symbol);
    return { repr, offset: num(0) };
  }
  if (e.base.role !== "element") throw new Error("internal: a coindexed section used as a scalar");
  const repr = ctx.repr(e.base.callee.symbol);
  return { repr, offset: linearOffset(ctx, repr, indexArgs(ctx, e.base), e.base.callee.name, site) };
}

function elemOf(r: Repr): ScalarTag {
  if (r.kind === "array" || r.kind === "coarray" || r.kind === "shared" || r.kind === "scalar") {
    return r.elem === "void" ? "int" : r.elem;
  }
  return "int";
}

/** An assignable scalar location. */
export interface Place {
  elem: ScalarTag;
  read(): JsExpr;
  write(value: JsExpr): JsStmt;
  /** For typed-array elements: `a[i] op= v` evaluates the index once and wraps ints on store. */
  inPlace?: (op: "+=" | "-=", value: JsExpr) => JsStmt;
}

/**
 * The location a target expression designates. With `once`, index and image expressions that are
 * not trivial are evaluated into temporaries appended to `pre`, so read() and write() may both
 * be used (compound assignment: get then put).
 */
export function placeOf(ctx: LowerContext, target: Expr, pre: JsStmt[], once: boolean): Place {
  const keep = (e: JsExpr, hint: string): JsExpr => {
    if (!once || isTrivial(e)) return e;
    const t = ctx.temp(hint);
    pre.push(constDecl(t, e));
    return id(t);
  };
  const site = ctx.site(target.span);
  if (target.kind === "Name") {
    const r = ctx.repr(target.symbol);
    if (r.kind === "scalar") {
      return { elem: elemOf(r), read: () => id(r.js), write: (v) => assign(id(r.js), v) };
    }
    if (r.kind === "coarray" && r.rank === 0) {
      const cell = index(id(r.local), num(0));
      return {
        elem: r.elem,
        read: () => fromStorage(cell, r.elem),
        write: (v) => assign(cell, toStorage(v, r.elem)),
        inPlace: r.elem === "bool" ? undefined : (op, v) => assign(cell, v, op),
      };
    }
    throw new Error(`internal: cannot assign to '${target.name}' as a scalar`);
  }
  if (target.kind === "Apply" && target.role === "element") {
    const r = ctx.repr(target.callee.symbol);
    const indices = indexArgs(ctx, target).map((ix) => keep(ix, "i"));
    if (r.kind === "shared") {
      const k = keep(linearOffset(ctx, r, indices, target.callee.name, site), "k");
      return {
        elem: r.elem,
        read: () => fromStorage(rtCall("sget", id(r.js), k, num(site)), r.elem),
        write: (v) => ({ k: "expr", e: rtCall("sput", id(r.js), k, toStorage(v, r.elem), num(site)) }),
      };
    }
    const access = ownAccess(ctx, r, indices, target.callee.name, site);
    const elem = elemOf(r);
    return {
      elem,
      read: () => fromStorage(access, elem),
      write: (v) => assign(access, toStorage(v, elem)),
      inPlace: elem === "bool" ? undefined : (op, v) => assign(access, v, op),
    };
  }
  if (target.kind === "Coindex") {
    const { repr, offset } = remoteTarget(ctx, target, site);
    const image = keep(lowerExpr(ctx, target.image), "p");
    const off = keep(offset, "o");
    const elem = elemOf(repr);
    return {
      elem,
      read: () => fromStorage(rtCall("get", id(repr.js), image, off, num(site)), elem),
      write: (v) => ({ k: "expr", e: rtCall("put", id(repr.js), image, off, toStorage(v, elem), num(site)) }),
    };
  }
  throw new Error(`internal: not an assignable scalar at ${target.span.line}:${target.span.col}`);
}

/**
 * The (handle, image, offset) an atomic or lock/event operand designates, as ABI arguments.
 * Shared elements return `shared` so the caller uses the `$sAtomic*` helpers (owner + offset).
 */
export function atomicOperand(
  ctx: LowerContext,
  e: Expr,
): { kind: "coarray"; handle: JsExpr; image: JsExpr; offset: JsExpr } | { kind: "shared"; handle: JsExpr; k: JsExpr } {
  const site = ctx.site(e.span);
  if (e.kind === "Coindex") {
    const { repr, offset } = remoteTarget(ctx, e, site);
    return { kind: "coarray", handle: id(repr.js), image: lowerExpr(ctx, e.image), offset };
  }
  if (e.kind === "Name") {
    const r = ctx.repr(e.symbol);
    return { kind: "coarray", handle: id(r.js), image: rtCall("thisImage"), offset: num(0) };
  }
  if (e.kind === "Apply" && e.role === "element") {
    const r = ctx.repr(e.callee.symbol);
    const indices = indexArgs(ctx, e);
    if (r.kind === "shared") return { kind: "shared", handle: id(r.js), k: linearOffset(ctx, r, indices, e.callee.name, site) };
    // own coarray element: check the indices here (the runtime only checks the linear offset)
    const lin =
      indices.length === 1
        ? indices[0]!
        : linearOffset(ctx, r, indices, e.callee.name, site);
    return { kind: "coarray", handle: id(r.js), image: rtCall("thisImage"), offset: lin };
  }
  throw new Error(`internal: not an atomic operand at ${e.span.line}:${e.span.col}`);
}

/** `[a, b]` of indices, for error messages built in generated helpers. */
export const indexList = (indices: JsExpr[]): JsExpr => arr(indices);
