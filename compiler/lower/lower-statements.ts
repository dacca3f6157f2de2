// Statements → LIR: declarations (allocation of arrays, coarrays, shared arrays), assignments,
// control flow, image control statements, locks, events, stop. Consumes typed AST statements;
// gives LIR statements, each group preceded by a `// @pgas LINE:COL` marker. Sections go to
// lower-sections.ts, forall to lower-forall.ts, statement intrinsics to lower-collectives.ts.

import type { AssignStmt, Block, ConstDecl, Expr, ForStmt, SharedDecl, Stmt, VarDecl } from "../ast/nodes.js";
import type { ScalarTag } from "../ast/types.js";
import { typedArrayType, type LowerContext } from "./context.js";
import {
  arr,
  assign,
  bin,
  call,
  cast,
  constDecl,
  exprStmt,
  id,
  index,
  isTrivial,
  letDecl,
  member,
  mul,
  num,
  rtCall,
  str,
  type JsExpr,
  type JsStmt,
} from "./lir.js";
import { lowerArrayAssign } from "./lower-sections.js";
import { binaryOp, lowerExpr, toStorage, typeTag } from "./lower-expressions.js";
import { placeOf } from "./lower-references.js";
import { lowerIntrinsicStatement } from "./lower-collectives.js";
import { lowerIntrinsic } from "./lower-intrinsics.js";
import { lowerCall } from "./lower-calls.js";
import { lowerForall } from "./lower-forall.js";
import { bodyFacts, isInvariant } from "./invariance.js";
import { lowerChangeTeam, lowerFormTeam } from "./lower-teams.js";
import { lowerNotifiedPut } from "./lower-notify.js";
import { holdsCheckpoint, lowerCheckpoint, lowerOnTheWay, resumeCondition, resumeFor, resumeWhile } from "./lower-checkpoints.js";
import { assertNever } from "../ast/visit.js";

export function lowerBlock(ctx: LowerContext, b: Block): JsStmt[] {
  const plan = ctx.checkpoints;
  if (holdsCheckpoint(plan, b.body)) return lowerOnTheWay(plan, b.body, (s) => lowerStmt(ctx, s, false), () => false);
  return b.body.flatMap((s) => lowerStmt(ctx, s, false));
}

/** One source statement. `topLevel` declarations assign the variables declared at main's top. */
export function lowerStmt(ctx: LowerContext, s: Stmt, topLevel: boolean): JsStmt[] {
  const marker: JsStmt = { k: "marker", line: s.span.line, col: s.span.col };
  const body = lowerStmtBody(ctx, s, topLevel);
  return body.length === 0 ? [] : [marker, ...body];
}

export function zeroOf(t: ScalarTag | "void"): JsExpr {
  if (t === "bool") return { k: "bool", v: false };
  if (t === "string") return str("");
  return num(0);
}

