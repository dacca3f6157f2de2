// Expression checking: resolves names, decides what each `f(args)` is (call, intrinsic, element,
// section), checks image selectors, operators and literals, and writes `type`/`symbol`/`role`.
// Consumes a Checker and expressions; gives their types (Type `error` once something is reported).

import type { ApplyExpr, Arg, CoindexExpr, Expr, IntLiteral, NameExpr, Symbol } from "../ast/nodes.js";
import { arrayOf, ERROR, FLOAT, INT, typeToString, VOID, type Type } from "../ast/types.js";
import { Check, conversionHint } from "../diagnostics/catalogue-check.js";
import { arityText, lookupIntrinsic } from "../intrinsics/catalogue.js";
import type { DataReference, IntrinsicArg, IntrinsicServices } from "../intrinsics/intrinsic.js";
import type { Checker } from "./context.js";
import { binaryResult, operatorRule, unaryResult, unaryRule, valueType, scalarAssignable, isScalarTag } from "./typeops.js";
import { assertNever, isDesignator } from "../ast/visit.js";

function set(e: Expr, t: Type): Type {
  e.type = t;
  return t;
}

/** The symbol kinds that hold data (everything but functions). */
function isData(s: Symbol): boolean {
  return s.kind !== "function";
}

/** How a symbol is named in messages: "a variable", "a const", ... */
export function describeSymbol(s: Symbol): string {
  switch (s.kind) {
    case "const":
      return "a const";
    case "param":
      return "a parameter";
    case "loopvar":
      return "a loop variable";
    case "function":
      return "a function";
    case "shared":
      return "a shared array";
    case "var":
      switch (s.type.tag) {
        case "coscalar":
          return "a scalar coarray";
        case "lock":
          return "a lock";
        case "event":
          return "an event";
        default:
          return "a variable";
      }
    default:
      return assertNever(s.kind);
  }
}

/**
 * Checks `e` and gives its type as written (a scalar coarray Name is `coscalar`). `void` is
 * possible here (a call of a function without `->`); use checkValue where a value is needed.
 */
export function checkExpr(cx: Checker, e: Expr, allowFunctionName = false): Type {
  switch (e.kind) {
    case "IntLiteral":
      checkIntLiteral(cx, e, false);
      return set(e, INT);
    case "FloatLiteral":
      return set(e, FLOAT);
    case "StringLiteral":
      return set(e, { tag: "string" });
    case "BoolLiteral":
      return set(e, { tag: "bool" });
    case "Name":
      return checkName(cx, e, allowFunctionName);
    case "Unary": {
      let t: Type;
      if (e.op === "-" && e.operand.kind === "IntLiteral") {
        checkIntLiteral(cx, e.operand, true);
        t = set(e.operand, INT);
      } else {
        t = checkValue(cx, e.operand);
      }
      const result = unaryResult(e.op, t);
      if (result === null) {
        cx.report(Check.unaryOperand, e.span, e.op, typeToString(t), unaryRule(e.op));
        return set(e, ERROR);
      }
      return set(e, result);
    }
    case "Binary": {
      const l = checkValue(cx, e.left);
      const r = checkValue(cx, e.right);
      const result = binaryResult(e.op, l, r);
      if (!result.ok) {
        if (result.reason === "rank") cx.report(Check.elementwiseRank, e.span, typeToString(l), typeToString(r));
        else {
          const rule =
            l.tag === "array" || r.tag === "array"
              ? `on arrays only arithmetic and bitwise operators work elementwise; ${operatorRule(e.op)}`
              : operatorRule(e.op);
          cx.report(Check.binaryOperands, e.span, e.op, typeToString(l), typeToString(r), rule);
        }
        return set(e, ERROR);
      }
      return set(e, result.type);
    }
    case "Apply":
      return checkApply(cx, e);
    case "Coindex":
      return checkCoindex(cx, e);
    default:
      return assertNever(e);
  }
}

/** Checks `e` where a value is read: a scalar coarray reads its element, a void call is an error. */
export function checkValue(cx: Checker, e: Expr): Type {
  const t = checkExpr(cx, e);
  if (t.tag === "void") {
    const name = e.kind === "Apply" ? e.callee.name : "this expression";
    cx.report(Check.voidAsValue, e.span, name);
    return ERROR;
  }
  return valueType(t);
}

