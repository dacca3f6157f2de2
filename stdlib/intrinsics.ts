// THE catalogue of intrinsics (LANGUAGE.md §5.2, §5.4-§5.6): one entry per name, with its signature
// check (consumed by compiler/check, which reports through it) and its `lowering` descriptor
// (consumed by compiler/lower and compiler/emit). docs/stdlib.md is generated from this file.

import type { Expr, Span, SymbolKind } from "../compiler/ast/nodes.js";
import { FLOAT, INT, STRING, VOID, ERROR, typeToString, type Type } from "../compiler/ast/types.js";
import { Check, conversionHint } from "../compiler/diagnostics/catalogue-check.js";
import type { MessageDef } from "../compiler/diagnostics/diagnostic.js";
import type { AtomicOp, ReduceOp, Runtime } from "../runtime/abi/abi.js";

// ---------------------------------------------------------------------------------------------
// What the checker gives an entry's check
// ---------------------------------------------------------------------------------------------

/** One argument, already checked. `type` is its value type: a scalar coarray `s` reads as its element. */
export interface IntrinsicArg {
  expr: Expr;
  type: Type;
}

/** What an argument designates when it names data: `s`, `c(i)[p]`, `x(i)`, `a`, `a(0:n)`. */
export interface DataReference {
  name: string;
  symbolKind: SymbolKind;
  /** The declared type of the named symbol (coscalar, array with storage, lock, event, scalar). */
  declared: Type;
  /** The whole object (`s`, `a`, `c[p]`), one element (`c(i)`), or a section (`a(0:n)`). */
  form: "whole" | "element" | "section";
  /** Written with an image selector `[p]`. */
  coindexed: boolean;
}

export interface IntrinsicServices {
  report<A extends unknown[]>(def: MessageDef<A>, span: Span, ...args: A): void;
  /** The data an argument names, or null for any other expression (literals, arithmetic, calls). */
  reference(expr: Expr): DataReference | null;
  /** The signature of the user function an argument names (co_reduce's f), or null. */
  functionSignature(expr: Expr): { name: string; params: Type[]; result: Type } | null;
}

export interface IntrinsicCall {
  name: string;
  args: IntrinsicArg[];
  span: Span;
  services: IntrinsicServices;
}

// ---------------------------------------------------------------------------------------------
// What the code generator reads
// ---------------------------------------------------------------------------------------------

export type RuntimeMethod = {
  [K in keyof Runtime]: Runtime[K] extends (...args: never[]) => unknown ? K : never;
}[keyof Runtime];

/**
 * How a call is lowered:
 *  - math: `js(args...)` on plain JS numbers (ints widened as needed); when the call's type is
 *    `int` the result is wrapped with `| 0`.
 *  - runtime: `rt.method(args...)`, plus a trailing `site` argument when `site` is true.
 *  - atomic: `rt.atomicDefine/atomicRef/atomicOp(op)/atomicCas` on the first argument's handle,
 *    image and offset (a shared element: `rt.owner(h,k)`, `rt.localOffset(h,k)`); `fetch` tells
 *    whether the old value is the call's result.
 *  - collective: `rt.coReduce(op)`/`coBroadcast`/`coReduceFn` (or their Array forms for arrays),
 *    writing the result back into the first argument.
 *  - special: the code generator handles the name itself (print, str, fixed conversions, round,
 *    size/sum/minval/maxval, owner, event_query, int, float).
 */
export type Lowering =
  | { kind: "math"; js: string }
  | { kind: "runtime"; method: RuntimeMethod; site: boolean }
  | { kind: "atomic"; op: "define" | "ref" | "cas" | AtomicOp; fetch: boolean }
  | { kind: "collective"; op: ReduceOp | "broadcast" | "reduce" }
  | { kind: "special" };

export type IntrinsicGroup =
  | "images"
  | "atomics"
  | "collectives"
  | "math"
  | "arrays"
  | "random and time"
  | "program arguments"
  | "output"
  | "conversions";

export interface Intrinsic {
  name: string;
  group: IntrinsicGroup;
  /** As documented: `sqrt(x: int|float) -> float`. */
  signature: string;
  summary: string;
  /** Accepted argument counts (max may be Infinity). Checked by the checker before `check`. */
  minArgs: number;
  maxArgs: number;
  /** Checks the arguments (reporting through call.services) and gives the result type. */
  check(call: IntrinsicCall): Type;
  lowering: Lowering;
  /** Gives the same value on every image for the same arguments: allowed in collective sizes. */
  invariant: boolean;
  /** Has no effect besides its value (a pure function of its arguments). */
  pure: boolean;
}

