// The lowered form ("LIR"): a small JavaScript-level tree that the lowering passes produce from
// the typed AST and compiler/emit prints as TypeScript. Consumes nothing; gives the node types,
// their families and constructors. Every name in it is already a mangled JS name; every runtime
// call is explicit.

import type { KindsWhere } from "../ast/visit.js";

/** JS expressions. `checked` is an element access whose bounds check is still to be emitted. */
export type JsExpr =
  | { k: "num"; v: number }
  | { k: "str"; v: string }
  | { k: "bool"; v: boolean }
  | { k: "id"; name: string }
  | { k: "bin"; op: string; l: JsExpr; r: JsExpr }
  | { k: "un"; op: string; e: JsExpr }
  | { k: "call"; fn: JsExpr; args: JsExpr[] }
  | { k: "member"; obj: JsExpr; prop: string }
  | { k: "index"; obj: JsExpr; idx: JsExpr }
  | CheckedAccess
  | { k: "cond"; c: JsExpr; t: JsExpr; f: JsExpr }
  | { k: "array"; items: JsExpr[] }
  | { k: "object"; props: [string, JsExpr][] }
  | { k: "cast"; e: JsExpr; type: string }
  | { k: "new"; ctor: string; args: JsExpr[] }
  | { k: "null" }
  /** `target op= value` used as an expression (loop updates). */
  | { k: "assignExpr"; target: JsExpr; op: string; value: JsExpr };

/**
 * `data[linear]` with a bounds check on each index: indices[d] must be in 0..extents[d]-1.
 * linear = indices[0] (1-D) or indices[0] * extents[1] + indices[1] (2-D, row-major).
 * Printed as a call of the `$ck1`/`$ck2` helper unless a pass cleared `check`.
 */
export interface CheckedAccess {
  k: "checked";
  data: JsExpr;
  indices: JsExpr[];
  extents: JsExpr[];
  /** The variable's .pgas name, for the error message. */
  name: string;
  site: number;
  check: boolean;
}

/** Counted loop `for (let v = lo; v < hi (or > hi); v += step)`: lo, hi and step are evaluated once (ids or literals). */
export interface CountedFor {
  k: "countedFor";
  variable: string;
  lo: JsExpr;
  hi: JsExpr;
  step: JsExpr;
  /** "up": step > 0 known; "down": step < 0 known; "either": decided per test. */
  dir: "up" | "down" | "either";
  body: JsStmt[];
  label?: string;
  /** True for loops the user wrote (`for`): candidates for bounds-check versioning. */
  user: boolean;
}

export type JsStmt =
  | { k: "let"; kind: "let" | "const"; name: string; type?: string; init?: JsExpr; definite?: boolean }
  | { k: "expr"; e: JsExpr }
  | { k: "assign"; target: JsExpr; op: string; value: JsExpr }
  | { k: "if"; c: JsExpr; then: JsStmt[]; else?: JsStmt[] }
  | CountedFor
  | { k: "for"; label?: string; init: JsStmt | null; test: JsExpr | null; update: JsExpr | null; body: JsStmt[] }
  | { k: "while"; label?: string; c: JsExpr; body: JsStmt[] }
  | { k: "break"; label?: string }
  | { k: "continue"; label?: string }
  | { k: "return"; e?: JsExpr }
  | { k: "block"; body: JsStmt[] }
  | { k: "tryFinally"; body: JsStmt[]; fin: JsStmt[] }
  | { k: "fn"; name: string; params: { name: string; type: string }[]; ret: string; body: JsStmt[] }
  /** `// @pgas LINE:COL` before the statements lowered from one source statement. */
  | { k: "marker"; line: number; col: number }
  | { k: "comment"; text: string };

// ---------------------------------------------------------------------------------------------
// Families of kinds: tables over every kind, so a kind added above must be placed in each
// ---------------------------------------------------------------------------------------------

/** Statements with no statement inside them (a `fn` has a body, in a scope of its own). */
const LEAF_STATEMENT = {
  let: true,
  expr: true,
  assign: true,
  break: true,
  continue: true,
  return: true,
  marker: true,
  comment: true,
  if: false,
  countedFor: false,
  for: false,
  while: false,
  block: false,
  tryFinally: false,
  fn: false,
} as const satisfies Record<JsStmt["k"], boolean>;

export type LeafStmt = Extract<JsStmt, { k: KindsWhere<typeof LEAF_STATEMENT, true> }>;

