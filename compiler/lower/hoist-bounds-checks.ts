// LIR pass: bounds checks hoisted out of user `for` loops by loop versioning. Consumes LIR; gives
// LIR where an innermost loop (or a two-level nest whose inner loop's bounds do not depend on the
// outer one) becomes `if (nest is empty || every qualifying access provably in range) { fast copy }
// else { original, checked copy }`. An access qualifies when each index is affine in the loop
// variables with loop-invariant other operands (affine-index.ts). The fast copy indexes with the
// exact offset, the invariant part (row base) computed once before the inner loop. The checked
// copy runs whenever the proof fails, so an error still happens at the right iteration.

import { affineForm, atomTerms, expandInvariant, sumOf, times, type Affine, type NestScope } from "./affine-index.js";
import { add, bin, bool, id, isArithmetic, isLeafStmt, isTrivial, num, sameExpr, sub, type CheckedAccess, type CountedFor, type JsExpr, type JsStmt } from "./lir.js";
import { forEachExpr, forEachStmt, mapExprs } from "./lir-walk.js";
import { assertNever } from "../ast/visit.js";

export interface HoistOptions {
  /** Top-level mutable scalars: a called user function may change them. */
  topLevelMutable: ReadonlySet<string>;
  /** A fresh `$`-prefixed name, for the row bases computed before a fast inner loop. */
  temp: (hint: string) => string;
  /** Parameters of the function being rewritten (its own locals: no alias needed). */
  params?: ReadonlySet<string>;
}

export function hoistBoundsChecks(stmts: JsStmt[], opts: HoistOptions): JsStmt[] {
  return stmts.map((s) => rewriteStmt(s, opts));
}

function rewriteStmt(s: JsStmt, opts: HoistOptions): JsStmt {
  if (isLeafStmt(s)) return s;
  switch (s.k) {
    case "countedFor": {
      if (s.user && !containsLoop(s.body)) return versionNest([s], { ...s, user: false }, opts) ?? s;
      // the inner loop versioned per outer iteration; also the fallback of a versioned nest
      const perRow: CountedFor = { ...s, body: hoistBoundsChecks(s.body, opts) };
      const inner = s.user ? soleInnerLoop(s) : undefined;
      return (inner && versionNest([s, inner], perRow, opts)) ?? perRow;
    }
    case "fn":
      return { ...s, body: hoistBoundsChecks(s.body, { ...opts, params: new Set(s.params.map((p) => p.name)) }) };
    case "for":
    case "while":
    case "block":
      return { ...s, body: hoistBoundsChecks(s.body, opts) };
    case "if":
      return { ...s, then: hoistBoundsChecks(s.then, opts), else: s.else && hoistBoundsChecks(s.else, opts) };
    case "tryFinally":
      return { ...s, body: hoistBoundsChecks(s.body, opts), fin: hoistBoundsChecks(s.fin, opts) };
    default:
      return assertNever(s);
  }
}

function containsLoop(stmts: JsStmt[]): boolean {
  let found = false;
  forEachStmt(stmts, (s) => {
    if (s.k === "countedFor" || s.k === "for" || s.k === "while") found = true;
  });
  return found;
}

/** The one user loop directly in `outer`'s body when it is innermost and nothing else there loops. */
function soleInnerLoop(outer: CountedFor): CountedFor | undefined {
  const loops = outer.body.filter((s) => s.k === "countedFor");
  const others = outer.body.filter((s) => s.k !== "countedFor");
  const inner = loops[0];
  if (loops.length !== 1 || inner?.k !== "countedFor" || !inner.user || containsLoop(inner.body) || containsLoop(others)) return undefined;
  return inner;
}

// --- what the nest makes of names -----------------------------------------------------------

function nestScope(nest: CountedFor[], opts: HoistOptions): NestScope {
  const body = nest[0]!.body;
  const loopVars = new Set(nest.map((l) => l.variable));
  const declarations = new Map<string, number>();
  const inits = new Map<string, JsExpr>();
  const assigned = new Set<string>();
  let callsUser = false;
  forEachStmt(body, (s) => {
    if (s.k === "let") {
      declarations.set(s.name, (declarations.get(s.name) ?? 0) + 1);
      if (s.init) inits.set(s.name, s.init);
    }
    if (s.k === "countedFor") declarations.set(s.variable, 2); // a loop variable of a deeper loop
    if (s.k === "assign" && s.target.k === "id") assigned.add(s.target.name);
  });
  forEachExpr(body, (e) => {
    if (e.k === "assignExpr" && e.target.k === "id") assigned.add(e.target.name);
    if (e.k === "call" && e.fn.k === "id" && !e.fn.name.startsWith("$")) callsUser = true;
  });
  return {
    isLoopVar: (name) => loopVars.has(name),
    // declared once and never assigned: its value is its initialiser wherever it is in scope
    definition: (name) => (declarations.get(name) === 1 && !assigned.has(name) ? inits.get(name) : undefined),
    isInvariantName: (name) =>
      !loopVars.has(name) && !declarations.has(name) && !assigned.has(name) && !(callsUser && opts.topLevelMutable.has(name)),
  };
}

