// LIR pass: every loop nested in another loop, and every loop of a user function, becomes a small
// function of its own, called once per iteration of its parent (or call of its function). Consumes the LIR body of `main` (after hoist-bounds-checks); gives
// it with those loops outlined, plus the declarations and factories the outlined loops need.
//
// Why (docs/codegen.md, "Loops V8 optimises well"): V8 optimises a function that is called
// repeatedly far better than a loop of a function entered once (main), which only on-stack
// replacement can optimise; and it folds an array that a closure captures from a binding that is
// never reassigned into a constant, which drops the per-element map, length and data-pointer
// loads that an array parameter costs. So an outlined loop gets the arrays (and other objects)
// it uses from an enclosing local as captured constants: a factory `$L1$make(a, b)` returns the
// loop function, cached at the loop's site for as long as the same objects come in. Scalar locals
// are parameters; the one scalar local a loop may assign is returned. Names of main's top level
// (user functions see them too) are left to the closure's scope, so semantics never change.

import { forEachExpr, forEachStmt } from "./lir-walk.js";
import { assign, bin, call, id, type JsExpr, type JsStmt } from "./lir.js";
import { assertNever } from "../ast/visit.js";

export interface OutlineOptions {
  /** A fresh `$`-prefixed name. */
  temp: (hint: string) => string;
}

type Loop = Extract<JsStmt, { k: "countedFor" | "for" | "while" }>;

/** Names of one function being rewritten: its local declarations with their TS types. */
interface Scope {
  /** Local names (params, lets, loop variables) and their TS types, undefined when unknown. */
  types: Map<string, string | undefined>;
  /**
   * Locals declared inside an enclosing loop's body whose value may be a new object each
   * iteration (anything but a copy of a stable name): never cache keys, or the loop would be
   * made anew each time.
   */
  fresh: Set<string>;
}

const SCALAR_TYPES: ReadonlySet<string> = new Set(["number", "boolean", "string"]);

export function outlineLoops(main: JsStmt[], opts: OutlineOptions): JsStmt[] {
  const emitted: JsStmt[] = [];
  const mainScope: Scope = { types: new Map(), fresh: new Set() };
  // main's own top-level names stay in main's scope (user functions share them); the names its
  // statements declare inside their blocks are locals like a function's.
  const topLevel = new Map<string, string | undefined>();
  for (const s of main) if (s.k === "let") topLevel.set(s.name, s.type ?? (s.init ? typeOf(s.init, topLevel) : undefined));
  collectLocals(main.filter((s) => s.k !== "let" && s.k !== "fn"), mainScope.types, topLevel);
  const out = main.map((s) => {
    if (s.k === "fn") {
      const scope: Scope = { types: new Map(s.params.map((p) => [p.name, p.type])), fresh: new Set() };
      for (const p of s.params) topLevel.set(p.name, p.type);
      collectLocals(s.body, scope.types, topLevel);
      // A function is called repeatedly, so its outermost loops are worth outlining too: they
      // get the arrays as captured constants.
      return { ...s, body: rewrite(s.body, scope, true, opts, emitted) };
    }
    return rewrite([s], mainScope, false, opts, emitted)[0]!;
  });
  return [...emitted, ...out];
}

/** Records every local declared in `stmts` (at any depth) with its type where it can be told. */
function collectLocals(stmts: JsStmt[], types: Map<string, string | undefined>, topLevel: Map<string, string | undefined>): void {
  const known = new Map(topLevel);
  forEachStmt(stmts, (s) => {
    if (s.k === "let") {
      const type = s.type ?? (s.init ? typeOf(s.init, known) : undefined);
      types.set(s.name, type);
      known.set(s.name, type);
    } else if (s.k === "countedFor") {
      types.set(s.variable, "number");
      known.set(s.variable, "number");
    }
  });
}

