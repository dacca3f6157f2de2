// LIR pass: bounds checks hoisted out of innermost user `for` loops by loop versioning. Consumes
// LIR; gives LIR where such a loop becomes `if (loop is empty || every access provably in range)
// { copy without those checks } else { original, checked copy }`. An access qualifies when each
// index is `i`, `i ± c` or `c` (c loop-invariant) on an array the loop does not redeclare. The
// checked copy runs whenever the proof fails, so an error still happens at the right iteration.

import { add, bin, bool, num, sameExpr, sub, type CheckedAccess, type CountedFor, type JsExpr, type JsStmt } from "./lir.js";

export interface HoistOptions {
  /** Top-level mutable scalars: a called user function may change them. */
  topLevelMutable: ReadonlySet<string>;
}

export function hoistBoundsChecks(stmts: JsStmt[], opts: HoistOptions): JsStmt[] {
  return stmts.map((s) => rewriteStmt(s, opts));
}

function rewriteStmt(s: JsStmt, opts: HoistOptions): JsStmt {
  switch (s.k) {
    case "countedFor":
      if (s.user && !containsLoop(s.body)) return versionLoop(s, opts) ?? s;
      return { ...s, body: hoistBoundsChecks(s.body, opts) };
    case "for":
    case "while":
    case "block":
    case "fn":
      return { ...s, body: hoistBoundsChecks(s.body, opts) };
    case "if":
      return { ...s, then: hoistBoundsChecks(s.then, opts), else: s.else && hoistBoundsChecks(s.else, opts) };
    case "tryFinally":
      return { ...s, body: hoistBoundsChecks(s.body, opts), fin: hoistBoundsChecks(s.fin, opts) };
    default:
      return s;
  }
}

function containsLoop(stmts: JsStmt[]): boolean {
  return stmts.some((s) => {
    switch (s.k) {
      case "countedFor":
      case "for":
      case "while":
        return true;
      case "if":
        return containsLoop(s.then) || (s.else !== undefined && containsLoop(s.else));
      case "block":
      case "fn":
        return containsLoop(s.body);
      case "tryFinally":
        return containsLoop(s.body) || containsLoop(s.fin);
      default:
        return false;
    }
  });
}

// --- walking the loop body ------------------------------------------------------------------

function forEachExpr(stmts: JsStmt[], f: (e: JsExpr) => void): void {
  const visit = (e: JsExpr | null | undefined): void => {
    if (!e) return;
    f(e);
    switch (e.k) {
      case "bin":
        visit(e.l);
        visit(e.r);
        break;
      case "un":
      case "cast":
        visit(e.e);
        break;
      case "call":
        visit(e.fn);
        e.args.forEach(visit);
        break;
      case "new":
        e.args.forEach(visit);
        break;
      case "member":
        visit(e.obj);
        break;
      case "index":
        visit(e.obj);
        visit(e.idx);
        break;
      case "checked":
        visit(e.data);
        e.indices.forEach(visit);
        e.extents.forEach(visit);
        break;
      case "cond":
        visit(e.c);
        visit(e.t);
        visit(e.f);
        break;
      case "array":
        e.items.forEach(visit);
        break;
      case "object":
        e.props.forEach(([, v]) => visit(v));
        break;
      case "assignExpr":
        visit(e.target);
        visit(e.value);
        break;
      default:
        break;
    }
  };
  const walk = (s: JsStmt): void => {
    switch (s.k) {
      case "let":
        visit(s.init);
        break;
      case "expr":
        visit(s.e);
        break;
      case "assign":
        visit(s.target);
        visit(s.value);
        break;
      case "if":
        visit(s.c);
        s.then.forEach(walk);
        s.else?.forEach(walk);
        break;
      case "return":
        visit(s.e);
        break;
      case "block":
        s.body.forEach(walk);
        break;
      case "tryFinally":
        s.body.forEach(walk);
        s.fin.forEach(walk);
        break;
      default:
        break;
    }
  };
  stmts.forEach(walk);
}

/** Names the body declares or assigns (not invariant), and whether it calls user functions. */
function bodyEffects(stmts: JsStmt[]): { written: Set<string>; callsUser: boolean } {
  const written = new Set<string>();
  let callsUser = false;
  const walk = (s: JsStmt): void => {
    if (s.k === "let") written.add(s.name);
    if (s.k === "assign" && s.target.k === "id") written.add(s.target.name);
    if (s.k === "if") {
      s.then.forEach(walk);
      s.else?.forEach(walk);
    }
    if (s.k === "block") s.body.forEach(walk);
    if (s.k === "tryFinally") {
      s.body.forEach(walk);
      s.fin.forEach(walk);
    }
  };
  stmts.forEach(walk);
  forEachExpr(stmts, (e) => {
    if (e.k === "assignExpr" && e.target.k === "id") written.add(e.target.name);
    if (e.k === "call" && e.fn.k === "id" && !e.fn.name.startsWith("$")) callsUser = true;
  });
  return { written, callsUser };
}

// --- the proof -------------------------------------------------------------------------------