// --- the proof -------------------------------------------------------------------------------

/** An expression plus a literal: `hi - 1` kept apart so that guard constants fold. */
interface Offset {
  e: JsExpr;
  c: number;
}

interface ProvenAccess {
  forms: Affine[];
  cols?: JsExpr;
}

/**
 * Versions `nest` (outermost first, 1 or 2 loops; the accesses are those of the innermost body).
 * `fallback` is what runs when the guard fails. Null when nothing qualifies (or, for a 2-level
 * nest, when not every access does: the per-row versioning of the fallback would do better).
 */
function versionNest(nest: CountedFor[], fallback: CountedFor, opts: HoistOptions): JsStmt | null {
  if (nest.some((l) => l.dir === "either")) return null;
  const scope = nestScope(nest, opts);
  const inner = nest[nest.length - 1]!;
  // the smallest and largest value of each loop variable over a non-empty nest (a superset for
  // steps other than ±1); inner bounds must not depend on outer variables
  const ranges = new Map<string, { min: Offset; max: Offset }>();
  const empties: JsExpr[] = [];
  for (const [depth, loop] of nest.entries()) {
    const lo = depth === 0 ? loop.lo : expandInvariant(loop.lo, scope);
    const hi = depth === 0 ? loop.hi : expandInvariant(loop.hi, scope);
    if (!lo || !hi) return null;
    ranges.set(loop.variable, loop.dir === "up" ? { min: { e: lo, c: 0 }, max: { e: hi, c: -1 } } : { min: { e: hi, c: 1 }, max: { e: lo, c: 0 } });
    const empty = compare(loop.dir === "up" ? ">=" : "<=", lo, hi);
    if (!empties.some((x) => sameExpr(x, empty))) empties.push(empty);
  }
  // a bound of an index over the nest: each loop variable replaced by the end of its range that
  // minimises (maximises) its term; an end that is a literal or an atom of the index merges with it,
  // so that `i - R` over R..hi gives `0` rather than `R - R`
  const bound = (form: Affine, which: "min" | "max"): JsExpr => {
    let constant = form.constant;
    const atoms = form.atoms.map((a) => ({ ...a }));
    const varTerms: JsExpr[] = [];
    for (const [v, coef] of form.vars) {
      const r = ranges.get(v)!;
      const end = (coef > 0) === (which === "min") ? r.min : r.max;
      constant += coef * end.c;
      const key = JSON.stringify(end.e);
      const same = atoms.find((a) => a.key === key);
      if (end.e.k === "num") constant += coef * end.e.v;
      else if (same) same.coef += coef;
      else varTerms.push(times(coef, end.e));
    }
    return sumOf([...varTerms, ...atomTerms({ ...form, atoms: atoms.filter((a) => a.coef !== 0) })], constant);
  };

  const conditions: JsExpr[] = [];
  const proven = new Map<CheckedAccess, ProvenAccess>();
  let accesses = 0;
  forEachExpr(inner.body, (e) => {
    if (e.k !== "checked" || !e.check) return;
    accesses++;
    const data = expandInvariant(e.data, scope);
    const extents = e.extents.map((x) => expandInvariant(x, scope));
    if (!data || extents.some((x) => !x)) return;
    const forms: Affine[] = [];
    const conds: JsExpr[] = [];
    for (const [d, ix] of e.indices.entries()) {
      const form = affineForm(ix, scope);
      if (!form) return;
      forms.push(form);
      conds.push(compare(">=", bound(form, "min"), num(0)), compare("<", bound(form, "max"), extents[d]!));
    }
    if (conds.some((c) => c.k === "bool" && !c.v)) return; // provably out of range: keep the check
    proven.set(e, { forms, cols: extents[1] ?? undefined });
    for (const c of conds) {
      if (c.k === "bool") continue; // provably true
      if (!conditions.some((k) => sameExpr(k, c))) conditions.push(c);
    }
  });
  if (proven.size === 0 || (nest.length > 1 && proven.size < accesses)) return null;

  // the fast copy: proven accesses index with the exact offset; row bases hoisted before the
  // inner loop. Arrays, strides and the inner bound are read through local constants bound before
  // the nest: they are usually variables of main captured by a function, and V8 reloads such
  // context slots on every access instead of hoisting the loads.
  const nestPreamble: JsStmt[] = [];
  const aliases = new Map<string, string>();
  const local = (e: JsExpr): JsExpr => {
    if (e.k !== "id" || e.name.startsWith("$") || opts.params?.has(e.name) || !scope.isInvariantName(e.name)) return e;
    let alias = aliases.get(e.name);
    if (!alias) {
      alias = opts.temp(e.name.replace(/\$/g, "_"));
      aliases.set(e.name, alias);
      nestPreamble.push({ k: "let", kind: "const", name: alias, init: e });
    }
    return id(alias);
  };
  const rowPreamble: JsStmt[] = [];
  const hoisted = new Map<string, string>();
  const hoist = (e: JsExpr, hint: string): JsExpr => {
    if (isTrivial(e)) return e;
    const key = JSON.stringify(e);
    let name = hoisted.get(key);
    if (!name) {
      name = opts.temp(hint);
      hoisted.set(key, name);
      rowPreamble.push({ k: "let", kind: "const", name, init: e });
    }
    return id(name);
  };
  const fastBody = dropUnusedDefinitions(
    mapExprs(inner.body, (e, original) => {
      const p = original.k === "checked" ? proven.get(original) : undefined;
      return p && e.k === "checked" ? { k: "index", obj: local(e.data), idx: fastIndex(p, inner.variable, hoist, local) } : e;
    }),
    scope,
  );
  const fastInner: CountedFor = { ...inner, hi: local(inner.hi), body: fastBody, user: false };
  let fast: JsStmt[];
  if (nest.length === 1) fast = [...nestPreamble, ...rowPreamble, fastInner];
  else {
    const outer = nest[0]!;
    const outerBody = outer.body.flatMap((s) => (s === inner ? [...rowPreamble, fastInner] : [s]));
    fast = [...nestPreamble, { ...outer, body: dropUnusedDefinitions(outerBody, scope), user: false }];
  }
  const fastStmt: JsStmt = fast.length === 1 ? fast[0]! : { k: "block", body: fast };
  if (conditions.length === 0) return fastStmt; // every access is in range whatever the loop does
  const inRange = conditions.reduce((a, b) => bin("&&", a, b));
  const empty = empties.filter((c) => !(c.k === "bool" && !c.v));
  if (empty.some((c) => c.k === "bool" && c.v)) return fallback; // never runs: keep it as it is
  const guard = [...empty, inRange].reduce((a, b) => bin("||", a, b));
  return { k: "if", c: guard, then: fast, else: [fallback] };
}

