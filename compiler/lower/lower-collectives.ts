// Statement intrinsics → runtime calls: collectives (co_sum/min/max/broadcast/reduce) write their
// result back into their variable; print formats each value and joins them with one space.
// Consumes an ExprStmt's intrinsic Apply; gives LIR statements (null when it is no such call).

import type { ApplyExpr, Expr } from "../ast/nodes.js";
import type { LowerContext } from "./context.js";
import { bin, call, constDecl, exprStmt, id, num, rtCall, str, type JsExpr, type JsStmt } from "./lir.js";
import { lowerExpr, typeTag } from "./lower-expressions.js";
import { placeOf } from "./lower-references.js";

const REDUCE_OPS: Readonly<Record<string, string>> = { co_sum: "sum", co_min: "min", co_max: "max" };

export function lowerIntrinsicStatement(ctx: LowerContext, e: ApplyExpr): JsStmt[] | null {
  const name = e.intrinsic ?? e.callee.name;
  const args = e.args as Expr[];
  const site = num(ctx.site(e.span));
  if (name === "print") return [exprStmt(rtCall("print", printLine(ctx, args)))];
  if (!(name in REDUCE_OPS) && name !== "co_broadcast" && name !== "co_reduce") return null;

  const v = args[0]!;
  const out: JsStmt[] = [];
  const arrayData = collectiveArray(ctx, v);
  if (arrayData) {
    if (name in REDUCE_OPS) {
      const root = args[1] ? lowerExpr(ctx, args[1]) : num(-1);
      out.push(exprStmt(rtCall("coReduceArray", str(REDUCE_OPS[name]!), arrayData, root, site)));
    } else if (name === "co_broadcast") {
      out.push(exprStmt(rtCall("coBroadcastArray", arrayData, lowerExpr(ctx, args[1]!), site)));
    } else {
      out.push(exprStmt(rtCall("coReduceFnArray", arrayData, lowerExpr(ctx, args[1]!), site)));
    }
    return out;
  }
  // a scalar: read it, combine over the images, write it back
  const place = placeOf(ctx, v, out, true);
  const kind = str(place.elem === "int" ? "int" : "float");
  if (name in REDUCE_OPS) {
    if (!args[1]) {
      out.push(place.write(rtCall("coReduce", str(REDUCE_OPS[name]!), kind, place.read(), num(-1), site)));
      return out;
    }
    // co_sum(v, r): only image r receives the result; the others keep v unchanged
    const root = ctx.temp("root");
    const result = ctx.temp("red");
    out.push(constDecl(root, lowerExpr(ctx, args[1])));
    out.push(constDecl(result, rtCall("coReduce", str(REDUCE_OPS[name]!), kind, place.read(), id(root), site)));
    out.push({ k: "if", c: bin("===", rtCall("thisImage"), id(root)), then: [place.write(id(result))] });
    return out;
  }
  if (name === "co_broadcast") {
    out.push(place.write(rtCall("coBroadcast", kind, place.read(), lowerExpr(ctx, args[1]!), site)));
    return out;
  }
  out.push(place.write(rtCall("coReduceFn", kind, place.read(), lowerExpr(ctx, args[1]!), site)));
  return out;
}

/** The typed array a collective works on in place, or null for a scalar. */
function collectiveArray(ctx: LowerContext, v: Expr): JsExpr | null {
  if (v.type?.tag !== "array") return null;
  if (v.kind === "Name") {
    const r = ctx.repr(v.symbol);
    if (r.kind === "array") return id(r.js);
    if (r.kind === "coarray") return id(r.local);
  }
  if (v.kind === "Apply" && v.role === "section") {
    const r = ctx.repr(v.callee.symbol);
    if ((r.kind === "array" || r.kind === "coarray") && r.rank === 1) {
      const data = id(r.kind === "array" ? r.js : r.local);
      const [s] = v.args;
      if (s && s.kind === "Slice") {
        const lo = s.lo ? lowerExpr(ctx, s.lo) : num(0);
        const hi = s.hi ? lowerExpr(ctx, s.hi) : { k: "member" as const, obj: data, prop: "length" };
        // a subarray view: the collective writes straight into the section
        return call(ctx.useHelper("$sub1"), data, lo, hi, str(v.callee.name), num(ctx.site(v.span)));
      }
    }
  }
  throw new Error(`pgasc: a collective on this kind of array is not supported (line ${v.span.line}): use a whole local array`);
}

/** The one line `print` writes: every value formatted as `str(v)` would, separated by one space. */
function printLine(ctx: LowerContext, args: Expr[]): JsExpr {
  if (args.length === 0) return str("");
  const parts = args.map((a) => {
    const t = typeTag(a.type);
    if (a.kind === "StringLiteral") return str(a.value);
    const v = lowerExpr(ctx, a);
    return t === "string" ? v : rtCall("str", v, str(t));
  });
  // adjacent literal strings are merged so `print("x =", x)` becomes "x = " + ...
  const merged: JsExpr[] = [];
  parts.forEach((p, i) => {
    const sep = i === 0 ? null : str(" ");
    for (const piece of sep ? [sep, p] : [p]) {
      const last = merged[merged.length - 1];
      if (last && last.k === "str" && piece.k === "str") merged[merged.length - 1] = str(last.v + piece.v);
      else merged.push(piece);
    }
  });
  // a string first keeps `+` a concatenation whatever the operand types
  if (merged[0]!.k !== "str" && merged.length === 1) return merged[0]!;
  return merged.reduce((acc, p) => bin("+", acc, p));
}