/** The TS type of a local's initialiser, where it is plain (copies, literals, arithmetic). */
function typeOf(e: JsExpr, types: Map<string, string | undefined>): string | undefined {
  switch (e.k) {
    case "num":
      return "number";
    case "bool":
      return "boolean";
    case "str":
      return "string";
    case "id":
      return types.get(e.name);
    case "cast":
      return e.type;
    case "new":
      return e.ctor;
    case "member":
      return e.prop === "length" ? "number" : undefined;
    case "bin":
      if (["===", "!==", "<", "<=", ">", ">=", "&&", "||", "==", "!="].includes(e.op)) return "boolean";
      return typeOf(e.l, types) === "string" || typeOf(e.r, types) === "string" ? undefined : "number";
    case "un":
      return e.op === "!" ? "boolean" : "number";
    case "cond": {
      // `c ? (0 as never) : e` (a placeholder, lower-checkpoints.ts) has e's type
      const t = typeOf(e.t, types);
      const f = typeOf(e.f, types);
      if (t === "never") return f;
      if (f === "never") return t;
      return t === f ? t : undefined;
    }
    case "call":
    case "index":
    case "checked":
    case "array":
    case "object":
    case "null":
    case "assignExpr":
      return undefined;
    default:
      return assertNever(e);
  }
}

function rewrite(stmts: JsStmt[], scope: Scope, insideLoop: boolean, opts: OutlineOptions, emitted: JsStmt[]): JsStmt[] {
  return stmts.flatMap((s) => rewriteStmt(s, scope, insideLoop, opts, emitted));
}

function rewriteStmt(s: JsStmt, scope: Scope, insideLoop: boolean, opts: OutlineOptions, emitted: JsStmt[]): JsStmt[] {
  switch (s.k) {
    case "countedFor":
    case "for":
    case "while": {
      if (insideLoop) {
        const outlined = outline(s, scope, opts, emitted);
        if (outlined) return outlined;
      }
      return [withBody(s, rewriteLoopBody(s, scope, opts, emitted))];
    }
    case "if":
      return [{ ...s, then: rewrite(s.then, scope, insideLoop, opts, emitted), else: s.else && rewrite(s.else, scope, insideLoop, opts, emitted) }];
    case "block":
      return [{ ...s, body: rewrite(s.body, scope, insideLoop, opts, emitted) }];
    case "tryFinally":
      return [{ ...s, body: rewrite(s.body, scope, insideLoop, opts, emitted), fin: rewrite(s.fin, scope, insideLoop, opts, emitted) }];
    case "fn":
    case "let":
    case "expr":
    case "assign":
    case "break":
    case "continue":
    case "return":
    case "marker":
    case "comment":
      return [s];
    default:
      return assertNever(s);
  }
}

/** A loop's body rewritten with its loops outlined. */
function rewriteLoopBody(loop: Loop, scope: Scope, opts: OutlineOptions, emitted: JsStmt[]): JsStmt[] {
  const fresh = new Set(scope.fresh);
  forEachStmt(loop.body, (s) => {
    if (s.k === "let" && !(s.init && isAlias(s.init, fresh))) fresh.add(s.name);
  });
  return rewrite(loop.body, { ...scope, fresh }, true, opts, emitted);
}

/** A copy of a name's value (`a`, `a.local`, `a as T`) that is not itself new each iteration. */
function isAlias(e: JsExpr, fresh: Set<string>): boolean {
  if (e.k === "id") return !fresh.has(e.name);
  if (e.k === "member" || e.k === "cast") return isAlias(e.k === "member" ? e.obj : e.e, fresh);
  return false;
}

function withBody(loop: Loop, body: JsStmt[]): Loop {
  return { ...loop, body };
}

/** What a loop uses of its surroundings. */
interface Uses {
  read: Set<string>;
  assigned: Set<string>;
  declared: Set<string>;
  /** A `return`, or a break/continue to a label outside the loop: it cannot leave a function. */
  escapes: boolean;
}