// ---------------------------------------------------------------------------------------------
// Argument checking helpers
// ---------------------------------------------------------------------------------------------

/** What a declaratively-typed parameter accepts. `float` accepts int too (implicit widening). */
type ParamKind = "int" | "float" | "numeric" | "scalar";

const KIND_TEXT: Record<ParamKind, string> = {
  int: "'int'",
  float: "'float' (or 'int')",
  numeric: "'int' or 'float'",
  scalar: "a scalar (int, float, bool or string)",
};
const KIND_TYPE: Record<ParamKind, string> = { int: "int", float: "float", numeric: "float", scalar: "string" };

function accepts(kind: ParamKind, t: Type): boolean {
  switch (kind) {
    case "int":
      return t.tag === "int";
    case "float":
    case "numeric":
      return t.tag === "int" || t.tag === "float";
    case "scalar":
      return t.tag === "int" || t.tag === "float" || t.tag === "bool" || t.tag === "string";
  }
}

/** Checks args[i] against `kind`; true when acceptable (errors never cascade). */
function expectArg(call: IntrinsicCall, i: number, kind: ParamKind): boolean {
  const arg = call.args[i];
  if (!arg || arg.type.tag === "error") return arg !== undefined;
  if (accepts(kind, arg.type)) return true;
  const found = typeToString(arg.type);
  call.services.report(
    Check.argumentType,
    arg.expr.span,
    i + 1,
    call.name,
    KIND_TEXT[kind],
    found,
    conversionHint(KIND_TYPE[kind], found),
  );
  return false;
}

function anyError(call: IntrinsicCall): boolean {
  return call.args.some((a) => a.type.tag === "error");
}

function describe(arg: IntrinsicArg, ref: DataReference | null): string {
  if (arg.type.tag === "error") return "an erroneous expression";
  if (ref) return `'${exprText(arg.expr)}' of type '${typeToString(ref.form === "whole" ? ref.declared : arg.type)}'`;
  return `a value of type '${typeToString(arg.type)}'`;
}

/** A short rendering of a reference expression for messages: `c(i)[p]`, `s`, `x(...)`. */
function exprText(e: Expr): string {
  switch (e.kind) {
    case "Name":
      return e.name;
    case "Apply":
      return `${e.callee.name}(...)`;
    case "Coindex":
      return `${exprText(e.base)}[...]`;
    default:
      return "expression";
  }
}

function declarative(
  name: string,
  group: IntrinsicGroup,
  params: ParamKind[],
  result: Type,
  lowering: Lowering,
  summary: string,
  opts: { invariant?: boolean; pure?: boolean; optionalFrom?: number } = {},
): Intrinsic {
  const shown = params.map((k, i) => `${"abcdefgh"[i]}: ${k === "numeric" || k === "float" ? "int|float" : k}`);
  return {
    name,
    group,
    signature: `${name}(${shown.join(", ")})${result.tag === "void" ? "" : ` -> ${typeToString(result)}`}`,
    summary,
    minArgs: opts.optionalFrom ?? params.length,
    maxArgs: params.length,
    check(call) {
      let ok = true;
      call.args.forEach((_, i) => {
        ok = expectArg(call, i, params[i]!) && ok;
      });
      return ok ? result : ERROR;
    },
    lowering,
    invariant: opts.invariant ?? false,
    pure: opts.pure ?? false,
  };
}

// ---------------------------------------------------------------------------------------------
// Images, events
// ---------------------------------------------------------------------------------------------

const images: Intrinsic[] = [
  declarative("this_image", "images", [], INT, { kind: "runtime", method: "thisImage", site: false }, "This image's number, 0..num_images()-1."),
  declarative("num_images", "images", [], INT, { kind: "runtime", method: "numImages", site: false }, "The number of images.", {
    invariant: true,
    pure: true,
  }),
  {
    name: "event_query",
    group: "images",
    signature: "event_query(e: event[*]) -> int",
    summary: "This image's count of event `e` (its own event, no image selector). Not an image control statement.",
    minArgs: 1,
    maxArgs: 1,
    check(call) {
      const arg = call.args[0]!;
      if (arg.type.tag === "error") return INT;
      const ref = call.services.reference(arg.expr);
      if (!ref || ref.declared.tag !== "event" || ref.coindexed) {
        call.services.report(Check.ownEventOperand, arg.expr.span, "'event_query'", describe(arg, ref));
      }
      return INT;
    },
    lowering: { kind: "special" },
    invariant: false,
    pure: false,
  },
];