function lowerStmtBody(ctx: LowerContext, s: Stmt, topLevel: boolean): JsStmt[] {
  const site = () => num(ctx.site(s.span));
  switch (s.kind) {
    case "ConstDecl":
      return lowerConst(ctx, s, topLevel);
    case "VarDecl":
      return lowerVarDecl(ctx, s, topLevel);
    case "SharedDecl":
      return lowerSharedDecl(ctx, s, topLevel);
    case "AssignStmt":
      return lowerAssign(ctx, s);
    case "ExprStmt": {
      const e = s.expr;
      if (e.kind === "Apply" && e.role === "intrinsic") {
        return lowerIntrinsicStatement(ctx, e) ?? [exprStmt(lowerIntrinsic(ctx, e))];
      }
      if (e.kind === "Apply" && e.role === "call") return [exprStmt(lowerCall(ctx, e))];
      return [exprStmt(lowerExpr(ctx, e))];
    }
    case "IfStmt": {
      const plan = ctx.checkpoints;
      const elseBody =
        s.else === null
          ? undefined
          : s.else.kind === "Block"
            ? lowerBlock(ctx, s.else)
            : holdsCheckpoint(plan, [s.else])
              ? lowerOnTheWay(plan, [s.else], (e) => lowerStmt(ctx, e, false), () => false)
              : lowerStmt(ctx, s.else, false);
      const c = lowerExpr(ctx, s.cond);
      return [{ k: "if", c: plan ? resumeCondition(plan, s, c) : c, then: lowerBlock(ctx, s.then), else: elseBody }];
    }
    case "WhileStmt": {
      ctx.loops.push({});
      const body = lowerBlock(ctx, s.body);
      ctx.loops.pop();
      const c = lowerExpr(ctx, s.cond);
      return [{ k: "while", c: ctx.checkpoints ? resumeWhile(ctx.checkpoints, s, c) : c, body }];
    }
    case "ForStmt":
      return lowerFor(ctx, s);
    case "ForallStmt":
      return lowerForall(ctx, s, (b) => lowerBlock(ctx, b));
    case "BreakStmt":
      return [{ k: "break", label: ctx.loops[ctx.loops.length - 1]?.breakLabel }];
    case "ContinueStmt":
      return [{ k: "continue" }];
    case "ReturnStmt":
      return [{ k: "return", e: s.value ? lowerExpr(ctx, s.value) : undefined }];
    case "StopStmt":
      return [exprStmt(rtCall("stop", site()))];
    case "ErrorStopStmt":
      return [exprStmt(rtCall("errorStop", s.value ? lowerExpr(ctx, s.value) : { k: "null" }, site()))];
    case "CheckpointStmt":
      if (!ctx.checkpoints) throw new Error("internal: a checkpoint statement without a plan");
      return lowerCheckpoint(ctx, ctx.checkpoints, s);
    case "FormTeamStmt":
      return lowerFormTeam(ctx, s);
    case "ChangeTeamStmt":
      return lowerChangeTeam(ctx, s, (b) => lowerBlock(ctx, b));
    case "SyncAllStmt":
      return [exprStmt(rtCall("syncAll", site()))];
    case "SyncImagesStmt":
      return [exprStmt(rtCall("syncImages", syncImageSet(ctx, s.images), site()))];
    case "SyncMemoryStmt":
      return [exprStmt(rtCall("syncMemory", site()))];
    case "CriticalStmt": {
      const critical = num(ctx.criticalCount++);
      return [
        exprStmt(rtCall("criticalEnter", critical, site())),
        { k: "tryFinally", body: lowerBlock(ctx, s.body), fin: [exprStmt(rtCall("criticalExit", critical, site()))] },
      ];
    }
    case "LockStmt":
    case "UnlockStmt": {
      const { handle, image } = syncTarget(ctx, s.lock);
      return [exprStmt(rtCall(s.kind === "LockStmt" ? "lock" : "unlock", handle, image, site()))];
    }
    case "EventPostStmt": {
      const { handle, image } = syncTarget(ctx, s.event);
      return [exprStmt(rtCall("eventPost", handle, image, site()))];
    }
    case "EventWaitStmt": {
      const { handle } = syncTarget(ctx, s.event);
      return [exprStmt(rtCall("eventWait", handle, s.until ? lowerExpr(ctx, s.until) : num(1), site()))];
    }
    default:
      return assertNever(s);
  }
}

function syncImageSet(ctx: LowerContext, e: Expr | null): JsExpr {
  if (e === null) return { k: "null" };
  if (e.type?.tag === "array" && e.kind === "Name") {
    const r = ctx.repr(e.symbol);
    if (r.kind === "array") return id(r.js);
    if (r.kind === "coarray") return id(r.local);
  }
  return lowerExpr(ctx, e);
}

/** `l[p]` or `l` (own image) of a lock or event. */
function syncTarget(ctx: LowerContext, e: Expr): { handle: JsExpr; image: JsExpr } {
  if (e.kind === "Coindex" && e.base.kind === "Name") return { handle: id(ctx.repr(e.base.symbol).js), image: lowerExpr(ctx, e.image) };
  if (e.kind === "Name") return { handle: id(ctx.repr(e.symbol).js), image: rtCall("thisImage") };
  throw new Error(`internal: not a lock or event at ${e.span.line}:${e.span.col}`);
}

