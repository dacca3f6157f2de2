// Intrinsic calls in expressions → JS math, runtime calls or generated helpers. Consumes an Apply
// with role "intrinsic" and its catalogue entry (compiler/intrinsics) (its `lowering` descriptor); gives a JsExpr.
// Statement-only intrinsics (print, collectives) are in lower-collectives.ts.

import type { ApplyExpr, Arg, Expr } from "../ast/nodes.js";
import { lookupIntrinsic } from "../intrinsics/catalogue.js";
import { extentsOf, type LowerContext } from "./context.js";
import { bin, call, id, member, mul, num, rtCall, str, sub, type JsExpr } from "./lir.js";
import { lowerExpr, typeTag } from "./lower-expressions.js";
import { atomicOperand, linearOffset } from "./lower-references.js";

const exprArgs = (e: ApplyExpr): Expr[] =>
  e.args.map((a) => {
    if (a.kind === "Slice") throw new Error("internal: slice as an intrinsic argument");
    return a;
  });

export function lowerIntrinsic(ctx: LowerContext, e: ApplyExpr): JsExpr {
  const name = e.intrinsic ?? e.callee.name;
  const entry = lookupIntrinsic(name);
  const site = num(ctx.site(e.span));
  const args = exprArgs(e);
  const lowered = () => args.map((a) => lowerExpr(ctx, a));
  const lowering = entry?.lowering;
  if (lowering?.kind === "math") {
    const m = lowering.js.split(".");
    const fn = m.length === 2 ? member(id(m[0]!), m[1]!) : id(lowering.js);
    const c = call(fn, ...lowered());
    return e.type?.tag === "int" ? bin("|", c, num(0)) : c;
  }
  if (lowering?.kind === "runtime") {
    const a = lowered();
    return lowering.site ? rtCall(lowering.method, ...a, site) : rtCall(lowering.method, ...a);
  }
  if (lowering?.kind === "atomic") {
    const ref = atomicOperand(ctx, args[0]!);
    const values = args.slice(1).map((a) => lowerExpr(ctx, a));
    const op = lowering.op;
    if (ref.kind === "shared") {
      // owner and offset of one shared element: the helpers evaluate k once
      if (op === "define") return call(ctx.useHelper("$sAtomicDefine"), ref.handle, ref.k, values[0]!, site);
      if (op === "ref") return call(ctx.useHelper("$sAtomicRef"), ref.handle, ref.k, site);
      if (op === "cas") return call(ctx.useHelper("$sAtomicCas"), ref.handle, ref.k, values[0]!, values[1]!, site);
      return call(ctx.useHelper("$sAtomicOp"), str(op), ref.handle, ref.k, values[0]!, site);
    }
    const { handle, image, offset } = ref;
    if (op === "define") return rtCall("atomicDefine", handle, image, offset, values[0]!, site);
    if (op === "ref") return rtCall("atomicRef", handle, image, offset, site);
    if (op === "cas") return rtCall("atomicCas", handle, image, offset, values[0]!, values[1]!, site);
    return rtCall("atomicOp", str(op), handle, image, offset, values[0]!, site);
  }
  switch (name) {
    case "round":
      return call(ctx.useHelper("$round"), lowerExpr(ctx, args[0]!));
    case "float":
      return lowerExpr(ctx, args[0]!); // int → float is free
    case "int":
      return typeTag(args[0]!.type) === "int" ? lowerExpr(ctx, args[0]!) : rtCall("toInt", lowerExpr(ctx, args[0]!), site);
    case "str": {
      const t = typeTag(args[0]!.type);
      const v = lowerExpr(ctx, args[0]!);
      return t === "string" ? v : rtCall("str", v, str(t));
    }
    case "event_query": {
      const h = args[0]!;
      if (h.kind !== "Name") throw new Error("internal: event_query of a non-name");
      return rtCall("eventQuery", id(ctx.repr(h.symbol).js), site);
    }
    case "owner": {
      const ref = args[0]!;
      if (ref.kind !== "Apply") throw new Error("internal: owner of a non-element");
      const r = ctx.repr(ref.callee.symbol);
      const indices = exprArgs(ref).map((a) => lowerExpr(ctx, a));
      return rtCall("owner", id(r.js), linearOffset(ctx, r, indices, ref.callee.name, ctx.site(ref.span)), site);
    }
    case "size":
      return lowerSize(ctx, args[0]!, args[1]);
    case "sum":
    case "minval":
    case "maxval": {
      const { data, rect } = sectionValue(ctx, args[0]!);
      const elem = typeTag(args[0]!.type);
      if (name === "sum") return call(ctx.useHelper(elem === "int" ? "$sumI" : "$sumF"), data, rect);
      return call(ctx.useHelper(name === "minval" ? "$minval" : "$maxval"), data, rect, site);
    }
    default:
      throw new Error(`pgasc: the intrinsic '${name}' cannot be used in an expression here (line ${e.span.line})`);
  }
}