// ---------------------------------------------------------------------------------------------
// Atomics (§5.4)
// ---------------------------------------------------------------------------------------------

/** The first argument of an atomic: an int coarray element (own or remote) or an int shared element. */
function checkAtomicTarget(call: IntrinsicCall): boolean {
  const arg = call.args[0]!;
  if (arg.type.tag === "error") return false;
  const ref = call.services.reference(arg.expr);
  const d = ref?.declared;
  const ok =
    ref !== null &&
    d !== undefined &&
    ((d.tag === "coscalar" && d.elem === "int" && ref.form === "whole") ||
      (d.tag === "array" && d.elem === "int" && d.storage === "coarray" && ref.form === "element") ||
      (d.tag === "array" && d.elem === "int" && d.storage === "shared" && ref.form === "element" && !ref.coindexed));
  if (!ok) call.services.report(Check.atomicTarget, arg.expr.span, call.name, describe(arg, ref));
  return ok;
}

function atomic(name: string, op: "define" | "ref" | "cas" | AtomicOp, fetch: boolean, values: string[], summary: string): Intrinsic {
  const result = fetch || op === "ref" || op === "cas" ? INT : VOID;
  return {
    name,
    group: "atomics",
    signature: `${name}(ref: int coarray or shared element${values.map((v) => `, ${v}: int`).join("")})${result.tag === "int" ? " -> int" : ""}`,
    summary,
    minArgs: 1 + values.length,
    maxArgs: 1 + values.length,
    check(call) {
      let ok = checkAtomicTarget(call);
      for (let i = 1; i < call.args.length; i++) ok = expectArg(call, i, "int") && ok;
      return result;
    },
    lowering: { kind: "atomic", op, fetch },
    invariant: false,
    pure: false,
  };
}

const atomics: Intrinsic[] = [
  atomic("atomic_define", "define", false, ["v"], "Atomically stores `v` into `ref`."),
  atomic("atomic_ref", "ref", false, [], "Atomically reads `ref`."),
  atomic("atomic_add", "add", false, ["v"], "Atomically adds `v` to `ref`."),
  atomic("atomic_and", "and", false, ["v"], "Atomically ands `v` into `ref`."),
  atomic("atomic_or", "or", false, ["v"], "Atomically ors `v` into `ref`."),
  atomic("atomic_xor", "xor", false, ["v"], "Atomically xors `v` into `ref`."),
  atomic("atomic_fetch_add", "add", true, ["v"], "Atomically adds `v` to `ref`; gives the old value."),
  atomic("atomic_fetch_and", "and", true, ["v"], "Atomically ands `v` into `ref`; gives the old value."),
  atomic("atomic_fetch_or", "or", true, ["v"], "Atomically ors `v` into `ref`; gives the old value."),
  atomic("atomic_fetch_xor", "xor", true, ["v"], "Atomically xors `v` into `ref`; gives the old value."),
  atomic("atomic_cas", "cas", false, ["expected", "new"], "Stores `new` when `ref` equals `expected`; gives the old value."),
];

// ---------------------------------------------------------------------------------------------
// Collectives (§5.5)
// ---------------------------------------------------------------------------------------------

/** The in-place operand: an int/float scalar variable, a local array, or a coarray's own part. */
function checkCollectiveTarget(call: IntrinsicCall): "int" | "float" | null {
  const arg = call.args[0]!;
  if (arg.type.tag === "error") return null;
  const ref = call.services.reference(arg.expr);
  const d = ref?.declared;
  let elem: "int" | "float" | null = null;
  if (ref && d && ref.form === "whole" && !ref.coindexed && (ref.symbolKind === "var" || ref.symbolKind === "param")) {
    if (d.tag === "int" || d.tag === "float") elem = d.tag;
    else if (d.tag === "coscalar" && (d.elem === "int" || d.elem === "float")) elem = d.elem;
    else if (d.tag === "array" && d.storage !== "shared" && (d.elem === "int" || d.elem === "float")) elem = d.elem;
  }
  if (!elem) call.services.report(Check.collectiveTarget, arg.expr.span, call.name, describe(arg, ref));
  return elem;
}