/** Checks `e` as a value that must be `int` (indices, bounds); reports with `report` otherwise. */
export function checkInt(cx: Checker, e: Expr, report: (found: string, hint: string) => void): Type {
  const t = checkValue(cx, e);
  if (t.tag !== "int" && t.tag !== "error") {
    const found = typeToString(t);
    report(found, conversionHint("int", found));
  }
  return t;
}

// ---------------------------------------------------------------------------------------------
// Literals
// ---------------------------------------------------------------------------------------------

const INT_MAX = 2147483647n;

/**
 * Decimal literals must fit in int (2147483648 only directly under unary minus); hex literals up
 * to 0xFFFFFFFF give their 32-bit pattern, written back into `value` (0xFFFFFFFF is -1).
 */
function checkIntLiteral(cx: Checker, lit: IntLiteral, negated: boolean): void {
  const digits = lit.text.replace(/_/g, "");
  let exact: bigint;
  try {
    exact = BigInt(digits);
  } catch {
    exact = BigInt(Math.trunc(lit.value));
  }
  const hex = /^0[xX]/.test(digits);
  if (hex) {
    if (exact > 0xffffffffn) {
      cx.report(Check.intLiteralRange, lit.span, lit.text, "hex literals go up to 0xFFFFFFFF (the 32-bit pattern)");
      return;
    }
    lit.value = Number(BigInt.asIntN(32, exact));
    return;
  }
  if (exact > INT_MAX && !(negated && exact === INT_MAX + 1n)) {
    cx.report(
      Check.intLiteralRange,
      lit.span,
      lit.text,
      `ints are 32-bit (-2147483648..2147483647); for a bigger number write a float, as in ${digits}.0`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

function checkName(cx: Checker, e: NameExpr, allowFunctionName: boolean): Type {
  const s = cx.lookup(e.name);
  if (!s) {
    if (lookupIntrinsic(e.name)) cx.report(Check.functionAsValue, e.span, e.name);
    else cx.reportUnresolved(e.name, e.span);
    return set(e, ERROR);
  }
  e.symbol = s.id;
  if (s.kind === "function") {
    if (!allowFunctionName) {
      cx.report(Check.functionAsValue, e.span, e.name);
      return set(e, ERROR);
    }
  }
  return set(e, s.type);
}

// ---------------------------------------------------------------------------------------------
// f(args): calls, intrinsics, elements, sections
// ---------------------------------------------------------------------------------------------

export function checkApply(cx: Checker, e: ApplyExpr): Type {
  const s = cx.lookup(e.callee.name);
  if (s && s.kind === "function") return checkUserCall(cx, e, s);
  if (s && isData(s)) {
    e.callee.symbol = s.id;
    e.callee.type = s.type;
    if (s.type.tag === "array") return checkElementOrSection(cx, e, s, s.type);
    checkArgsLoosely(cx, e.args);
    if (s.type.tag === "error") return set(e, ERROR);
    if (s.type.tag === "coscalar" || s.type.tag === "lock" || s.type.tag === "event") {
      cx.report(Check.notAnArray, e.callee.span, e.callee.name, describeSymbol(s));
    } else {
      const hint = lookupIntrinsic(e.callee.name)
        ? `: it hides the intrinsic '${e.callee.name}' here; rename ${describeSymbol(s).replace(/^an? /, "the ")} to call the intrinsic`
        : ": only functions and intrinsics can be called, and only arrays take indices like a(i)";
      cx.report(Check.notCallable, e.callee.span, e.callee.name, describeSymbol(s), hint);
    }
    return set(e, ERROR);
  }
  const entry = lookupIntrinsic(e.callee.name);
  if (entry) return checkIntrinsicCall(cx, e);
  cx.reportUnresolved(e.callee.name, e.callee.span);
  set(e.callee, ERROR);
  checkArgsLoosely(cx, e.args);
  return set(e, ERROR);
}

/** Checks arguments only for their own errors (when the callee itself is wrong). */
function checkArgsLoosely(cx: Checker, args: Arg[]): void {
  for (const a of args) {
    if (a.kind === "Slice") {
      if (a.lo) checkValue(cx, a.lo);
      if (a.hi) checkValue(cx, a.hi);
    } else checkExpr(cx, a, true);
  }
}

/** Reports section arguments given to a function or intrinsic; gives the plain expressions. */
function rejectSlices(cx: Checker, e: ApplyExpr): Expr[] {
  const out: Expr[] = [];
  for (const a of e.args) {
    if (a.kind === "Slice") {
      cx.report(Check.sectionNotOnArray, a.span, e.callee.name);
      if (a.lo) checkValue(cx, a.lo);
      if (a.hi) checkValue(cx, a.hi);
    } else out.push(a);
  }
  return out;
}

function checkElementOrSection(cx: Checker, e: ApplyExpr, s: Symbol, t: Type & { tag: "array" }): Type {
  let slices = 0;
  for (const a of e.args) {
    if (a.kind === "Slice") {
      slices++;
      for (const bound of [a.lo, a.hi]) {
        if (bound) checkInt(cx, bound, (found, hint) => cx.report(Check.indexNotInt, bound.span, "a section bound", found, hint));
      }
    } else {
      checkInt(cx, a, (found, hint) => cx.report(Check.indexNotInt, a.span, "an array index", found, hint));
    }
  }
  e.role = slices > 0 ? "section" : "element";
  if (e.args.length !== t.rank) {
    cx.report(Check.indexCount, e.span, s.name, t.rank, e.args.length);
    return set(e, ERROR);
  }
  return set(e, slices > 0 ? arrayOf(t.elem, slices as 1 | 2, "local") : { tag: t.elem });
}

function checkUserCall(cx: Checker, e: ApplyExpr, s: Symbol): Type {
  e.role = "call";
  e.callee.symbol = s.id;
  e.callee.type = s.type;
  const fnType = s.type;
  const args = rejectSlices(cx, e);
  if (fnType.tag !== "function") {
    args.forEach((a) => checkExpr(cx, a));
    return set(e, ERROR);
  }
  const params = fnType.params;
  if (e.args.length !== params.length) {
    const n = params.length;
    cx.report(Check.argumentCount, e.span, s.name, n === 0 ? "no arguments" : `${n} argument${n === 1 ? "" : "s"}`, e.args.length);
  }
  args.forEach((arg, i) => {
    const param = params[i];
    if (!param) {
      checkExpr(cx, arg);
      return;
    }
    checkArgument(cx, arg, param, i + 1, s.name);
  });
  return set(e, fnType.result);
}

/** One argument against one parameter: scalars by value (widening allowed), arrays by reference (exact). */
function checkArgument(cx: Checker, arg: Expr, param: Type, index: number, fnName: string): void {
  if (param.tag === "error") {
    checkExpr(cx, arg);
    return;
  }
  if (isScalarTag(param.tag)) {
    const t = checkValue(cx, arg);
    if (t.tag === "error") return;
    if (!isScalarTag(t.tag) || !scalarAssignable(param.tag, t.tag)) {
      const found = typeToString(t);
      cx.report(Check.argumentType, arg.span, index, fnName, `'${param.tag}'`, found, conversionHint(param.tag, found));
    }
    return;
  }
  // By reference: the argument must name a whole object of the parameter's kind.
  const t = checkExpr(cx, arg);
  if (t.tag === "error") return;
  const ref = referenceOf(cx, arg);
  const declared = ref && ref.form === "whole" && !ref.coindexed ? ref.declared : null;
  const found = typeToString(declared ?? valueType(t));
  const expected = typeToString(param);
  if (param.tag === "array" && param.storage === "local") {
    const ok =
      declared !== null &&
      declared.tag === "array" &&
      declared.storage !== "shared" &&
      declared.elem === param.elem &&
      declared.rank === param.rank;
    if (!ok) cx.report(Check.arrayArgumentMismatch, arg.span, index, fnName, expected, found);
    return;
  }
  const what = param.tag === "array" && param.storage === "shared" ? "a shared array" : "a coarray";
  const sameKind =
    declared !== null &&
    (param.tag === "array"
      ? declared.tag === "array" && declared.storage === param.storage
      : declared.tag === param.tag);
  if (!sameKind) {
    cx.report(Check.coarrayParamArgument, arg.span, index, fnName, expected, found, what);
    return;
  }
  if (typeToString(declared) !== expected) cx.report(Check.arrayArgumentMismatch, arg.span, index, fnName, expected, found);
}

function checkIntrinsicCall(cx: Checker, e: ApplyExpr): Type {
  const entry = lookupIntrinsic(e.callee.name)!;
  e.role = "intrinsic";
  e.intrinsic = entry.name;
  const exprs = rejectSlices(cx, e);
  const args: IntrinsicArg[] = exprs.map((expr) => {
    const t = checkExpr(cx, expr, entry.name === "co_reduce");
    if (t.tag === "void") {
      cx.report(Check.voidAsValue, expr.span, expr.kind === "Apply" ? expr.callee.name : "this expression");
      return { expr, type: ERROR };
    }
    return { expr, type: valueType(t) };
  });
  let result: Type;
  if (e.args.length < entry.minArgs || e.args.length > entry.maxArgs) {
    cx.report(Check.argumentCount, e.span, entry.name, arityText(entry), e.args.length);
    result = entry.name === "print" ? VOID : ERROR;
  } else if (exprs.length !== e.args.length) {
    result = ERROR;
  } else {
    result = entry.check({ name: entry.name, args, span: e.span, services: servicesFor(cx) });
  }
  e.callee.type = { tag: "function", params: args.map((a) => a.type), result };
  return set(e, result);
}

function servicesFor(cx: Checker): IntrinsicServices {
  return {
    report: (def, span, ...args) => {
      cx.report(def, span, ...args);
    },
    reference: (expr) => referenceOf(cx, expr),
    functionSignature: (expr) => {
      if (expr.kind !== "Name" || expr.symbol === undefined) return null;
      const s = cx.symbols[expr.symbol]!;
      if (s.kind !== "function" || s.type.tag !== "function") return null;
      return { name: s.name, params: s.type.params, result: s.type.result };
    },
  };
}

/** What an already-checked expression designates when it names data (see DataReference in compiler/intrinsics). */
export function referenceOf(cx: Checker, e: Expr): DataReference | null {
  const fromName = (n: NameExpr, form: DataReference["form"], coindexed: boolean): DataReference | null => {
    if (n.symbol === undefined) return null;
    const s = cx.symbols[n.symbol]!;
    if (s.kind === "function") return null;
    return { name: s.name, symbolKind: s.kind, declared: s.type, form, coindexed };
  };
  if (!isDesignator(e)) return null; // a value, not data
  switch (e.kind) {
    case "Name":
      return fromName(e, "whole", false);
    case "Apply":
      if (e.role !== "element" && e.role !== "section") return null;
      return fromName(e.callee, e.role, false);
    case "Coindex":
      if (e.base.kind === "Name") return fromName(e.base, "whole", true);
      if (e.base.role !== "element" && e.base.role !== "section") return null;
      return fromName(e.base.callee, e.base.role, true);
    default:
      return assertNever(e);
  }
}

// ---------------------------------------------------------------------------------------------
// Image selectors
// ---------------------------------------------------------------------------------------------

export function checkCoindex(cx: Checker, e: CoindexExpr): Type {
  const baseName = e.base.kind === "Name" ? e.base : e.base.callee;
  const s = cx.lookup(baseName.name);
  const baseType = checkExpr(cx, e.base);
  checkInt(cx, e.image, (found, hint) => cx.report(Check.selectorNotInt, e.image.span, found, hint));
  if (!s || baseType.tag === "error" || s.type.tag === "error") return set(e, ERROR);
  const declared = s.type;
  const isCoarray =
    declared.tag === "coscalar" ||
    declared.tag === "lock" ||
    declared.tag === "event" ||
    (declared.tag === "array" && declared.storage === "coarray");
  if (!isCoarray) {
    if (declared.tag === "array" && declared.storage === "shared") cx.report(Check.sharedWithSelector, e.span, s.name);
    else cx.report(Check.notACoarray, e.span, s.name);
    return set(e, ERROR);
  }
  if (e.base.kind === "Name") {
    switch (declared.tag) {
      case "coscalar":
        return set(e, { tag: declared.elem });
      case "array":
        return set(e, arrayOf(declared.elem, declared.rank, "local"));
      default:
        return set(e, declared);
    }
  }
  // c(i)[p] or c(lo:hi)[p]: the Apply already has the element or section type.
  return set(e, baseType);
}
