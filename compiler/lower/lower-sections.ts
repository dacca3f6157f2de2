// Section and whole-array assignment → runtime bulk calls or loops. Consumes an AssignStmt whose
// target is an array section/whole array; gives LIR statements: one rt.getRect/putRect/sgetRect/
// sputRect for a plain remote copy, TypedArray.set/fill for contiguous local copies, else an
// elementwise loop (remote operands fetched into temporaries first, scalars evaluated once).
// Sections are bounds-checked once before the copy, and shapes must conform (runtime error).

import type { AssignStmt, Expr } from "../ast/nodes.js";
import type { ScalarTag } from "../ast/types.js";
import { extentsOf, typedArrayType, type LowerContext } from "./context.js";
import {
  add,
  bin,
  bool,
  call,
  constDecl,
  exprStmt,
  id,
  index,
  isTrivial,
  member,
  mul,
  newExpr,
  num,
  obj,
  rtCall,
  str,
  sub,
  assign,
  type CountedFor,
  type JsExpr,
  type JsStmt,
} from "./lir.js";
import { binaryOp, fromStorage, lowerExpr, toStorage, typeTag } from "./lower-expressions.js";
import { assertNever } from "../ast/visit.js";

/**
 * A rectangle of an array, as the ABI's Rect: element (a, b) is at offset + a*s0 + b*s1, with
 * a < n0, b < n1. `rank` counts the slice dimensions (`m(:, j)` is rank 1: n1 = 1).
 */
export interface View {
  where: "data" | "remote" | "shared";
  /** The typed array (where = data). */
  data: JsExpr | null;
  /** The coarray/shared handle (remote, shared). */
  handle: JsExpr | null;
  image: JsExpr | null;
  elem: ScalarTag;
  rank: 1 | 2;
  offset: JsExpr;
  n0: JsExpr;
  s0: JsExpr;
  n1: JsExpr;
  s1: JsExpr;
  name: string;
  symbol: number;
  /** The section's index arguments as written: equal keys on one array mean equal elements. */
  key: string;
  /** A parameter: may be the same memory as another array. */
  param: boolean;
}

type Tree =
  | { k: "leaf"; view: View }
  | { k: "scalar"; v: JsExpr; elem: ScalarTag }
  | { k: "bin"; op: string; l: Tree; r: Tree; elem: ScalarTag; site: number }
  | { k: "un"; op: string; e: Tree; elem: ScalarTag };

/** Evaluates `e` once into a temporary unless it is a literal or a name. */
function keeper(ctx: LowerContext, pre: JsStmt[]) {
  return (e: JsExpr, hint: string): JsExpr => {
    if (isTrivial(e)) return e;
    const t = ctx.temp(hint);
    pre.push(constDecl(t, e));
    return id(t);
  };
}

function exprKey(e: unknown): string {
  return JSON.stringify(e, (k, v) => (k === "span" || k === "type" ? undefined : v));
}