function reduction(name: string, op: ReduceOp, summary: string): Intrinsic {
  return {
    name,
    group: "collectives",
    signature: `${name}(v: int|float variable or array [, r: int])`,
    summary,
    minArgs: 1,
    maxArgs: 2,
    check(call) {
      checkCollectiveTarget(call);
      if (call.args.length > 1) expectArg(call, 1, "int");
      return VOID;
    },
    lowering: { kind: "collective", op },
    invariant: false,
    pure: false,
  };
}

const collectives: Intrinsic[] = [
  reduction("co_sum", "sum", "Sums `v` over all images, in place (only on image `r` when given)."),
  reduction("co_min", "min", "Minimum of `v` over all images, in place (only on image `r` when given)."),
  reduction("co_max", "max", "Maximum of `v` over all images, in place (only on image `r` when given)."),
  {
    name: "co_broadcast",
    group: "collectives",
    signature: "co_broadcast(v: int|float variable or array, src: int)",
    summary: "Copies image `src`'s `v` into `v` on every image.",
    minArgs: 2,
    maxArgs: 2,
    check(call) {
      checkCollectiveTarget(call);
      expectArg(call, 1, "int");
      return VOID;
    },
    lowering: { kind: "collective", op: "broadcast" },
    invariant: false,
    pure: false,
  },
  {
    name: "co_reduce",
    group: "collectives",
    signature: "co_reduce(v: T variable or array, f: fn(a: T, b: T) -> T)",
    summary: "Reduces `v` over all images with the user function `f`, applied in image order; result in place on every image.",
    minArgs: 2,
    maxArgs: 2,
    check(call) {
      const elem = checkCollectiveTarget(call);
      const f = call.args[1]!;
      if (f.type.tag === "error") return VOID;
      const sig = call.services.functionSignature(f.expr);
      const want = elem ?? "T";
      const fits =
        sig !== null &&
        sig.params.length === 2 &&
        (elem === null || (sig.params.every((p) => p.tag === elem) && sig.result.tag === elem));
      if (!fits) {
        const found = sig
          ? `'${sig.name}' of type '${typeToString({ tag: "function", params: sig.params, result: sig.result })}'`
          : describe(f, null);
        call.services.report(Check.coReduceFunction, f.expr.span, want, found);
      }
      return VOID;
    },
    lowering: { kind: "collective", op: "reduce" },
    invariant: false,
    pure: false,
  },
];

// ---------------------------------------------------------------------------------------------
// Math (§5.6)
// ---------------------------------------------------------------------------------------------

function floatMath(name: string, arity: 1 | 2, js: string, summary: string): Intrinsic {
  return declarative(name, "math", arity === 1 ? ["numeric"] : ["numeric", "numeric"], FLOAT, { kind: "math", js }, summary, {
    invariant: true,
    pure: true,
  });
}

function minMax(name: "min" | "max"): Intrinsic {
  return {
    name,
    group: "math",
    signature: `${name}(a: int|float, b: int|float, ...) -> int|float`,
    summary: `The ${name === "min" ? "smallest" : "largest"} of 2 or more numbers: \`int\` when all are \`int\`, else \`float\`.`,
    minArgs: 2,
    maxArgs: Infinity,
    check(call) {
      let ok = true;
      call.args.forEach((_, i) => {
        ok = expectArg(call, i, "numeric") && ok;
      });
      if (!ok || anyError(call)) return ERROR;
      return call.args.every((a) => a.type.tag === "int") ? INT : FLOAT;
    },
    lowering: { kind: "math", js: name === "min" ? "Math.min" : "Math.max" },
    invariant: true,
    pure: true,
  };
}

