// The intrinsics local to one image (LANGUAGE.md §5.6): math, array reductions, random numbers and
// time, program arguments, output and conversions. Consumes the helpers of intrinsic.ts; gives
// their catalogue entries.

import { FLOAT, INT, STRING, VOID, ERROR, typeToString, type Type } from "../ast/types.js";
import { Check } from "../diagnostics/catalogue-check.js";
import { anyError, dataQuery, declarative, describe, expectArg, type Intrinsic, type IntrinsicCall } from "./intrinsic.js";

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

export const math: readonly Intrinsic[] = [
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

export const arrays: readonly Intrinsic[] = [
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
  dataQuery(
    {
      name: "owner",
      group: "arrays",
      signature: "owner(x(i): shared-array element) -> int",
      summary: "The image that owns a shared-array element.",
      pure: true,
    },
    (ref) => ref.declared.tag === "array" && ref.declared.storage === "shared" && ref.form === "element" && !ref.coindexed,
    (call, arg, ref) =>
      call.services.report(
        Check.intrinsicArgument,
        arg.expr.span,
        call.name,
        `takes a shared-array element, as in owner(x(i)), found ${describe(arg, ref)}`,
      ),
  ),
];

// ---------------------------------------------------------------------------------------------
// Random numbers, time, program arguments, output, conversions
// ---------------------------------------------------------------------------------------------

export const misc: readonly Intrinsic[] = [
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

