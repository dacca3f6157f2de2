// Scalar expressions → LIR with the language's value semantics: int arithmetic wraps to 32 bits
// (`| 0`, Math.imul, rt.idiv/imod/ipow), float is plain JS numbers, bool is boolean. Consumes
// typed AST expressions; gives JsExpr. Element and remote references go to lower-references.ts,
// calls to lower-calls.ts.

import type { BinaryOp, Expr } from "../ast/nodes.js";
import type { ScalarTag, Type } from "../ast/types.js";
import type { LowerContext } from "./context.js";
import { bin, bool, call, id, member, num, rtCall, str, un, type JsExpr } from "./lir.js";
import { lowerCall } from "./lower-calls.js";
import { lowerIntrinsic } from "./lower-intrinsics.js";
import { readElement, readName, readRemote } from "./lower-references.js";
import { assertNever } from "../ast/visit.js";

export function lowerExpr(ctx: LowerContext, e: Expr): JsExpr {
  switch (e.kind) {
    case "IntLiteral":
      return num(e.value | 0);
    case "FloatLiteral":
      return num(e.value);
    case "StringLiteral":
      return str(e.value);
    case "BoolLiteral":
      return bool(e.value);
    case "Name":
      return readName(ctx, e);
    case "Unary":
      return lowerUnary(ctx, e.op, e.operand, typeTag(e.type));
    case "Binary":
      return binaryOp(
        e.op,
        lowerExpr(ctx, e.left),
        typeTag(e.left.type),
        lowerExpr(ctx, e.right),
        typeTag(e.right.type),
        ctx.site(e.span),
      );
    case "Apply":
      switch (e.role) {
        case "element":
          return readElement(ctx, e);
        case "call":
          return lowerCall(ctx, e);
        case "intrinsic":
          return lowerIntrinsic(ctx, e);
        case "section":
        case undefined:
          throw new Error(`internal: an array section used as a scalar at ${e.span.line}:${e.span.col}`);
        default:
          return assertNever(e.role);
      }
    case "Coindex":
      return readRemote(ctx, e);
    default:
      return assertNever(e);
  }
}

/** The scalar tag of a checked expression's type (a scalar coarray reads as its element). */
export function typeTag(t: Type | undefined): ScalarTag {
  if (!t) throw new Error("internal: expression without a type in a checked program");
  if (t.tag === "int" || t.tag === "float" || t.tag === "bool" || t.tag === "string") return t.tag;
  if (t.tag === "coscalar" || t.tag === "array") return t.elem;
  throw new Error(`internal: expected a scalar type, found '${t.tag}'`);
}

function lowerUnary(ctx: LowerContext, op: string, operand: Expr, result: ScalarTag): JsExpr {
  if (op === "-" && operand.kind === "IntLiteral") return num(-operand.value | 0);
  if (op === "-" && operand.kind === "FloatLiteral") return num(-operand.value);
  const v = lowerExpr(ctx, operand);
  if (op === "-") return result === "int" ? wrapInt(un("-", v)) : un("-", v);
  return un(op, v); // `!` on bool, `~` on int (already 32-bit in JS)
}

const wrapInt = (e: JsExpr): JsExpr => bin("|", e, num(0));

/**
 * A binary operation on lowered operands. Mixed int/float is float (int widens for free); int
 * results are wrapped to 32 bits. Division and remainder by a non-zero literal are inlined (exact:
 * a correctly rounded quotient of two int32 never crosses an integer), others go to the runtime,
 * which reports division by zero at `site`.
 */
export function binaryOp(op: BinaryOp, l: JsExpr, lt: ScalarTag, r: JsExpr, rt: ScalarTag, site: number): JsExpr {
  const bothInt = lt === "int" && rt === "int";
  switch (op) {
    case "||":
    case "&&":
      return bin(op, l, r);
    case "==":
      return bin("===", l, r);
    case "!=":
      return bin("!==", l, r);
    case "<":
    case "<=":
    case ">":
    case ">=":
      return bin(op, l, r);
    case "+":
      if (lt === "string" || rt === "string") return bin("+", l, r);
      return bothInt ? wrapInt(bin("+", l, r)) : bin("+", l, r);
    case "-":
      return bothInt ? wrapInt(bin("-", l, r)) : bin("-", l, r);
    case "*":
      return bothInt ? call(member(id("Math"), "imul"), l, r) : bin("*", l, r);
    case "/":
      if (!bothInt) return bin("/", l, r);
      if (r.k === "num" && r.v !== 0) return wrapInt(bin("/", l, r));
      return rtCall("idiv", l, r, num(site));
    case "%":
      if (!bothInt) return bin("%", l, r);
      if (r.k === "num" && r.v !== 0) return wrapInt(bin("%", l, r));
      return rtCall("imod", l, r, num(site));
    case "**":
      return bothInt ? rtCall("ipow", l, r, num(site)) : bin("**", l, r);
    case "|":
    case "^":
    case "&":
    case "<<":
    case ">>":
      return bin(op, l, r); // JS bitwise operators are 32-bit; shift counts are taken mod 32
    default:
      return assertNever(op);
  }
}

/** `v ? 1 : 0` for storing a bool in Uint8 storage; numbers pass through. */
export function toStorage(v: JsExpr, elem: ScalarTag): JsExpr {
  if (elem !== "bool") return v;
  if (v.k === "bool") return num(v.v ? 1 : 0);
  return { k: "cond", c: v, t: num(1), f: num(0) };
}

/** A value read from Uint8 storage (or the wire) back to boolean. */
export function fromStorage(v: JsExpr, elem: ScalarTag): JsExpr {
  return elem === "bool" ? bin("!==", v, num(0)) : v;
}