/**
 * The exact linear offset of a proven access in the fast copy: `rowBase + v * stride + literal`
 * with v the innermost loop variable; rowBase (everything invariant in the inner loop) is hoisted.
 */
function fastIndex(
  p: ProvenAccess,
  v: string,
  hoist: (e: JsExpr, hint: string) => JsExpr,
  local: (e: JsExpr) => JsExpr,
): JsExpr {
  const split = (form: Affine) => {
    const others = [...form.vars].filter(([name]) => name !== v).map(([name, c]) => times(c, id(name)));
    return { coef: form.vars.get(v) ?? 0, rest: [...others, ...atomTerms(form)], constant: form.constant };
  };
  let stride: JsExpr;
  let rowBase: JsExpr;
  let literal: number;
  if (p.forms.length === 1) {
    const f = split(p.forms[0]!);
    stride = num(f.coef);
    rowBase = sumOf(f.rest);
    literal = f.constant;
  } else {
    const [r, c] = p.forms.map(split) as [ReturnType<typeof split>, ReturnType<typeof split>];
    const cols = p.cols!;
    const scaled = (k: JsExpr): JsExpr => (k.k === "num" && k.v === 0 ? num(0) : k.k === "num" && k.v === 1 ? cols : bin("*", k, cols));
    stride = sumOf([scaled(num(r.coef))], c.coef);
    rowBase = sumOf([scaled(sumOf(r.rest, r.constant)), ...c.rest]);
    literal = c.constant;
  }
  const base = hoist(rowBase, "row");
  const step = stride.k === "num" ? times(stride.v, id(v)) : bin("*", id(v), isTrivial(stride) ? local(stride) : hoist(stride, "stride"));
  return sumOf([base, step], literal);
}

/** `stmts` without the declarations of pure definitions nothing in them reads any more. */
function dropUnusedDefinitions(stmts: JsStmt[], scope: NestScope): JsStmt[] {
  const droppable = (s: JsStmt, read: Set<string>) =>
    s.k === "let" && !read.has(s.name) && s.init !== undefined && scope.definition(s.name) !== undefined && isPure(s.init);
  let current = stmts;
  for (;;) {
    const read = new Set<string>();
    forEachExpr(current, (e) => {
      if (e.k === "id") read.add(e.name);
    });
    const next = current.filter((s) => !droppable(s, read));
    if (next.length === current.length) return current;
    current = next;
  }
}

/** `a op b`, folded to a boolean literal when both sides are numbers. */
function compare(op: ">=" | "<" | "<=", a: JsExpr, b: JsExpr): JsExpr {
  if (a.k === "num" && b.k === "num") return bool(op === ">=" ? a.v >= b.v : op === "<" ? a.v < b.v : a.v <= b.v);
  return bin(op, a, b);
}

/** Arithmetic on names and literals only: evaluating it can neither fail nor have an effect. */
function isPure(e: JsExpr): boolean {
  if (!isArithmetic(e)) return false;
  switch (e.k) {
    case "num":
    case "id":
      return true;
    case "bin":
      return isPure(e.l) && isPure(e.r);
    case "un":
      return isPure(e.e);
    case "call":
      return e.fn.k === "member" && e.fn.obj.k === "id" && e.fn.obj.name === "Math" && e.fn.prop === "imul" && e.args.every(isPure);
    case "member":
      return false; // a property read is not among the forms known to be safe
    default:
      return assertNever(e);
  }
}