/** A section, whole array or coindexed section as a View; bounds checks go into `pre`. */
export function buildView(ctx: LowerContext, e: Expr, pre: JsStmt[]): View {
  const keep = keeper(ctx, pre);
  let image: JsExpr | null = null;
  let base = e;
  if (e.kind === "Coindex") {
    image = keep(lowerExpr(ctx, e.image), "p");
    base = e.base;
  }
  let symbol: number | undefined;
  let name: string;
  let args: (Expr | { kind: "Slice"; lo: Expr | null; hi: Expr | null } | null)[];
  if (base.kind === "Name") {
    symbol = base.symbol;
    name = base.name;
    args = [];
  } else if (base.kind === "Apply" && (base.role === "section" || base.role === "element")) {
    symbol = base.callee.symbol;
    name = base.callee.name;
    args = base.args;
  } else {
    throw new Error(`internal: not an array reference at ${e.span.line}:${e.span.col}`);
  }
  const r = ctx.repr(symbol);
  if (r.kind !== "array" && r.kind !== "coarray" && r.kind !== "shared") throw new Error(`internal: '${name}' is not an array`);
  if (r.rank === 0) throw new Error(`internal: '${name}' is a scalar coarray`);
  const extents = extentsOf(r);
  const site = ctx.site(e.span);
  const nameLit = str(name);
  // per dimension: a slice [lo, hi) or a single index
  const dims = extents.map((ext, d) => {
    const a = args[d] ?? { kind: "Slice" as const, lo: null, hi: null };
    if (a.kind === "Slice") {
      const lo = keep(a.lo ? lowerExpr(ctx, a.lo) : num(0), "lo");
      const hi = keep(a.hi ? lowerExpr(ctx, a.hi) : ext, "hi");
      pre.push(exprStmt(call(ctx.useHelper("$sec"), lo, hi, ext, nameLit, num(site))));
      return { slice: true, lo, n: keep(sub(hi, lo), "n") };
    }
    const i = keep(lowerExpr(ctx, a), "i");
    pre.push(exprStmt(call(ctx.useHelper("$idx"), i, ext, nameLit, num(site))));
    return { slice: false, lo: i, n: num(1) };
  });
  let offset: JsExpr;
  let n0: JsExpr;
  let s0: JsExpr;
  let n1: JsExpr = num(1);
  let s1: JsExpr = num(0);
  let rank: 1 | 2 = 1;
  if (dims.length === 1) {
    offset = dims[0]!.lo;
    n0 = dims[0]!.n;
    s0 = num(1);
  } else {
    const cols = extents[1]!;
    const [d0, d1] = [dims[0]!, dims[1]!];
    offset = keep(add(mul(d0.lo, cols), d1.lo), "off");
    if (d0.slice && d1.slice) {
      rank = 2;
      [n0, s0, n1, s1] = [d0.n, cols, d1.n, num(1)];
    } else if (d0.slice) {
      [n0, s0] = [d0.n, cols];
    } else {
      [n0, s0] = [d1.n, num(1)];
    }
  }
  const where = image ? "remote" : r.kind === "shared" ? "shared" : "data";
  return {
    where,
    data: where === "data" ? id(r.kind === "array" ? r.js : r.kind === "coarray" ? r.local : r.js) : null,
    handle: where === "data" ? null : id(r.js),
    image,
    elem: r.elem,
    rank,
    offset,
    n0,
    s0,
    n1,
    s1,
    name,
    symbol: symbol!,
    key: exprKey(args),
    param: ctx.sym(symbol).kind === "param",
  };
}

export const rectObject = (v: { offset: JsExpr; n0: JsExpr; s0: JsExpr; n1: JsExpr; s1: JsExpr }): JsExpr =>
  obj([
    ["offset", v.offset],
    ["n0", v.n0],
    ["s0", v.s0],
    ["n1", v.n1],
    ["s1", v.s1],
  ]);

function buildTree(ctx: LowerContext, e: Expr, pre: JsStmt[]): Tree {
  if (e.type?.tag !== "array") {
    const v = keeper(ctx, pre)(lowerExpr(ctx, e), "s");
    return { k: "scalar", v, elem: typeTag(e.type) };
  }
  switch (e.kind) {
    case "Binary":
      return {
        k: "bin",
        op: e.op,
        l: buildTree(ctx, e.left, pre),
        r: buildTree(ctx, e.right, pre),
        elem: e.type.elem,
        site: ctx.site(e.span),
      };
    case "Unary":
      return { k: "un", op: e.op, e: buildTree(ctx, e.operand, pre), elem: e.type.elem };
    case "Name":
    case "Apply":
    case "Coindex":
      return { k: "leaf", view: buildView(ctx, e, pre) };
    case "IntLiteral":
    case "FloatLiteral":
    case "StringLiteral":
    case "BoolLiteral":
      throw new Error(`internal: unexpected array expression at ${e.span.line}:${e.span.col}`);
    default:
      return assertNever(e);
  }
}

function leaves(t: Tree, out: View[] = []): View[] {
  if (t.k === "leaf") out.push(t.view);
  else if (t.k === "bin") {
    leaves(t.l, out);
    leaves(t.r, out);
  } else if (t.k === "un") leaves(t.e, out);
  return out;
}

