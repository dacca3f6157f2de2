// Affine forms of int index expressions, for bounds-check versioning. Consumes a LIR index
// expression and what the enclosing loop nest makes of each name; gives the index as
// Σ coef·loopVar + Σ coef·atom + constant with small integer coefficients, or null.
//
// Why exact values may replace the wrapped ones: `| 0`, `+`, `-` and `Math.imul` are ring
// operations modulo 2^32, so an int expression built from them is congruent (mod 2^32) to the same
// expression computed exactly. Atoms are int32 values (or extents below 2^31) and coefficients are
// small, so the exact value is a double without rounding; when a guard proves it lies in
// 0..extent-1 (< 2^31), the wrapped value the program computes is that same number.

import { bin, isArithmetic, num, type JsExpr } from "./lir.js";
import { assertNever } from "../ast/visit.js";

export interface Affine {
  /** Coefficient of each loop variable of the nest. */
  vars: Map<string, number>;
  /** Loop-invariant int32 sub-expressions (printable before the nest), with their coefficients. */
  atoms: { e: JsExpr; key: string; coef: number }[];
  constant: number;
}

/** What the loop nest makes of names; built by the versioning pass. */
export interface NestScope {
  isLoopVar(name: string): boolean;
  /** The initialiser of a body-local name that is declared once and never assigned, if any. */
  definition(name: string): JsExpr | undefined;
  /** A name the nest neither declares nor assigns (nor may a called function change it). */
  isInvariantName(name: string): boolean;
}

/** Coefficients beyond this are not worth the risk of losing exactness. */
const MAX_COEF = 1 << 16;

const constantForm = (c: number): Affine => ({ vars: new Map(), atoms: [], constant: c });

function combine(a: Affine, b: Affine, sign: 1 | -1): Affine {
  const vars = new Map(a.vars);
  for (const [v, c] of b.vars) vars.set(v, (vars.get(v) ?? 0) + sign * c);
  const atoms = a.atoms.map((x) => ({ ...x }));
  for (const x of b.atoms) {
    const same = atoms.find((y) => y.key === x.key);
    if (same) same.coef += sign * x.coef;
    else atoms.push({ ...x, coef: sign * x.coef });
  }
  return { vars, atoms, constant: a.constant + sign * b.constant };
}

function scale(a: Affine, k: number): Affine {
  const vars = new Map([...a.vars].map(([v, c]) => [v, c * k] as [string, number]));
  return { vars, atoms: a.atoms.map((x) => ({ ...x, coef: x.coef * k })), constant: a.constant * k };
}

const isMathImul = (e: JsExpr): e is Extract<JsExpr, { k: "call" }> =>
  e.k === "call" && e.fn.k === "member" && e.fn.obj.k === "id" && e.fn.obj.name === "Math" && e.fn.prop === "imul";

const PURE_BINARY: ReadonlySet<string> = new Set(["+", "-", "*", "/", "%", "|", "&", "^", "<<", ">>", ">>>"]);
/** Operators whose result is always an int32 (so the value may serve as an atom). */
const INT32_BINARY: ReadonlySet<string> = new Set(["|", "&", "^", "<<", ">>"]);

/**
 * `e` with every body-local definition replaced by its initialiser, if the result is pure and
 * loop-invariant (so it may be evaluated once before the nest); otherwise null.
 */
export function expandInvariant(e: JsExpr, scope: NestScope, depth = 0): JsExpr | null {
  if (depth > 32 || !isArithmetic(e)) return null;
  switch (e.k) {
    case "num":
      return e;
    case "id": {
      if (scope.isLoopVar(e.name)) return null;
      const init = scope.definition(e.name);
      if (init) return expandInvariant(init, scope, depth + 1);
      return scope.isInvariantName(e.name) ? e : null;
    }
    case "member": {
      if (e.prop !== "length") return null;
      const obj = expandInvariant(e.obj, scope, depth + 1);
      return obj && { ...e, obj };
    }
    case "bin": {
      if (!PURE_BINARY.has(e.op)) return null;
      const l = expandInvariant(e.l, scope, depth + 1);
      const r = l && expandInvariant(e.r, scope, depth + 1);
      return r && { ...e, l: l!, r };
    }
    case "un": {
      if (e.op !== "-" && e.op !== "~") return null;
      const x = expandInvariant(e.e, scope, depth + 1);
      return x && { ...e, e: x };
    }
    case "call": {
      if (!isMathImul(e)) return null;
      const args = e.args.map((a) => expandInvariant(a, scope, depth + 1));
      return args.every((a) => a !== null) ? { ...e, args: args as JsExpr[] } : null;
    }
    default:
      return assertNever(e);
  }
}