function lowerConst(ctx: LowerContext, s: ConstDecl, topLevel: boolean): JsStmt[] {
  const sym = ctx.sym(s.symbol);
  const js = ctx.jsName(s.symbol);
  if (topLevel) {
    // a folded constant is declared with its value at main's top (lower-program.ts)
    if (sym.constValue !== undefined) return [];
    return [assign(id(js), lowerExpr(ctx, s.init))];
  }
  return [constDecl(js, lowerExpr(ctx, s.init))];
}

function lowerVarDecl(ctx: LowerContext, s: VarDecl, topLevel: boolean): JsStmt[] {
  const r = ctx.repr(s.symbol);
  const site = num(ctx.site(s.span));
  const name = str(ctx.sym(s.symbol).name);
  const dims = (s.type?.dims ?? []).map((d) => (d ? lowerExpr(ctx, d) : num(0)));
  const define = (js: string, init: JsExpr, type?: string): JsStmt =>
    topLevel ? assign(id(js), init) : constDecl(js, init, type);
  switch (r.kind) {
    case "scalar": {
      const init = s.init ? lowerExpr(ctx, s.init) : zeroOf(r.elem);
      return [topLevel ? assign(id(r.js), init) : letDecl(r.js, init)];
    }
    case "array": {
      const out: JsStmt[] = [];
      const size = (d: JsExpr) => call(ctx.useHelper("$size"), d, name, site);
      const allocate = (length: JsExpr) => call(ctx.useHelper("$new"), id(typedArrayType(r.elem)), length, name, site);
      if (r.rank === 1) {
        out.push(define(r.js, allocate(size(dims[0]!))));
      } else {
        out.push(define(r.rows!, size(dims[0]!)));
        out.push(define(r.cols!, size(dims[1]!)));
        out.push(define(r.js, allocate(mul(id(r.rows!), id(r.cols!)))));
      }
      if (s.init) out.push(...initialiseArray(ctx, s));
      return out;
    }
    case "coarray": {
      const handle = rtCall("coarray", name, str(r.elem), arr(dims), site);
      const out: JsStmt[] = [
        define(r.js, handle),
        define(r.local, cast(member(id(r.js), "local"), typedArrayType(r.elem))),
      ];
      if (r.rank === 2) {
        out.push(define(r.rows!, index(member(id(r.js), "dims"), num(0))));
        out.push(define(r.cols!, index(member(id(r.js), "dims"), num(1))));
      }
      if (s.init) {
        if (r.rank === 0) out.push(assign(index(id(r.local), num(0)), toStorage(lowerExpr(ctx, s.init), r.elem)));
        else out.push(...initialiseArray(ctx, s));
      }
      return out;
    }
    case "sync":
      return [define(r.js, rtCall("coarray", name, str(r.elem), arr([]), site))];
    case "team":
      return [topLevel ? assign(id(r.js), { k: "null" }) : letDecl(r.js, { k: "null" }, "TeamValue | null")];
    case "shared":
    case "function":
      throw new Error(`internal: declaration of ${r.kind}`);
    default:
      return assertNever(r);
  }
}

/** `var a: float(n) = e`: the declared array, then an array assignment from `e`. */
function initialiseArray(ctx: LowerContext, s: VarDecl): JsStmt[] {
  const target: Expr = { kind: "Name", name: s.name.text, symbol: s.symbol, span: s.name.span, type: ctx.sym(s.symbol).type };
  return lowerArrayAssign(ctx, { kind: "AssignStmt", op: "=", target, value: s.init!, span: s.span });
}

