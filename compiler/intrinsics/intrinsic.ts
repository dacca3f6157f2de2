// The shape of an intrinsic: what the checker gives an entry's check, the `lowering` descriptor the
// back end reads, and the argument-checking helpers the entries share. Consumes AST and type
// definitions and the ABI's operation names; gives the types and helpers of compiler/intrinsics.

import type { Expr, Span, SymbolKind } from "../ast/nodes.js";
import { ERROR, INT, typeToString, type Type } from "../ast/types.js";
import { Check, conversionHint } from "../diagnostics/catalogue-check.js";
import type { MessageDef } from "../diagnostics/diagnostic.js";
import type { AtomicOp, ReduceOp, Runtime } from "../../runtime/abi/abi.js";
import { assertNever, isDesignator } from "../ast/visit.js";

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
export type ParamKind = "int" | "float" | "numeric" | "scalar";

const KIND_TEXT: Readonly<Record<ParamKind, string>> = {
  int: "'int'",
  float: "'float' (or 'int')",
  numeric: "'int' or 'float'",
  scalar: "a scalar (int, float, bool or string)",
};
const KIND_TYPE: Readonly<Record<ParamKind, string>> = { int: "int", float: "float", numeric: "float", scalar: "string" };

function accepts(kind: ParamKind, t: Type): boolean {
  switch (kind) {
    case "int":
      return t.tag === "int";
    case "float":
    case "numeric":
      return t.tag === "int" || t.tag === "float";
    case "scalar":
      return t.tag === "int" || t.tag === "float" || t.tag === "bool" || t.tag === "string";
    default:
      return assertNever(kind);
  }
}

/** Checks args[i] against `kind`; true when acceptable (errors never cascade). */
export function expectArg(call: IntrinsicCall, i: number, kind: ParamKind): boolean {
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

export function anyError(call: IntrinsicCall): boolean {
  return call.args.some((a) => a.type.tag === "error");
}

export function describe(arg: IntrinsicArg, ref: DataReference | null): string {
  if (arg.type.tag === "error") return "an erroneous expression";
  if (ref) return `'${exprText(arg.expr)}' of type '${typeToString(ref.form === "whole" ? ref.declared : arg.type)}'`;
  return `a value of type '${typeToString(arg.type)}'`;
}

/** A short rendering of a reference expression for messages: `c(i)[p]`, `s`, `x(...)`. */
function exprText(e: Expr): string {
  if (!isDesignator(e)) return "expression";
  switch (e.kind) {
    case "Name":
      return e.name;
    case "Apply":
      return `${e.callee.name}(...)`;
    case "Coindex":
      return `${exprText(e.base)}[...]`;
    default:
      return assertNever(e);
  }
}

export function declarative(
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


/**
 * An intrinsic of one argument that names data of a given form (`fits`), lowered by the code
 * generator, giving an int; a wrong argument is reported by `complain` (once the argument itself
 * is free of errors).
 */
export function dataQuery(
  entry: Pick<Intrinsic, "name" | "group" | "signature" | "summary" | "pure">,
  fits: (ref: DataReference) => boolean,
  complain: (call: IntrinsicCall, arg: IntrinsicArg, ref: DataReference | null) => void,
): Intrinsic {
  return {
    ...entry,
    minArgs: 1,
    maxArgs: 1,
    check(call) {
      const arg = call.args[0]!;
      if (arg.type.tag === "error") return INT;
      const ref = call.services.reference(arg.expr);
      if (!ref || !fits(ref)) complain(call, arg, ref);
      return INT;
    },
    lowering: { kind: "special" },
    invariant: false,
  };
}