export function isLeafStmt(s: JsStmt): s is LeafStmt {
  return LEAF_STATEMENT[s.k];
}

/**
 * The expressions index and bound arithmetic is made of: numbers, names, operators, calls (of
 * Math.imul) and `.length`. The passes that reason about indices treat any other kind as opaque.
 */
const ARITHMETIC = {
  num: true,
  id: true,
  bin: true,
  un: true,
  call: true,
  member: true,
  str: false,
  bool: false,
  index: false,
  checked: false,
  cond: false,
  array: false,
  object: false,
  cast: false,
  new: false,
  null: false,
  assignExpr: false,
} as const satisfies Record<JsExpr["k"], boolean>;

export type ArithmeticExpr = Extract<JsExpr, { k: KindsWhere<typeof ARITHMETIC, true> }>;

export function isArithmetic(e: JsExpr): e is ArithmeticExpr {
  return ARITHMETIC[e.k];
}

export const num = (v: number): JsExpr => ({ k: "num", v });
export const str = (v: string): JsExpr => ({ k: "str", v });
export const bool = (v: boolean): JsExpr => ({ k: "bool", v });
export const id = (name: string): JsExpr => ({ k: "id", name });
export const bin = (op: string, l: JsExpr, r: JsExpr): JsExpr => ({ k: "bin", op, l, r });
export const un = (op: string, e: JsExpr): JsExpr => ({ k: "un", op, e });
export const call = (fn: JsExpr | string, ...args: JsExpr[]): JsExpr => ({
  k: "call",
  fn: typeof fn === "string" ? id(fn) : fn,
  args,
});
export const member = (obj: JsExpr, prop: string): JsExpr => ({ k: "member", obj, prop });
export const index = (obj: JsExpr, idx: JsExpr): JsExpr => ({ k: "index", obj, idx });
export const cond = (c: JsExpr, t: JsExpr, f: JsExpr): JsExpr => ({ k: "cond", c, t, f });
export const arr = (items: JsExpr[]): JsExpr => ({ k: "array", items });
export const newExpr = (ctor: string, ...args: JsExpr[]): JsExpr => ({ k: "new", ctor, args });
export const obj = (props: [string, JsExpr][]): JsExpr => ({ k: "object", props });
export const cast = (e: JsExpr, type: string): JsExpr => ({ k: "cast", e, type });

/** `rt.method(args...)`. */
export const rtCall = (method: string, ...args: JsExpr[]): JsExpr => call(member(id("rt"), method), ...args);

export const exprStmt = (e: JsExpr): JsStmt => ({ k: "expr", e });
export const assign = (target: JsExpr, value: JsExpr, op = "="): JsStmt => ({ k: "assign", target, op, value });
export const constDecl = (name: string, init: JsExpr, type?: string): JsStmt => ({ k: "let", kind: "const", name, init, type });
export const letDecl = (name: string, init?: JsExpr, type?: string): JsStmt => ({ k: "let", kind: "let", name, init, type });

/** a + b with literal folding (plain JS numbers: offsets and extents, never wrapped ints). */
export function add(a: JsExpr, b: JsExpr): JsExpr {
  if (a.k === "num" && b.k === "num") return num(a.v + b.v);
  if (a.k === "num" && a.v === 0) return b;
  if (b.k === "num" && b.v === 0) return a;
  return bin("+", a, b);
}
export function sub(a: JsExpr, b: JsExpr): JsExpr {
  if (a.k === "num" && b.k === "num") return num(a.v - b.v);
  if (b.k === "num" && b.v === 0) return a;
  return bin("-", a, b);
}
export function mul(a: JsExpr, b: JsExpr): JsExpr {
  if (a.k === "num" && b.k === "num") return num(a.v * b.v);
  if ((a.k === "num" && a.v === 0) || (b.k === "num" && b.v === 0)) return num(0);
  if (a.k === "num" && a.v === 1) return b;
  if (b.k === "num" && b.v === 1) return a;
  return bin("*", a, b);
}

/** True for expressions that are free to evaluate twice: literals and names. */
export function isTrivial(e: JsExpr): boolean {
  return e.k === "num" || e.k === "id" || e.k === "str" || e.k === "bool";
}

/** Structural equality (used to de-duplicate guard conditions and recognise identical sections). */
export function sameExpr(a: JsExpr, b: JsExpr): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
