// Constant folding of checked expressions (int arithmetic wraps to 32 bits, as at run time) and the
// collective-size rule (sizes built only from literals, consts, num_images(), arg_int/arg_float).
// Consumes typed expressions and the symbol table; gives folded values and offending subexpressions.

import type { Expr, Symbol } from "../ast/nodes.js";
import { lookupIntrinsic } from "../intrinsics/catalogue.js";
import { intDiv, intMod, intPow } from "../../runtime/support/int32.js";
import { assertNever } from "../ast/visit.js";

export type ConstValue = number | boolean | string;

/**
 * The value of `e` when it is built from literals and folded consts only, else undefined. Reads
 * the checker's `type` annotations (int and float operations differ), so call it after checking.
 * Never folds what would be a runtime error (int division by zero, int() of nan).
 */
export function foldConstant(e: Expr, symbols: readonly Symbol[]): ConstValue | undefined {
  switch (e.kind) {
    case "IntLiteral":
    case "FloatLiteral":
    case "StringLiteral":
    case "BoolLiteral":
      return e.value;
    case "Name": {
      if (e.symbol === undefined) return undefined;
      const s = symbols[e.symbol];
      return s && s.kind === "const" ? s.constValue : undefined;
    }
    case "Unary": {
      const v = foldConstant(e.operand, symbols);
      if (v === undefined) return undefined;
      if (e.op === "!") return typeof v === "boolean" ? !v : undefined;
      if (typeof v !== "number") return undefined;
      if (e.op === "~") return ~v;
      return e.type?.tag === "int" ? -v | 0 : -v;
    }
    case "Binary":
      return foldBinary(e, symbols);
    case "Apply": {
      if (e.role !== "intrinsic") return undefined;
      const args = e.args.map((a) => (a.kind === "Slice" ? undefined : foldConstant(a, symbols)));
      if (args.some((a) => typeof a !== "number")) return undefined;
      const nums = args as number[];
      switch (e.intrinsic) {
        case "float":
          return nums[0];
        case "int": {
          const x = Math.trunc(nums[0]!);
          return Number.isFinite(x) && x >= -2147483648 && x <= 2147483647 ? x : undefined;
        }
        case "abs":
          return e.type?.tag === "int" ? Math.abs(nums[0]!) | 0 : Math.abs(nums[0]!);
        case "min":
          return Math.min(...nums);
        case "max":
          return Math.max(...nums);
        default:
          return undefined; // other intrinsics are not folded
      }
    }
    case "Coindex":
      return undefined; // a value of another image: known only at run time
    default:
      return assertNever(e);
  }
}

function foldBinary(e: Expr & { kind: "Binary" }, symbols: readonly Symbol[]): ConstValue | undefined {
  const l = foldConstant(e.left, symbols);
  if (l === undefined) return undefined;
  // Short-circuit operators fold on their left side alone when it decides.
  if (e.op === "&&" && l === false) return false;
  if (e.op === "||" && l === true) return true;
  const r = foldConstant(e.right, symbols);
  if (r === undefined) return undefined;
  if (typeof l === "boolean" || typeof r === "boolean") {
    if (typeof l !== "boolean" || typeof r !== "boolean") return undefined;
    switch (e.op) {
      case "&&":
        return l && r;
      case "||":
        return l || r;
      case "==":
        return l === r;
      case "!=":
        return l !== r;
      default:
        return undefined;
    }
  }
  if (typeof l === "string" || typeof r === "string") {
    if (typeof l !== "string" || typeof r !== "string") return undefined;
    if (e.op === "+") return l + r;
    if (e.op === "==") return l === r;
    if (e.op === "!=") return l !== r;
    return undefined;
  }
  const bothInt = e.left.type?.tag === "int" && e.right.type?.tag === "int";
  switch (e.op) {
    case "+":
      return bothInt ? (l + r) | 0 : l + r;
    case "-":
      return bothInt ? (l - r) | 0 : l - r;
    case "*":
      return bothInt ? Math.imul(l, r) : l * r;
    case "/":
      if (!bothInt) return l / r;
      return r === 0 ? undefined : intDiv(l, r);
    case "%":
      if (!bothInt) return l % r;
      return r === 0 ? undefined : intMod(l, r);
    case "**":
      return bothInt ? (intPow(l, r) ?? undefined) : Math.pow(l, r);
    case "&":
      return l & r;
    case "|":
      return l | r;
    case "^":
      return l ^ r;
    case "<<":
      return l << (r & 31);
    case ">>":
      return l >> (r & 31);
    case "==":
      return l === r;
    case "!=":
      return l !== r;
    case "<":
      return l < r;
    case "<=":
      return l <= r;
    case ">":
      return l > r;
    case ">=":
      return l >= r;
    case "&&":
    case "||":
      return undefined; // on numbers: a type error, already reported
    default:
      return assertNever(e.op);
  }
}

/**
 * The first subexpression of `e` that can differ between images, so cannot size a coarray or a
 * shared array, with a description for the message; null when `e` is image-invariant. Invariant:
 * literals, consts that are themselves invariant, operators, and intrinsics marked invariant in
 * the catalogue (num_images, arg_int, arg_float, pure math and conversions) with invariant args.
 */
export function findNonInvariant(
  e: Expr,
  symbols: readonly Symbol[],
  invariantConsts: ReadonlySet<number>,
): { expr: Expr; description: string } | null {
  switch (e.kind) {
    case "IntLiteral":
    case "FloatLiteral":
    case "StringLiteral":
    case "BoolLiteral":
      return null;
    case "Name": {
      if (e.symbol === undefined) return null; // already reported as undeclared
      const s = symbols[e.symbol]!;
      if (s.kind === "const") {
        return invariantConsts.has(s.id)
          ? null
          : { expr: e, description: `the const '${s.name}', whose value may differ between images` };
      }
      const what: Record<string, string> = {
        var: "variable",
        shared: "shared array",
        param: "parameter",
        loopvar: "loop variable",
        function: "function",
      };
      return { expr: e, description: `the ${what[s.kind] ?? s.kind} '${s.name}', which can change or differ between images` };
    }
    case "Unary":
      return findNonInvariant(e.operand, symbols, invariantConsts);
    case "Binary":
      return findNonInvariant(e.left, symbols, invariantConsts) ?? findNonInvariant(e.right, symbols, invariantConsts);
    case "Apply": {
      if (e.role === "intrinsic") {
        const entry = lookupIntrinsic(e.intrinsic ?? "");
        if (!entry || !entry.invariant) {
          return { expr: e, description: `'${e.callee.name}()', which differs between images` };
        }
        for (const a of e.args) {
          if (a.kind === "Slice") return { expr: e, description: "a section" };
          const inner = findNonInvariant(a, symbols, invariantConsts);
          if (inner) return inner;
        }
        return null;
      }
      if (e.role === "call") return { expr: e, description: `a call of the function '${e.callee.name}'` };
      if (e.role === undefined) return null; // an erroneous call, already reported
      return { expr: e, description: `an element of '${e.callee.name}', which can change or differ between images` };
    }
    case "Coindex":
      return { expr: e, description: "a value read from another image" };
    default:
      return assertNever(e);
  }
}
