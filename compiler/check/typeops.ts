// Type rules shared by the checker's parts: value types, assignability with int→float widening,
// and the result types of operators (scalar and elementwise).
// Consumes semantic types (ast/types.ts); gives pure functions, no diagnostics.

import type { BinaryOp, UnaryOp } from "../ast/nodes.js";
import { arrayOf, ERROR, type ScalarTag, type Type } from "../ast/types.js";
import { assertNever } from "../ast/visit.js";

/** The type a use of an expression reads: a scalar coarray `s` reads its own element. */
export function valueType(t: Type): Type {
  return t.tag === "coscalar" ? { tag: t.elem } : t;
}

export function isScalarTag(tag: string): tag is ScalarTag {
  return tag === "int" || tag === "float" || tag === "bool" || tag === "string";
}

/** A scalar `source` may be stored where `target` is expected: same type, or int widening to float. */
export function scalarAssignable(target: ScalarTag, source: ScalarTag): boolean {
  return target === source || (target === "float" && source === "int");
}

/**
 * Whether a value of type `source` may be stored into something of type `target`, elementwise for
 * arrays: a scalar broadcasts into an array, an array needs the same rank. Both are value types.
 */
export function assignable(target: Type, source: Type): boolean {
  if (target.tag === "error" || source.tag === "error") return true;
  if (isScalarTag(target.tag)) return isScalarTag(source.tag) && scalarAssignable(target.tag, source.tag);
  if (target.tag === "team") return source.tag === "team";
  if (target.tag === "array") {
    if (isScalarTag(source.tag)) return scalarAssignable(target.elem, source.tag);
    return source.tag === "array" && source.rank === target.rank && scalarAssignable(target.elem, source.elem);
  }
  return false;
}

export type OperatorClass = "arithmetic" | "bitwise" | "logical" | "equality" | "ordering" | "power";

export function operatorClass(op: BinaryOp): OperatorClass {
  switch (op) {
    case "+":
    case "-":
    case "*":
    case "/":
    case "%":
      return "arithmetic";
    case "**":
      return "power";
    case "|":
    case "^":
    case "&":
    case "<<":
    case ">>":
      return "bitwise";
    case "&&":
    case "||":
      return "logical";
    case "==":
    case "!=":
      return "equality";
    case "<":
    case "<=":
    case ">":
    case ">=":
      return "ordering";
    default:
      return assertNever(op);
  }
}

/** What an operator takes, for messages. */
export function operatorRule(op: BinaryOp): string {
  const cls = operatorClass(op);
  switch (cls) {
    case "arithmetic":
      return op === "+"
        ? "'+' takes two numbers (int or float; mixed gives float) or two strings"
        : `'${op}' takes int or float operands (mixed gives float); convert explicitly with float(...) or int(...)`;
    case "power":
      return "'**' takes int or float operands";
    case "bitwise":
      return `'${op}' takes 'int' operands`;
    case "logical":
      return `'${op}' takes 'bool' operands; compare numbers explicitly, as in 'x != 0'`;
    case "equality":
      return `'${op}' compares two numbers, two bools or two strings`;
    case "ordering":
      return `'${op}' compares two numbers (strings compare only with == and !=)`;
    default:
      return assertNever(cls);
  }
}

/** Result of `left op right` on scalars, or null when the operator does not apply. */
export function scalarBinary(op: BinaryOp, l: ScalarTag, r: ScalarTag): ScalarTag | null {
  const numeric = (t: ScalarTag) => t === "int" || t === "float";
  const cls = operatorClass(op);
  switch (cls) {
    case "arithmetic":
      if (op === "+" && l === "string" && r === "string") return "string";
      if (numeric(l) && numeric(r)) return l === "int" && r === "int" ? "int" : "float";
      return null;
    case "power":
      if (numeric(l) && numeric(r)) return l === "int" && r === "int" ? "int" : "float";
      return null;
    case "bitwise":
      return l === "int" && r === "int" ? "int" : null;
    case "logical":
      return l === "bool" && r === "bool" ? "bool" : null;
    case "equality":
      if (numeric(l) && numeric(r)) return "bool";
      return l === r && (l === "bool" || l === "string") ? "bool" : null;
    case "ordering":
      return numeric(l) && numeric(r) ? "bool" : null;
    default:
      return assertNever(cls);
  }
}

export type BinaryResult = { ok: true; type: Type } | { ok: false; reason: "operands" | "rank" };

/**
 * Result of `left op right` on value types, elementwise when either side is an array (arithmetic,
 * power and bitwise only; a scalar side broadcasts). Array results are computed locally.
 */
export function binaryResult(op: BinaryOp, l: Type, r: Type): BinaryResult {
  if (l.tag === "error" || r.tag === "error") return { ok: true, type: ERROR };
  const elemOf = (t: Type): ScalarTag | null => (t.tag === "array" ? t.elem : isScalarTag(t.tag) ? t.tag : null);
  const le = elemOf(l);
  const re = elemOf(r);
  if (le === null || re === null) return { ok: false, reason: "operands" };
  const elem = scalarBinary(op, le, re);
  if (elem === null) return { ok: false, reason: "operands" };
  if (l.tag !== "array" && r.tag !== "array") return { ok: true, type: { tag: elem } };
  const cls = operatorClass(op);
  if (cls !== "arithmetic" && cls !== "power" && cls !== "bitwise") return { ok: false, reason: "operands" };
  if (elem === "string") return { ok: false, reason: "operands" };
  if (l.tag === "array" && r.tag === "array" && l.rank !== r.rank) return { ok: false, reason: "rank" };
  const rank = l.tag === "array" ? l.rank : (r as { rank: 1 | 2 }).rank;
  return { ok: true, type: arrayOf(elem, rank, "local") };
}

/** Result of a unary operator, elementwise on arrays for `-` and `~`; null when it does not apply. */
export function unaryResult(op: UnaryOp, t: Type): Type | null {
  if (t.tag === "error") return ERROR;
  const elem = t.tag === "array" ? t.elem : isScalarTag(t.tag) ? t.tag : null;
  if (elem === null) return null;
  const ok = op === "-" ? elem === "int" || elem === "float" : op === "!" ? elem === "bool" && t.tag !== "array" : elem === "int";
  return ok ? t.tag === "array" ? arrayOf(elem, t.rank, "local") : t : null;
}

export function unaryRule(op: UnaryOp): string {
  return op === "-" ? "'-' takes an int or float" : op === "!" ? "'!' takes a 'bool'" : "'~' takes an 'int'";
}
