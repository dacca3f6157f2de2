// User function calls → JS calls of the nested functions emitted in main. Consumes a call Apply
// and the callee's FunctionType; gives the JS call. Scalars pass by value; a private array passes
// its typed array (2-D: plus rows and cols); coarrays, shared arrays, locks and events pass their
// handle. A contiguous 1-D section passes a subarray view (still by reference).

import type { ApplyExpr, Arg, Expr } from "../ast/nodes.js";
import type { Type } from "../ast/types.js";
import { extentsOf, type LowerContext } from "./context.js";
import { call, id, num, str, type JsExpr } from "./lir.js";
import { lowerExpr } from "./lower-expressions.js";

export function lowerCall(ctx: LowerContext, e: ApplyExpr): JsExpr {
  const fnRepr = ctx.repr(e.callee.symbol);
  const fnType = ctx.sym(e.callee.symbol).type;
  const params: Type[] = fnType.tag === "function" ? fnType.params : [];
  const args: JsExpr[] = [];
  e.args.forEach((a, i) => {
    if (a.kind === "Slice") throw new Error("internal: slice as a call argument");
    args.push(...argumentFor(ctx, a, params[i]));
  });
  return call(fnRepr.js, ...args);
}

function argumentFor(ctx: LowerContext, a: Expr, param: Type | undefined): JsExpr[] {
  if (!param || param.tag !== "array") {
    if (param && (param.tag === "lock" || param.tag === "event" || param.tag === "coscalar")) return [handleOf(ctx, a)];
    return [lowerExpr(ctx, a)];
  }
  if (param.storage === "coarray" || param.storage === "shared") return [handleOf(ctx, a)];
  // a private-array parameter: the data and, for 2-D, its extents
  if (a.kind === "Name") {
    const r = ctx.repr(a.symbol);
    if (r.kind === "array") return [id(r.js), ...(r.rank === 2 ? extentsOf(r) : [])];
    if (r.kind === "coarray") return [id(r.local), ...(r.rank === 2 ? extentsOf(r) : [])];
  }
  if (a.kind === "Apply" && a.role === "section" && param.rank === 1) {
    const r = ctx.repr(a.callee.symbol);
    if (r.kind === "array" || r.kind === "coarray") {
      const data = id(r.kind === "array" ? r.js : r.local);
      const name = str(a.callee.name);
      const site = num(ctx.site(a.span));
      const bound = (arg: Arg, ext: JsExpr): [JsExpr, JsExpr] =>
        arg.kind === "Slice"
          ? [arg.lo ? lowerExpr(ctx, arg.lo) : num(0), arg.hi ? lowerExpr(ctx, arg.hi) : ext]
          : [lowerExpr(ctx, arg), num(NaN)];
      const ext = extentsOf(r);
      if (r.rank === 1) {
        // `a(lo:hi)` → a.subarray(lo, hi) after a bounds check: a view of the same memory
        const [lo, hi] = bound(a.args[0]!, ext[0]!);
        return [call(ctx.useHelper("$sub1"), data, lo, hi, name, site)];
      }
      const [rowArg, colArg] = a.args;
      if (rowArg && rowArg.kind !== "Slice" && colArg) {
        // a piece of one row `m(i, lo:hi)` is contiguous too
        const [lo, hi] = bound(colArg, ext[1]!);
        return [call(ctx.useHelper("$subRow"), data, ext[0]!, ext[1]!, lowerExpr(ctx, rowArg), lo, hi, name, site)];
      }
    }
  }
  throw new Error(
    `pgasc: passing this argument to an array parameter is not supported yet (line ${a.span.line}): pass a whole array or a 1-D section`,
  );
}

function handleOf(ctx: LowerContext, a: Expr): JsExpr {
  if (a.kind === "Name") return id(ctx.repr(a.symbol).js);
  throw new Error(`internal: a coarray/shared parameter needs a name at ${a.span.line}:${a.span.col}`);
}