function versionLoop(loop: CountedFor, opts: HoistOptions): JsStmt | null {
  if (loop.dir === "either") return null;
  const { written, callsUser } = bodyEffects(loop.body);
  const v = loop.variable;
  const invariant = (e: JsExpr): boolean => {
    switch (e.k) {
      case "num":
        return true;
      case "id":
        return e.name !== v && !written.has(e.name) && !(callsUser && opts.topLevelMutable.has(e.name));
      case "member":
        return e.prop === "length" && invariant(e.obj);
      case "bin":
        return ["+", "-", "*", "|"].includes(e.op) && invariant(e.l) && invariant(e.r);
      case "un":
        return e.op === "-" && invariant(e.e);
      case "call":
        return e.fn.k === "member" && e.fn.obj.k === "id" && e.fn.obj.name === "Math" && e.fn.prop === "imul" && e.args.every(invariant);
      default:
        return false;
    }
  };
  // `i`, `(i + c) | 0`, `(c + i) | 0`, `(i - c) | 0` → the offset added to i
  const affine = (e: JsExpr): JsExpr | null => {
    if (e.k === "id" && e.name === v) return num(0);
    const inner = e.k === "bin" && e.op === "|" && e.r.k === "num" && e.r.v === 0 ? e.l : e;
    if (inner.k !== "bin") return null;
    const isV = (x: JsExpr) => x.k === "id" && x.name === v;
    if (inner.op === "+" && isV(inner.l) && invariant(inner.r)) return inner.r;
    if (inner.op === "+" && isV(inner.r) && invariant(inner.l)) return inner.l;
    if (inner.op === "-" && isV(inner.l) && invariant(inner.r)) return bin("-", num(0), inner.r);
    return null;
  };
  // the smallest and largest values of i over a non-empty loop (a superset for steps other than ±1)
  const [iMin, iMax] = loop.dir === "up" ? [loop.lo, sub(loop.hi, num(1))] : [add(loop.hi, num(1)), loop.lo];
  const conditions: JsExpr[] = [];
  const proven = new Set<CheckedAccess>();
  forEachExpr(loop.body, (e) => {
    if (e.k !== "checked" || !e.check) return;
    if (!invariant(e.data) || !e.extents.every(invariant)) return;
    const conds: JsExpr[] = [];
    for (let d = 0; d < e.indices.length; d++) {
      const ix = e.indices[d]!;
      const ext = e.extents[d]!;
      const off = affine(ix);
      if (off) {
        conds.push(compare(">=", add(iMin, off), num(0)), compare("<", add(iMax, off), ext));
      } else if (invariant(ix)) {
        conds.push(compare(">=", ix, num(0)), compare("<", ix, ext));
      } else return;
    }
    if (conds.some((c) => c.k === "bool" && !c.v)) return; // provably out of range: keep the check
    proven.add(e);
    for (const c of conds) {
      if (c.k === "bool") continue; // provably true
      if (!conditions.some((k) => sameExpr(k, c))) conditions.push(c);
    }
  });
  if (proven.size === 0) return null;
  const empty = compare(loop.dir === "up" ? ">=" : "<=", loop.lo, loop.hi);
  const fast: CountedFor = { ...loop, body: uncheck(loop.body, proven), user: false };
  if (conditions.length === 0) return fast; // every access is in range whatever the loop does
  const inRange = conditions.reduce((a, b) => bin("&&", a, b));
  const guard = empty.k === "bool" ? (empty.v ? empty : inRange) : bin("||", empty, inRange);
  return { k: "if", c: guard, then: [fast], else: [{ ...loop, user: false }] };
}

/** `a op b`, folded to a boolean literal when both sides are numbers. */
function compare(op: ">=" | "<" | "<=", a: JsExpr, b: JsExpr): JsExpr {
  if (a.k === "num" && b.k === "num") return bool(op === ">=" ? a.v >= b.v : op === "<" ? a.v < b.v : a.v <= b.v);
  return bin(op, a, b);
}

/** A copy of `stmts` where the proven accesses are unchecked (other nodes are shared). */
function uncheck(stmts: JsStmt[], proven: Set<CheckedAccess>): JsStmt[] {
  const ex = (e: JsExpr): JsExpr => {
    switch (e.k) {
      case "checked": {
        const indices = e.indices.map(ex);
        return proven.has(e) ? { ...e, indices, check: false } : { ...e, indices };
      }
      case "bin":
        return { ...e, l: ex(e.l), r: ex(e.r) };
      case "un":
      case "cast":
        return { ...e, e: ex(e.e) };
      case "call":
        return { ...e, fn: ex(e.fn), args: e.args.map(ex) };
      case "new":
        return { ...e, args: e.args.map(ex) };
      case "member":
        return { ...e, obj: ex(e.obj) };
      case "index":
        return { ...e, obj: ex(e.obj), idx: ex(e.idx) };
      case "cond":
        return { ...e, c: ex(e.c), t: ex(e.t), f: ex(e.f) };
      case "array":
        return { ...e, items: e.items.map(ex) };
      case "object":
        return { ...e, props: e.props.map(([k, v]) => [k, ex(v)] as [string, JsExpr]) };
      case "assignExpr":
        return { ...e, target: ex(e.target), value: ex(e.value) };
      default:
        return e;
    }
  };
  const st = (s: JsStmt): JsStmt => {
    switch (s.k) {
      case "let":
        return s.init ? { ...s, init: ex(s.init) } : s;
      case "expr":
        return { ...s, e: ex(s.e) };
      case "assign":
        return { ...s, target: ex(s.target), value: ex(s.value) };
      case "if":
        return { ...s, c: ex(s.c), then: s.then.map(st), else: s.else?.map(st) };
      case "return":
        return s.e ? { ...s, e: ex(s.e) } : s;
      case "block":
        return { ...s, body: s.body.map(st) };
      case "tryFinally":
        return { ...s, body: s.body.map(st), fin: s.fin.map(st) };
      default:
        return s;
    }
  };
  return stmts.map(st);
}