function lowerSharedDecl(ctx: LowerContext, s: SharedDecl, topLevel: boolean): JsStmt[] {
  const r = ctx.repr(s.symbol);
  if (r.kind !== "shared") throw new Error("internal: shared declaration without a shared representation");
  const site = num(ctx.site(s.span));
  const dims = s.type.dims.map((d) => (d ? lowerExpr(ctx, d) : num(0)));
  const layout =
    s.layout.kind === "blockcyclic" && s.layout.blockSize ? lowerExpr(ctx, s.layout.blockSize) : str(s.layout.kind === "block" ? "block" : "cyclic");
  const define = (js: string, init: JsExpr): JsStmt => (topLevel ? assign(id(js), init) : constDecl(js, init));
  const out = [define(r.js, rtCall("shared", str(ctx.sym(s.symbol).name), str(r.elem), arr(dims), layout, site))];
  if (r.rank === 2) {
    out.push(define(r.rows!, index(member(id(r.js), "dims"), num(0))));
    out.push(define(r.cols!, index(member(id(r.js), "dims"), num(1))));
  }
  return out;
}

function isArrayTarget(e: Expr): boolean {
  if (e.type?.tag === "array") return true;
  const base = e.kind === "Coindex" ? e.base : e;
  return base.kind === "Apply" && base.role === "section";
}

function lowerAssign(ctx: LowerContext, s: AssignStmt): JsStmt[] {
  if (s.notify) return lowerNotifiedPut(ctx, { ...s, notify: s.notify }, (put) => lowerAssign(ctx, put), (e) => syncTarget(ctx, e));
  if (isArrayTarget(s.target)) return lowerArrayAssign(ctx, s);
  const pre: JsStmt[] = [];
  if (s.op === "=") {
    const place = placeOf(ctx, s.target, pre, false);
    return [...pre, place.write(lowerExpr(ctx, s.value))];
  }
  const place = placeOf(ctx, s.target, pre, true);
  const value = lowerExpr(ctx, s.value);
  const valueTag = typeTag(s.value.type);
  const op = s.op[0] as "+" | "-" | "*" | "/";
  if (s.target.kind === "Name" && place.elem === "float" && ctx.repr(s.target.symbol).kind === "scalar") {
    return [...pre, assign(place.read(), value, s.op)]; // float: JS compound assignment is exact
  }
  if (place.inPlace && (op === "+" || op === "-") && (place.elem === "float" || valueTag === "int")) {
    // typed-array element: `a[i] += v` evaluates the index once; Int32Array stores wrap
    return [...pre, place.inPlace(s.op as "+=" | "-=", value)];
  }
  return [...pre, place.write(binaryOp(op, place.read(), place.elem, value, valueTag, ctx.site(s.span)))];
}

/** `for i in lo..hi by step`: bounds and step evaluated once; step 0 is a runtime error. */
function lowerFor(ctx: LowerContext, s: ForStmt): JsStmt[] {
  const out: JsStmt[] = [];
  const facts = bodyFacts(s.body);
  // a literal, or a name the body cannot change, needs no copy
  const keep = (e: Expr, hint: string): JsExpr => {
    const v = lowerExpr(ctx, e);
    if (v.k === "num" || (v.k === "id" && isInvariant(ctx, e, facts, s.symbol))) return v;
    const t = ctx.temp(hint);
    out.push(constDecl(t, v));
    return id(t);
  };
  const lo = ctx.checkpoints ? resumeFor(ctx, ctx.checkpoints, s, keep(s.lo, "lo"), out) : keep(s.lo, "lo");
  const hi = keep(s.hi, "hi");
  let step: JsExpr = num(1);
  let dir: "up" | "down" | "either" = "up";
  const site = num(ctx.site(s.step?.span ?? s.span));
  if (s.step) {
    step = keep(s.step, "step");
    if (step.k === "num") {
      dir = step.v > 0 ? "up" : "down";
      if (step.v === 0) out.push(exprStmt(rtCall("fail", str("the step of a for loop is 0"), site)));
    } else {
      dir = "either";
      out.push({ k: "if", c: bin("===", step, num(0)), then: [exprStmt(rtCall("fail", str("the step of a for loop is 0"), site))] });
    }
  }
  ctx.loops.push({});
  const body = lowerBlock(ctx, s.body);
  ctx.loops.pop();
  out.push({ k: "countedFor", variable: ctx.jsName(s.symbol), lo, hi, step, dir, body, user: true });
  return out;
}
