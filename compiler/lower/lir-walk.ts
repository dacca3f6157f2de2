// Generic traversals of LIR statement lists, for the passes that rewrite LIR after lowering.
// Consumes LIR statements; gives a visitor over every expression (nested loops included, nested
// function declarations excluded) and a bottom-up expression rewriter that copies what it changes.

import type { JsExpr, JsStmt } from "./lir.js";
import { assertNever } from "../ast/visit.js";

/** The direct sub-expressions of `e`. */
function childrenOf(e: JsExpr): JsExpr[] {
  switch (e.k) {
    case "bin":
      return [e.l, e.r];
    case "un":
    case "cast":
      return [e.e];
    case "call":
      return [e.fn, ...e.args];
    case "new":
      return e.args;
    case "member":
      return [e.obj];
    case "index":
      return [e.obj, e.idx];
    case "checked":
      return [e.data, ...e.indices, ...e.extents];
    case "cond":
      return [e.c, e.t, e.f];
    case "array":
      return e.items;
    case "object":
      return e.props.map(([, v]) => v);
    case "assignExpr":
      return [e.target, e.value];
    case "num":
    case "str":
    case "bool":
    case "id":
    case "null":
      return [];
    default:
      return assertNever(e);
  }
}

/** A statement's own expressions, and the statement lists inside it. */
interface Parts {
  exprs: readonly (JsExpr | null | undefined)[];
  lists: readonly JsStmt[][];
}

const NO_PARTS: Parts = { exprs: [], lists: [] };

/** The parts of `s`, in source order. A nested `fn` is a scope of its own: its body is not a part. */
function partsOf(s: JsStmt): Parts {
  switch (s.k) {
    case "let":
      return { exprs: [s.init], lists: [] };
    case "expr":
      return { exprs: [s.e], lists: [] };
    case "assign":
      return { exprs: [s.target, s.value], lists: [] };
    case "return":
      return { exprs: [s.e], lists: [] };
    case "if":
      return { exprs: [s.c], lists: s.else ? [s.then, s.else] : [s.then] };
    case "while":
      return { exprs: [s.c], lists: [s.body] };
    case "countedFor":
      return { exprs: [s.lo, s.hi, s.step], lists: [s.body] };
    case "for":
      return { exprs: [s.test, s.update], lists: s.init ? [[s.init], s.body] : [s.body] };
    case "block":
      return { exprs: [], lists: [s.body] };
    case "tryFinally":
      return { exprs: [], lists: [s.body, s.fin] };
    case "break":
    case "continue":
    case "fn":
    case "marker":
    case "comment":
      return NO_PARTS;
    default:
      return assertNever(s);
  }
}

/** Calls `f` on every expression of `stmts`, outer before inner; does not enter nested `fn`s. */
export function forEachExpr(stmts: JsStmt[], f: (e: JsExpr) => void): void {
  const visit = (e: JsExpr | null | undefined): void => {
    if (!e) return;
    f(e);
    childrenOf(e).forEach(visit);
  };
  forEachStmt(stmts, (s) => partsOf(s).exprs.forEach(visit));
}

/** Calls `f` on every statement of `stmts` and of the blocks inside them, except nested `fn`s. */
export function forEachStmt(stmts: JsStmt[], f: (s: JsStmt) => void): void {
  for (const s of stmts) {
    f(s);
    for (const list of partsOf(s).lists) forEachStmt(list, f);
  }
}

/**
 * A copy of `stmts` where every expression is rewritten bottom-up by `f`, which receives a node
 * whose children are already rewritten and the original node. Nested `fn`s are left alone.
 */
export function mapExprs(stmts: JsStmt[], rewrite: (e: JsExpr, original: JsExpr) => JsExpr): JsStmt[] {
  const ex = (e: JsExpr): JsExpr => {
    const f = (copy: JsExpr) => rewrite(copy, e);
    switch (e.k) {
      case "bin":
        return f({ ...e, l: ex(e.l), r: ex(e.r) });
      case "un":
      case "cast":
        return f({ ...e, e: ex(e.e) });
      case "call":
        return f({ ...e, fn: ex(e.fn), args: e.args.map(ex) });
      case "new":
        return f({ ...e, args: e.args.map(ex) });
      case "member":
        return f({ ...e, obj: ex(e.obj) });
      case "index":
        return f({ ...e, obj: ex(e.obj), idx: ex(e.idx) });
      case "checked":
        return f({ ...e, data: ex(e.data), indices: e.indices.map(ex), extents: e.extents.map(ex) });
      case "cond":
        return f({ ...e, c: ex(e.c), t: ex(e.t), f: ex(e.f) });
      case "array":
        return f({ ...e, items: e.items.map(ex) });
      case "object":
        return f({ ...e, props: e.props.map(([k, v]) => [k, ex(v)] as [string, JsExpr]) });
      case "assignExpr":
        return f({ ...e, target: ex(e.target), value: ex(e.value) });
      case "num":
      case "str":
      case "bool":
      case "id":
      case "null":
        return f(e);
      default:
        return assertNever(e);
    }
  };
  const opt = (e: JsExpr | null): JsExpr | null => (e ? ex(e) : null);
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
      case "countedFor":
        return { ...s, lo: ex(s.lo), hi: ex(s.hi), step: ex(s.step), body: s.body.map(st) };
      case "for":
        return { ...s, init: s.init && st(s.init), test: opt(s.test), update: opt(s.update), body: s.body.map(st) };
      case "while":
        return { ...s, c: ex(s.c), body: s.body.map(st) };
      case "block":
        return { ...s, body: s.body.map(st) };
      case "tryFinally":
        return { ...s, body: s.body.map(st), fin: s.fin.map(st) };
      case "break":
      case "continue":
      case "fn": // a scope of its own: left alone
      case "marker":
      case "comment":
        return s;
      default:
        return assertNever(s);
    }
  };
  return stmts.map(st);
}
