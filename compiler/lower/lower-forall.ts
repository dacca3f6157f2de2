// `forall` affinity → loops over the iterations this image owns. Consumes a ForallStmt; gives
// LIR. `on x(i + c)` (1-D shared x) walks only this image's blocks of x, using its blockSize and
// the initial team's P; `on i + c` steps by P from the first matching index; `on e` with e invariant runs the whole
// loop on one image; any other affinity filters each iteration (`if owner != me continue`).

import type { Block, Expr, ForallStmt } from "../ast/nodes.js";
import type { LowerContext } from "./context.js";
import {
  add,
  bin,
  call,
  constDecl,
  id,
  member,
  mul,
  num,
  rtCall,
  str,
  sub,
  isTrivial,
  arr,
  type CountedFor,
  type JsExpr,
  type JsStmt,
} from "./lir.js";
import { lowerExpr } from "./lower-expressions.js";
import { linearOffset } from "./lower-references.js";
import { affineInLoopVar, bodyFacts, isInvariant } from "./invariance.js";

/** Non-negative `a mod p` for p > 0. */
const modP = (a: JsExpr, p: JsExpr): JsExpr => bin("%", bin("+", bin("%", a, p), p), p);

export function lowerForall(ctx: LowerContext, s: ForallStmt, lowerBody: (b: Block) => JsStmt[]): JsStmt[] {
  const out: JsStmt[] = [];
  const keep = (e: JsExpr, hint: string): JsExpr => {
    if (isTrivial(e)) return e;
    const t = ctx.temp(hint);
    out.push(constDecl(t, e));
    return id(t);
  };
  const site = ctx.site(s.affinity.span);
  const variable = ctx.jsName(s.symbol);
  const facts = bodyFacts(s.body);
  // bounds are evaluated once: a name the body may change is copied first
  const bound = (e: Expr, hint: string): JsExpr => {
    const v = lowerExpr(ctx, e);
    if (v.k === "id" && !isInvariant(ctx, e, facts, s.symbol)) {
      const t = ctx.temp(hint);
      out.push(constDecl(t, v));
      return id(t);
    }
    return keep(v, hint);
  };
  const lo = bound(s.lo, "lo");
  const hi = bound(s.hi, "hi");
  const aff = s.affinity;
  const loop = (from: JsExpr, to: JsExpr, step: JsExpr, body: JsStmt[], label?: string): CountedFor => ({
    k: "countedFor",
    variable,
    lo: from,
    hi: to,
    step,
    dir: "up",
    body,
    user: true,
    label,
  });

  if (s.affinityKind === "owner" && aff.kind === "Apply" && aff.args.length === 1) {
    const r = ctx.repr(aff.callee.symbol);
    const form = affineInLoopVar(ctx, aff.args[0] as Expr, s.symbol, facts);
    if (r.kind === "shared" && r.rank === 1 && form) {
      // element k = i + c; this image owns the blocks b ≡ me (mod P) of size B, me and P of the
      // initial team the layout was made for (inside a team other images' blocks are nobody's)
      const P = keep(rtCall("layoutImages"), "P");
      const me = keep(rtCall("layoutImage"), "me");
      const label = ctx.temp("forall");
      const c = form.offset ? keep(form.negate ? bin("|", bin("-", num(0), lowerExpr(ctx, form.offset)), num(0)) : lowerExpr(ctx, form.offset), "c") : num(0);
      const x = id(r.js);
      const B = keep(member(x, "blockSize"), "B");
      const k0 = keep(add(lo, c), "k0");
      const k1 = keep(add(hi, c), "k1");
      const n = member(x, "length");
      // an affinity element outside x is an index error, raised before any iteration
      out.push({
        k: "if",
        c: bin("&&", bin("<", k0, k1), bin("||", bin("<", k0, num(0)), bin(">", k1, n))),
        then: [
          {
            k: "expr",
            e: rtCall("indexError", str(aff.callee.name), arr([{ k: "cond", c: bin("<", k0, num(0)), t: k0, f: n }]), arr([n]), num(site)),
          },
        ],
      });
      const first = ctx.temp("b");
      out.push(constDecl(first, call(member(id("Math"), "floor"), bin("/", k0, B))));
      const b = ctx.temp("b");
      const start = ctx.temp("s");
      const end = ctx.temp("e");
      ctx.loops.push({ breakLabel: label });
      const body = lowerBody(s.body);
      ctx.loops.pop();
      const blockStart = mul(id(b), B);
      out.push({
        k: "for",
        label,
        init: { k: "let", kind: "let", name: b, init: add(id(first), modP(sub(me, id(first)), P)) },
        test: bin("<", blockStart, k1),
        update: { k: "assignExpr", target: id(b), op: "+=", value: P },
        body: [
          constDecl(start, sub(call(member(id("Math"), "max"), blockStart, k0), c)),
          constDecl(end, sub(call(member(id("Math"), "min"), add(blockStart, B), k1), c)),
          loop(id(start), id(end), num(1), body),
        ],
      });
      return out;
    }
  }

  // `on e` and the filtered form: images of the current team
  const P = keep(rtCall("numImages"), "P");
  const me = keep(rtCall("thisImage"), "me");
  if (s.affinityKind !== "owner") {
    const form = affineInLoopVar(ctx, aff, s.symbol, facts);
    if (form) {
      // image (i + c) mod P: the first i >= lo on this image, then every P-th
      const c = form.offset ? keep(form.negate ? bin("|", bin("-", num(0), lowerExpr(ctx, form.offset)), num(0)) : lowerExpr(ctx, form.offset), "c") : num(0);
      const first = ctx.temp("first");
      out.push(constDecl(first, add(lo, modP(sub(me, bin("|", add(lo, c), num(0))), P))));
      ctx.loops.push({});
      const body = lowerBody(s.body);
      ctx.loops.pop();
      out.push(loop(id(first), hi, P, body));
      return out;
    }
    if (isInvariant(ctx, aff, facts, s.symbol)) {
      // the same image for every iteration: run the whole loop there
      ctx.loops.push({});
      const body = lowerBody(s.body);
      ctx.loops.pop();
      out.push({ k: "if", c: bin("===", modP(lowerExpr(ctx, aff), P), me), then: [loop(lo, hi, num(1), body)] });
      return out;
    }
  }

  // any other affinity: every image visits every index and keeps its own
  let owner: JsExpr;
  if (s.affinityKind === "owner" && aff.kind === "Apply") {
    const r = ctx.repr(aff.callee.symbol);
    const indices = aff.args.map((a) => lowerExpr(ctx, a as Expr));
    owner = rtCall("owner", id(r.js), linearOffset(ctx, r, indices, aff.callee.name, site), num(site));
  } else {
    owner = modP(lowerExpr(ctx, aff), P);
  }
  ctx.loops.push({});
  const body = lowerBody(s.body);
  ctx.loops.pop();
  out.push(loop(lo, hi, num(1), [{ k: "if", c: bin("!==", owner, me), then: [{ k: "continue" }] }, ...body]));
  return out;
}