function usesOf(loop: Loop): Uses {
  const uses: Uses = { read: new Set(), assigned: new Set(), declared: new Set(), escapes: false };
  const labels = new Set<string>();
  const jumps: string[] = [];
  forEachStmt([loop], (s) => {
    switch (s.k) {
      case "let":
        uses.declared.add(s.name);
        break;
      case "countedFor":
        uses.declared.add(s.variable);
        if (s.label) labels.add(s.label);
        break;
      case "for":
      case "while":
        if (s.label) labels.add(s.label);
        break;
      case "assign":
        if (s.target.k === "id") uses.assigned.add(s.target.name);
        break;
      case "return":
      case "fn":
        uses.escapes = true;
        break;
      case "break":
      case "continue":
        if (s.label) jumps.push(s.label);
        break;
      case "expr":
      case "if":
      case "block":
      case "tryFinally":
      case "marker":
      case "comment":
        break;
      default:
        return assertNever(s);
    }
  });
  forEachExpr([loop], (e) => {
    if (e.k === "id") uses.read.add(e.name);
    else if (e.k === "assignExpr" && e.target.k === "id") uses.assigned.add(e.target.name);
  });
  if (jumps.some((label) => !labels.has(label))) uses.escapes = true;
  return uses;
}

/**
 * `loop` as a call of an outlined function, or undefined when it must stay inline (it leaves
 * the function, assigns an object local or more than one scalar local, uses a local of unknown
 * type, or captures an object that is new each iteration of an enclosing loop).
 */
function outline(loop: Loop, scope: Scope, opts: OutlineOptions, emitted: JsStmt[]): JsStmt[] | undefined {
  const uses = usesOf(loop);
  if (uses.escapes) return undefined;
  const keys: { name: string; type: string }[] = [];
  const params: { name: string; type: string }[] = [];
  for (const name of [...uses.read, ...uses.assigned]) {
    if (uses.declared.has(name) || !scope.types.has(name)) continue; // its own, or main's top level
    if (keys.some((k) => k.name === name) || params.some((p) => p.name === name)) continue;
    const type = scope.types.get(name);
    if (type === undefined) return undefined;
    if (SCALAR_TYPES.has(type)) {
      params.push({ name, type });
    } else {
      if (uses.assigned.has(name) || scope.fresh.has(name)) return undefined;
      keys.push({ name, type });
    }
  }
  const results = params.filter((p) => uses.assigned.has(p.name));
  if (results.length > 1) return undefined;
  const result = results[0];

  // The loop's own body: its loops are inside a loop, so they are outlined in turn.
  const innerScope: Scope = { types: scope.types, fresh: new Set() };
  const body: JsStmt[] = [withBody(loop, rewriteLoopBody(loop, innerScope, opts, emitted))];
  if (result) body.push({ k: "return", e: id(result.name) });
  const ret = result?.type ?? "void";
  const fnType = `(${params.map((p) => `${p.name}: ${p.type}`).join(", ")}) => ${ret}`;
  const name = opts.temp("L");
  const callLoop = (fn: string): JsStmt[] => {
    const invoke = call(fn, ...params.map((p) => id(p.name)));
    return [result ? assign(id(result.name), invoke) : { k: "expr", e: invoke }];
  };
  const loopFn: JsStmt = { k: "fn", name, params, ret, body };
  if (keys.length === 0) {
    // Nothing to capture: one function in main, made once.
    emitted.push(loopFn);
    return callLoop(name);
  }
  const make = `${name}$make`;
  const cached = keys.map((k, i) => ({ ...k, slot: `${name}$k${i}` }));
  emitted.push(
    { k: "let", kind: "let", name, type: fnType, definite: true },
    ...cached.map((k): JsStmt => ({ k: "let", kind: "let", name: k.slot, type: k.type, definite: true })),
    { k: "fn", name: make, params: keys, ret: fnType, body: [loopFn, { k: "return", e: id(name) }] },
  );
  const changed = cached.map((k) => bin("!==", id(k.slot), id(k.name))).reduce((a, b) => bin("||", a, b));
  const remake: JsStmt = {
    k: "if",
    c: changed,
    then: [...cached.map((k) => assign(id(k.slot), id(k.name))), assign(id(name), call(make, ...keys.map((k) => id(k.name))))],
  };
  return [remake, ...callLoop(name)];
}