function mapLeaves(t: Tree, f: (v: View) => View): Tree {
  switch (t.k) {
    case "leaf":
      return { k: "leaf", view: f(t.view) };
    case "bin":
      return { ...t, l: mapLeaves(t.l, f), r: mapLeaves(t.r, f) };
    case "un":
      return { ...t, e: mapLeaves(t.e, f) };
    case "scalar":
      return t;
    default:
      return assertNever(t);
  }
}

/** A fresh zero-filled local array holding a view's elements densely (row-major a, b). */
function denseTemp(ctx: LowerContext, like: View, elem: ScalarTag, pre: JsStmt[]): View {
  const name = ctx.temp("tmp");
  pre.push(constDecl(name, newExpr(typedArrayType(elem), mul(like.n0, like.n1))));
  return {
    ...like,
    where: "data",
    data: id(name),
    handle: null,
    image: null,
    elem,
    offset: num(0),
    s0: like.rank === 2 ? like.n1 : num(1),
    s1: num(like.rank === 2 ? 1 : 0),
    symbol: -1,
    key: name,
    param: false,
  };
}

/** rt.getRect / rt.sgetRect of `src` into the data view `dst`. */
function fetchInto(src: View, dst: View, site: number): JsStmt {
  if (src.where === "remote") {
    return exprStmt(rtCall("getRect", src.handle!, src.image!, rectObject(src), dst.data!, rectObject(dst), num(site)));
  }
  return exprStmt(rtCall("sgetRect", src.handle!, rectObject(src), dst.data!, rectObject(dst), num(site)));
}

/** rt.putRect / rt.sputRect of the data view `src` into `dst`. */
function storeFrom(dst: View, src: View, site: number): JsStmt {
  if (dst.where === "remote") {
    return exprStmt(rtCall("putRect", dst.handle!, dst.image!, rectObject(dst), src.data!, rectObject(src), num(site)));
  }
  return exprStmt(rtCall("sputRect", dst.handle!, rectObject(dst), src.data!, rectObject(src), num(site)));
}

function conformCheck(ctx: LowerContext, target: View, v: View, site: number): JsStmt {
  return exprStmt(call(ctx.useHelper("$conform"), target.n0, target.n1, v.n0, v.n1, bool(target.rank === v.rank), num(site)));
}

/** Could `v` (read) and `target` (written) overlap at different elements? Then compute into a temporary first. */
function hazard(target: View, v: View): boolean {
  if (target.where !== "data" || v.where !== "data") return false;
  const mayAlias = v.symbol === target.symbol || ((v.param || target.param) && v.elem === target.elem);
  return mayAlias && v.key !== target.key;
}