const math: Intrinsic[] = [
  {
    name: "abs",
    group: "math",
    signature: "abs(x: int|float) -> int|float",
    summary: "Absolute value; keeps the type (`abs` of the most negative int wraps to itself).",
    minArgs: 1,
    maxArgs: 1,
    check(call) {
      if (!expectArg(call, 0, "numeric") || anyError(call)) return ERROR;
      return call.args[0]!.type.tag === "int" ? INT : FLOAT;
    },
    lowering: { kind: "math", js: "Math.abs" },
    invariant: true,
    pure: true,
  },
  minMax("min"),
  minMax("max"),
  floatMath("sqrt", 1, "Math.sqrt", "Square root."),
  floatMath("exp", 1, "Math.exp", "e to the power x."),
  floatMath("log", 1, "Math.log", "Natural logarithm."),
  floatMath("sin", 1, "Math.sin", "Sine (radians)."),
  floatMath("cos", 1, "Math.cos", "Cosine (radians)."),
  floatMath("tan", 1, "Math.tan", "Tangent (radians)."),
  floatMath("atan", 1, "Math.atan", "Arc tangent."),
  floatMath("atan2", 2, "Math.atan2", "Arc tangent of a/b using the signs of both (y, x)."),
  floatMath("floor", 1, "Math.floor", "Largest integral value not above x, as a `float`."),
  floatMath("ceil", 1, "Math.ceil", "Smallest integral value not below x, as a `float`."),
  declarative("round", "math", ["numeric"], FLOAT, { kind: "special" }, "Nearest integral value as a `float`; halves go away from zero.", {
    invariant: true,
    pure: true,
  }),
  floatMath("pow", 2, "Math.pow", "a to the power b, as a `float`."),
];

// ---------------------------------------------------------------------------------------------
// Arrays (§5.6)
// ---------------------------------------------------------------------------------------------

/** size/sum/minval/maxval take an array reference: a name, a section, or a coindexed array. */
function checkArrayArg(call: IntrinsicCall, numericOnly: boolean, allowShared: boolean): Type | null {
  const arg = call.args[0]!;
  const t = arg.type;
  if (t.tag === "error") return null;
  const ref = call.services.reference(arg.expr);
  if (t.tag !== "array" || ref === null) {
    call.services.report(
      Check.intrinsicArgument,
      arg.expr.span,
      call.name,
      `takes an array or a section, as in ${call.name}(a) or ${call.name}(a(0:n)), found ${describe(arg, ref)}`,
    );
    return null;
  }
  if (!allowShared && t.storage === "shared") {
    call.services.report(
      Check.intrinsicArgument,
      arg.expr.span,
      call.name,
      `works on local arrays and sections, and '${ref.name}' is a shared array: copy it into a local array first (a(0:n) = ${ref.name}(lo:hi))`,
    );
    return null;
  }
  if (numericOnly && t.elem !== "int" && t.elem !== "float") {
    call.services.report(Check.intrinsicArgument, arg.expr.span, call.name, `takes an int or float array, found '${typeToString(t)}'`);
    return null;
  }
  return t;
}

function arrayReduction(name: "sum" | "minval" | "maxval", summary: string): Intrinsic {
  return {
    name,
    group: "arrays",
    signature: `${name}(a: int|float array or section) -> int|float`,
    summary,
    minArgs: 1,
    maxArgs: 1,
    check(call) {
      const t = checkArrayArg(call, true, false);
      return t && t.tag === "array" ? { tag: t.elem } as Type : ERROR;
    },
    lowering: { kind: "special" },
    invariant: false,
    pure: true,
  };
}

const arrays: Intrinsic[] = [
  {
    name: "size",
    group: "arrays",
    signature: "size(a: array [, d: int]) -> int",
    summary: "Total element count of `a` (rows × cols for 2-D); `size(a, 0)` rows, `size(a, 1)` columns.",
    minArgs: 1,
    maxArgs: 2,
    check(call) {
      checkArrayArg(call, false, true);
      if (call.args.length > 1) expectArg(call, 1, "int");
      return INT;
    },
    lowering: { kind: "special" },
    invariant: false,
    pure: true,
  },
  arrayReduction("sum", "Sum of the elements (0 for an empty array)."),
  arrayReduction("minval", "Smallest element (an empty array is a runtime error)."),
  arrayReduction("maxval", "Largest element (an empty array is a runtime error)."),
  {
    name: "owner",
    group: "arrays",
    signature: "owner(x(i): shared-array element) -> int",
    summary: "The image that owns a shared-array element.",
    minArgs: 1,
    maxArgs: 1,
    check(call) {
      const arg = call.args[0]!;
      if (arg.type.tag === "error") return INT;
      const ref = call.services.reference(arg.expr);
      const d = ref?.declared;
      if (!ref || !d || d.tag !== "array" || d.storage !== "shared" || ref.form !== "element" || ref.coindexed) {
        call.services.report(
          Check.intrinsicArgument,
          arg.expr.span,
          call.name,
          `takes a shared-array element, as in owner(x(i)), found ${describe(arg, ref)}`,
        );
      }
      return INT;
    },
    lowering: { kind: "special" },
    invariant: false,
    pure: true,
  },
];