/** The written extent list of an array reference, after dropping single-index dimensions. */
function sectionShape(ctx: LowerContext, e: Expr): JsExpr[] {
  const base = e.kind === "Coindex" ? e.base : e;
  if (base.kind === "Name") return extentsOf(ctx.repr(base.symbol));
  if (base.kind !== "Apply") throw new Error("internal: size of a non-array");
  const ext = extentsOf(ctx.repr(base.callee.symbol));
  const shape: JsExpr[] = [];
  base.args.forEach((a, d) => {
    if (a.kind !== "Slice") return;
    const lo = a.lo ? lowerExpr(ctx, a.lo) : num(0);
    const hi = a.hi ? lowerExpr(ctx, a.hi) : ext[d]!;
    shape.push(sub(hi, lo));
  });
  return shape;
}

function lowerSize(ctx: LowerContext, a: Expr, d: Expr | undefined): JsExpr {
  const shape = sectionShape(ctx, a);
  if (!d) return shape.reduce((x, y) => mul(x, y), num(1) as JsExpr);
  if (d.kind === "IntLiteral") {
    const ext = shape[d.value];
    if (ext) return ext;
    // size(a, 0) of a 1-D array: its length; any other out-of-range dimension: a runtime error
    if (d.value === 0 && shape.length === 1) return shape[0]!;
  }
  const rows = shape[0] ?? num(1);
  const cols = shape[1] ?? num(1);
  return call(ctx.useHelper("$dimSize"), lowerExpr(ctx, d), rows, cols, num(shape.length), num(ctx.site(d.span)));
}

/**
 * An array reference as (typed array, Rect or null for all of it) for the reduction helpers,
 * validated. A coindexed reference is fetched into a dense temporary typed array first.
 */
function sectionValue(ctx: LowerContext, e: Expr): { data: JsExpr; rect: JsExpr } {
  const site = num(ctx.site(e.span));
  const base = e.kind === "Coindex" ? e.base : e;
  const symbol = base.kind === "Name" ? base.symbol : base.kind === "Apply" ? base.callee.symbol : undefined;
  const name = base.kind === "Name" ? base.name : base.kind === "Apply" ? base.callee.name : "?";
  const r = ctx.repr(symbol);
  if (r.kind !== "array" && r.kind !== "coarray" && r.kind !== "shared") throw new Error("internal: reduction of a non-array");
  const ext = extentsOf(r);
  let rect: JsExpr;
  if (base.kind === "Name") {
    rect = { k: "null" };
  } else if (base.kind === "Apply") {
    const bounds = (a: Arg, extent: JsExpr): JsExpr[] =>
      a.kind === "Slice"
        ? [a.lo ? lowerExpr(ctx, a.lo) : num(0), a.hi ? lowerExpr(ctx, a.hi) : extent]
        : [lowerExpr(ctx, a), num(NaN)]; // NaN: a single index (the dimension is dropped)
    if (ext.length === 1) rect = call(ctx.useHelper("$rect1"), ...bounds(base.args[0]!, ext[0]!), ext[0]!, str(name), site);
    else rect = call(ctx.useHelper("$rect2"), ...bounds(base.args[0]!, ext[0]!), ...bounds(base.args[1]!, ext[1]!), ext[0]!, ext[1]!, str(name), site);
  } else throw new Error("internal: reduction of a non-array");
  if (e.kind === "Coindex") {
    const fetched = call(ctx.useHelper("$fetchRect"), id(r.js), lowerExpr(ctx, e.image), rect, str(r.elem), site);
    return { data: fetched, rect: { k: "null" } };
  }
  if (r.kind === "shared") throw new Error("internal: reduction of a shared array");
  return { data: id(r.kind === "array" ? r.js : r.local), rect };
}