/** Lowers `target = value` (or `target op= value`) where target is an array or a section. */
export function lowerArrayAssign(ctx: LowerContext, s: AssignStmt): JsStmt[] {
  const pre: JsStmt[] = [];
  const site = ctx.site(s.span);
  const target = buildView(ctx, s.target, pre);
  let tree = buildTree(ctx, s.value, pre);
  if (s.op !== "=") {
    const right = tree.k === "leaf" ? tree.view.elem : tree.elem;
    const elem: ScalarTag = target.elem === "int" && right === "int" ? "int" : "float";
    tree = { k: "bin", op: s.op[0]!, l: { k: "leaf", view: target }, r: tree, elem, site };
  }
  const out = pre;

  // plain copies: one bulk call or TypedArray.set
  if (tree.k === "leaf") {
    const src = tree.view;
    out.push(conformCheck(ctx, target, src, site));
    if (target.where === "data" && src.where !== "data") {
      out.push(fetchInto(src, target, site));
      return out;
    }
    if (target.where !== "data" && src.where === "data") {
      out.push(storeFrom(target, src, site));
      return out;
    }
    if (target.where !== "data") {
      const tmp = denseTemp(ctx, src, src.elem, out);
      out.push(fetchInto(src, tmp, site));
      out.push(storeFrom(target, tmp, site));
      return out;
    }
    if (target.rank === 1 && src.rank === 1 && isOne(target.s0) && isOne(src.s0)) {
      // contiguous runs: TypedArray.set copies as if through a temporary, so overlap is safe
      const run = call(member(src.data!, "subarray"), src.offset, add(src.offset, src.n0));
      out.push(exprStmt(call(member(target.data!, "set"), run, target.offset)));
      return out;
    }
  }
  if (tree.k === "scalar" && target.where === "data" && target.rank === 1 && isOne(target.s0)) {
    out.push(exprStmt(call(member(target.data!, "fill"), toStorage(tree.v, target.elem), target.offset, add(target.offset, target.n0))));
    return out;
  }

  // elementwise: remote and shared operands are fetched first
  tree = mapLeaves(tree, (v) => {
    if (v.where === "data") return v;
    const tmp = denseTemp(ctx, v, v.elem, out);
    out.push(fetchInto(v, tmp, site));
    return tmp;
  });
  for (const v of leaves(tree)) out.push(conformCheck(ctx, target, v, site));
  const needTemp = target.where !== "data" || leaves(tree).some((v) => hazard(target, v));
  const dest = needTemp ? denseTemp(ctx, target, target.elem, out) : target;
  out.push(elementLoop(ctx, dest, tree));
  if (needTemp) {
    if (target.where === "data") out.push(elementLoop(ctx, target, { k: "leaf", view: dest }));
    else out.push(storeFrom(target, dest, site));
  }
  return out;
}

const isOne = (e: JsExpr): boolean => e.k === "num" && e.v === 1;

/** `for a, b: dest(a, b) = tree(a, b)` over dest's shape; every operand conforms (checked before). */
function elementLoop(ctx: LowerContext, dest: View, tree: Tree): JsStmt {
  const a = ctx.temp("a");
  const b = ctx.temp("b");
  const pre: JsStmt[] = [];
  const keep = keeper(ctx, pre);
  const indexIn = (v: View): JsExpr => {
    if (dest.rank === 2) {
      if (v.rank === 2) return add(v.offset, add(mul(id(a), v.s0), mul(id(b), v.s1)));
      // one of dest's extents is 1, so the linear position a*n1 + b is a + b
      return add(v.offset, mul(add(id(a), id(b)), v.s0));
    }
    if (v.rank === 1) return add(v.offset, mul(id(a), v.s0));
    // a rank-2 operand of a rank-1 destination has one extent 1: step along the other
    return add(v.offset, mul(id(a), keep({ k: "cond", c: bin("===", v.n0, num(1)), t: v.s1, f: v.s0 }, "st")));
  };
  const value = (t: Tree): JsExpr => {
    switch (t.k) {
      case "leaf":
        return fromStorage(index(t.view.data!, indexIn(t.view)), t.view.elem);
      case "scalar":
        return t.v;
      case "bin":
        return binaryOp(t.op as never, value(t.l), elemOfTree(t.l), value(t.r), elemOfTree(t.r), t.site);
      case "un": {
        const v = value(t.e);
        if (t.op === "-") return t.elem === "int" ? bin("|", { k: "un", op: "-", e: v }, num(0)) : { k: "un", op: "-", e: v };
        return { k: "un", op: t.op, e: v };
      }
      default:
        return assertNever(t);
    }
  };
  const store = assign(index(dest.data!, indexIn(dest)), toStorage(value(tree), dest.elem));
  const inner: CountedFor = { k: "countedFor", variable: b, lo: num(0), hi: dest.n1, step: num(1), dir: "up", body: [store], user: false };
  const outer: CountedFor = {
    k: "countedFor",
    variable: a,
    lo: num(0),
    hi: dest.n0,
    step: num(1),
    dir: "up",
    body: dest.rank === 2 ? [inner] : [store],
    user: false,
  };
  return { k: "block", body: [...pre, outer] };
}

function elemOfTree(t: Tree): ScalarTag {
  return t.k === "leaf" ? t.view.elem : t.elem;
}