// ---------------------------------------------------------------------------------------------
// Random numbers, time, program arguments, output, conversions
// ---------------------------------------------------------------------------------------------

const misc: Intrinsic[] = [
  declarative("random", "random and time", [], FLOAT, { kind: "runtime", method: "random", site: false }, "Uniform in [0, 1) from this image's own reproducible generator."),
  declarative("seed", "random and time", ["int"], VOID, { kind: "runtime", method: "seed", site: false }, "Reseeds this image's generator."),
  declarative("wtime", "random and time", [], FLOAT, { kind: "runtime", method: "wtime", site: false }, "Wall-clock seconds."),
  declarative("argc", "program arguments", [], INT, { kind: "runtime", method: "argc", site: false }, "The number of program arguments (after `--`).", {
    invariant: true,
    pure: true,
  }),
  declarative("arg", "program arguments", ["int"], STRING, { kind: "runtime", method: "arg", site: false }, "Program argument i, or `\"\"` when missing.", {
    invariant: true,
    pure: true,
  }),
  declarative(
    "arg_int",
    "program arguments",
    ["int", "int"],
    INT,
    { kind: "runtime", method: "argInt", site: true },
    "Program argument i as an int, or the default when missing (not a number: runtime error).",
    { invariant: true, pure: true },
  ),
  declarative(
    "arg_float",
    "program arguments",
    ["int", "float"],
    FLOAT,
    { kind: "runtime", method: "argFloat", site: true },
    "Program argument i as a float, or the default when missing (not a number: runtime error).",
    { invariant: true, pure: true },
  ),
  {
    name: "print",
    group: "output",
    signature: "print(v1: scalar, v2: scalar, ...)",
    summary: "Writes one line: the values separated by one space (floats as Python's repr).",
    minArgs: 0,
    maxArgs: Infinity,
    check(call) {
      call.args.forEach((arg, i) => {
        const t = arg.type;
        if (t.tag === "error" || t.tag === "int" || t.tag === "float" || t.tag === "bool" || t.tag === "string") return;
        call.services.report(Check.printArgument, arg.expr.span, i + 1, typeToString(t));
      });
      return VOID;
    },
    lowering: { kind: "special" },
    invariant: false,
    pure: false,
  },
  declarative("str", "output", ["scalar"], STRING, { kind: "special" }, "The text `print` writes for a value.", { pure: true, invariant: true }),
  declarative("fixed", "output", ["float", "int"], STRING, { kind: "runtime", method: "fixed", site: false }, "`x` with `d` decimals (`fixed(3.14159, 2)` is `3.14`).", {
    pure: true,
    invariant: true,
  }),
  declarative("float", "conversions", ["numeric"], FLOAT, { kind: "special" }, "Converts to `float`.", { invariant: true, pure: true }),
  declarative("int", "conversions", ["numeric"], INT, { kind: "special" }, "Converts to `int`, truncating toward zero (nan, inf or out of range: runtime error).", {
    invariant: true,
    pure: true,
  }),
];

// ---------------------------------------------------------------------------------------------
// The catalogue
// ---------------------------------------------------------------------------------------------

export const INTRINSICS: readonly Intrinsic[] = [...images, ...atomics, ...collectives, ...math, ...arrays, ...misc];

const byName = new Map(INTRINSICS.map((i) => [i.name, i]));

/** The catalogue entry named `name`, or undefined. */
export function lookupIntrinsic(name: string): Intrinsic | undefined {
  return byName.get(name);
}

/** How the accepted argument count reads in a message: "1 argument", "1 or 2 arguments", "2 or more arguments". */
export function arityText(i: Intrinsic): string {
  const plural = (n: number) => (n === 1 ? "argument" : "arguments");
  if (i.maxArgs === Infinity) return `${i.minArgs} or more ${plural(2)}`;
  if (i.minArgs === i.maxArgs) return i.minArgs === 0 ? "no arguments" : `${i.minArgs} ${plural(i.minArgs)}`;
  return `${i.minArgs} or ${i.maxArgs} arguments`;
}