/** An invariant sub-expression whose value is an int32 (or an extent): usable as an atom. */
function asAtom(e: JsExpr, scope: NestScope): Affine | null {
  const int32Valued =
    e.k === "id" || (e.k === "member" && e.prop === "length") || (e.k === "bin" && INT32_BINARY.has(e.op)) ||
    (e.k === "un" && e.op === "~") || isMathImul(e);
  if (!int32Valued) return null;
  const expanded = expandInvariant(e, scope);
  if (!expanded) return null;
  if (expanded.k === "num") return constantForm(expanded.v);
  return { vars: new Map(), atoms: [{ e: expanded, key: JSON.stringify(expanded), coef: 1 }], constant: 0 };
}

/** The affine form of an int index expression over the nest's loop variables, or null. */
export function affineForm(e: JsExpr, scope: NestScope): Affine | null {
  const form = affineOf(e, scope, 0);
  if (!form) return null;
  const total = [...form.vars.values(), ...form.atoms.map((a) => a.coef)].reduce((s, c) => s + Math.abs(c), 0);
  if (total > MAX_COEF || Math.abs(form.constant) > 2 ** 40) return null;
  return { ...form, atoms: form.atoms.filter((a) => a.coef !== 0) };
}

function affineOf(e: JsExpr, scope: NestScope, depth: number): Affine | null {
  if (depth > 32 || !isArithmetic(e)) return null;
  const sub = (x: JsExpr) => affineOf(x, scope, depth + 1);
  switch (e.k) {
    case "num":
      return Number.isInteger(e.v) ? constantForm(e.v) : null;
    case "id": {
      if (scope.isLoopVar(e.name)) return { vars: new Map([[e.name, 1]]), atoms: [], constant: 0 };
      const init = scope.definition(e.name);
      if (init) return sub(init);
      return asAtom(e, scope);
    }
    case "bin": {
      // `x | 0` wraps: congruent to x (see the top of the file)
      if (e.op === "|" && e.r.k === "num" && e.r.v === 0) return sub(e.l) ?? asAtom(e, scope);
      if (e.op === "+" || e.op === "-") {
        const l = sub(e.l);
        const r = l && sub(e.r);
        return r && combine(l!, r, e.op === "+" ? 1 : -1);
      }
      if (e.op === "*") return scaledProduct(e.l, e.r, sub);
      return asAtom(e, scope);
    }
    case "un":
      if (e.op === "-") {
        const x = sub(e.e);
        return x && scale(x, -1);
      }
      return asAtom(e, scope);
    case "call":
      if (isMathImul(e) && e.args.length === 2) return scaledProduct(e.args[0]!, e.args[1]!, sub) ?? asAtom(e, scope);
      return null;
    case "member":
      return asAtom(e, scope);
    default:
      return assertNever(e);
  }
}

/** `k * x` or `x * k` with k an integer literal; a product of two non-literals is not affine. */
function scaledProduct(l: JsExpr, r: JsExpr, sub: (x: JsExpr) => Affine | null): Affine | null {
  const k = l.k === "num" ? l.v : r.k === "num" ? r.v : undefined;
  if (k === undefined || !Number.isInteger(k) || Math.abs(k) > MAX_COEF) return null;
  const x = sub(l.k === "num" ? r : l);
  return x && scale(x, k);
}

// --- printing affine forms ------------------------------------------------------------------

/** `k * x`, folded for literals and k = ±1 (plain JS arithmetic: the values are exact). */
export function times(k: number, x: JsExpr): JsExpr {
  if (k === 0) return num(0);
  if (x.k === "num") return num(k * x.v);
  if (k === 1) return x;
  if (k === -1) return { k: "un", op: "-", e: x };
  return bin("*", num(k), x);
}

/** The sum of `terms` and `constant`, folding literals, printing `a - b` for negative terms. */
export function sumOf(terms: JsExpr[], constant = 0): JsExpr {
  let c = constant;
  let out: JsExpr | null = null;
  for (const t of terms) {
    if (t.k === "num") {
      c += t.v;
      continue;
    }
    if (out === null) out = t;
    else if (t.k === "un" && t.op === "-") out = bin("-", out, t.e);
    else if (t.k === "bin" && t.op === "*" && t.l.k === "num" && t.l.v < 0) out = bin("-", out, times(-t.l.v, t.r));
    else out = bin("+", out, t);
  }
  if (out === null) return num(c);
  if (c > 0) return bin("+", out, num(c));
  if (c < 0) return bin("-", out, num(-c));
  return out;
}

/** The invariant part of a form (atoms and constant) as an expression, the constant apart. */
export function atomTerms(form: Affine): JsExpr[] {
  return form.atoms.map((a) => times(a.coef, a.e));
}
