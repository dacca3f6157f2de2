// `checkpoint` and the way back to it (LANGUAGE.md §7.3). A checkpoint saves the variables in scope
// (every top-level variable, the variables of the enclosing blocks declared before it, the
// counters of the enclosing loops) through rt.checkpoint; the runtime saves the rest. On a restart
// main re-enters the program at that statement: the top-level variables are restored at main's
// top, every statement on the way that comes before the checkpoint is skipped (allocations run
// again: the runtime gives them their saved extents), a declaration on the way takes its saved
// value, an `if` takes the branch holding the checkpoint, a loop starts at its saved counter, and
// the checkpoint itself becomes rt.resumeAt. docs/checkpoint.md shows the generated code.
// Consumes the checked Program and the lowering context; gives the plan and the LIR pieces that
// lower-program.ts and lower-statements.ts put in place.

import type { Block, CheckpointStmt, Program, Stmt } from "../ast/nodes.js";
import { scalarTsType, typedArrayType, type LowerContext, type Repr } from "./context.js";
import { assertNever } from "../ast/visit.js";
import { assign, bin, cast, cond, constDecl, exprStmt, id, index, member, num, obj, rtCall, str, un, type JsExpr, type JsStmt } from "./lir.js";

/** The resume state and the checkpoint being resumed at (-1: running normally) in generated code. */
const RESUME = "$resume";
const RESUME_TO = "$resumeTo";

interface SavedVar {
  js: string;
  type: string;
}

export interface CheckpointPlan {
  /** Each `checkpoint` statement's id, in source order. */
  readonly ids: Map<CheckpointStmt, number>;
  /** The checkpoint ids inside each statement that holds any (functions left out: none may hold one). */
  readonly inside: Map<Stmt, number[]>;
  /** Per checkpoint: the block variables and loop counters in scope there (besides the top-level ones). */
  readonly local: Map<number, SavedVar[]>;
  /** The top-level variables: saved by every checkpoint, restored at main's top. */
  readonly topLevel: SavedVar[];
}

/** The plan of a program with `checkpoint` statements; null for one without. */
export function planCheckpoints(ctx: LowerContext, program: Program): CheckpointPlan | null {
  const plan: CheckpointPlan = { ids: new Map(), inside: new Map(), local: new Map(), topLevel: [] };
  const walk = (stmts: readonly Stmt[], scope: SavedVar[], topLevel: boolean): number[] => {
    const all: number[] = [];
    let inScope = scope;
    for (const s of stmts) {
      const found = statementIds(s, inScope);
      if (found.length > 0) plan.inside.set(s, found);
      all.push(...found);
      if (!topLevel && (s.kind === "VarDecl" || s.kind === "ConstDecl")) inScope = [...inScope, ...savedOf(ctx.repr(s.symbol))];
    }
    return all;
  };
  const blockIds = (b: Block, scope: SavedVar[]) => walk(b.body, scope, false);
  const statementIds = (s: Stmt, scope: SavedVar[]): number[] => {
    switch (s.kind) {
      case "CheckpointStmt": {
        const id = plan.ids.size;
        plan.ids.set(s, id);
        plan.local.set(id, scope);
        return [id];
      }
      case "IfStmt": {
        const then = blockIds(s.then, scope);
        const otherwise = s.else === null ? [] : s.else.kind === "Block" ? blockIds(s.else, scope) : walk([s.else], scope, false);
        return [...then, ...otherwise];
      }
      case "WhileStmt":
        return blockIds(s.body, scope);
      case "ForStmt":
        return blockIds(s.body, [...scope, { js: ctx.jsName(s.symbol), type: "number" }]);
      // the checker allows `checkpoint` nowhere else (functions, forall and critical refuse it)
      case "ForallStmt":
      case "CriticalStmt":
      case "ChangeTeamStmt":
      case "FormTeamStmt":
      case "ConstDecl":
      case "VarDecl":
      case "SharedDecl":
      case "AssignStmt":
      case "ExprStmt":
      case "BreakStmt":
      case "ContinueStmt":
      case "ReturnStmt":
      case "StopStmt":
      case "ErrorStopStmt":
      case "SyncAllStmt":
      case "SyncImagesStmt":
      case "SyncMemoryStmt":
      case "LockStmt":
      case "UnlockStmt":
      case "EventPostStmt":
      case "EventWaitStmt":
        return [];
      default:
        return assertNever(s);
    }
  };
  walk(
    program.body.filter((item): item is Stmt => item.kind !== "FnDecl"),
    [],
    true,
  );
  if (plan.ids.size === 0) return null;
  for (const item of program.body) {
    if ((item.kind === "VarDecl" || item.kind === "ConstDecl") && ctx.sym(item.symbol).constValue === undefined) {
      plan.topLevel.push(...savedOf(ctx.repr(item.symbol)));
    }
  }
  return plan;
}

/** The generated variables that hold a declaration's value (handles and their parts are the runtime's). */
function savedOf(r: Repr): SavedVar[] {
  switch (r.kind) {
    case "scalar":
      return [{ js: r.js, type: scalarTsType(r.elem) }];
    case "array": {
      const extents = r.rows && r.cols ? [r.rows, r.cols].map((js) => ({ js, type: "number" })) : [];
      return [{ js: r.js, type: typedArrayType(r.elem) }, ...extents];
    }
    case "team":
      return [{ js: r.js, type: "TeamValue | null" }];
    case "coarray":
    case "shared":
    case "sync":
    case "function":
      return [];
  }
}

const resumingTo = (ids: readonly number[]): JsExpr =>
  ids.map((k) => bin("===", id(RESUME_TO), num(k))).reduce((a, b) => bin("||", a, b));

const restored = (v: SavedVar): JsExpr => cast(index(member(cast(id(RESUME), "ResumeState"), "vars"), str(v.js)), v.type);

/** At main's top, after the declarations: where to resume, and the top-level variables back. */
export function resumePrologue(plan: CheckpointPlan): JsStmt[] {
  return [
    constDecl(RESUME, rtCall("resumeState"), "ResumeState | null"),
    { k: "let", kind: "let", name: RESUME_TO, init: cond(bin("===", id(RESUME), { k: "null" }), num(-1), member(id(RESUME), "checkpoint")), type: "number" },
    { k: "if", c: bin("!==", id(RESUME), { k: "null" }), then: plan.topLevel.map((v) => assign(id(v.js), restored(v))) },
  ];
}

/** The `checkpoint` statement: a restarted image arriving here again resumes instead of saving. */
export function lowerCheckpoint(ctx: LowerContext, plan: CheckpointPlan, s: CheckpointStmt): JsStmt[] {
  const k = plan.ids.get(s)!;
  const site = num(ctx.site(s.span));
  const vars = [...plan.topLevel, ...plan.local.get(k)!];
  return [
    {
      k: "if",
      c: bin("===", id(RESUME_TO), num(k)),
      then: [assign(id(RESUME_TO), num(-1)), exprStmt(rtCall("resumeAt", num(k), site))],
      else: [exprStmt(rtCall("checkpoint", num(k), obj(vars.map((v) => [v.js, id(v.js)])), site))],
    },
  ];
}

/**
 * The statements of a block (or of the program) lowered by `lowerOne`, each that comes before a
 * checkpoint of the block skipped while resuming to that checkpoint. `alwaysRuns`: allocations,
 * which a restarted image must make again.
 */
export function lowerOnTheWay(
  plan: CheckpointPlan,
  stmts: readonly Stmt[],
  lowerOne: (s: Stmt) => JsStmt[],
  alwaysRuns: (s: Stmt) => boolean,
): JsStmt[] {
  const out: JsStmt[] = [];
  const later: number[][] = stmts.map(() => []);
  for (let i = stmts.length - 2; i >= 0; i--) later[i] = [...later[i + 1]!, ...(plan.inside.get(stmts[i + 1]!) ?? [])];
  stmts.forEach((s, i) => {
    const lowered = lowerOne(s);
    const skipFor = later[i]!;
    if (skipFor.length === 0 || alwaysRuns(s)) out.push(...lowered);
    else out.push(...skipWhileResuming(lowered, skipFor, plan));
  });
  return out;
}

/**
 * Statements skipped while resuming to `ids`. Declarations stay (later statements use them): a
 * variable saved by the checkpoint takes its saved value, a temporary a placeholder never read.
 */
function skipWhileResuming(lowered: JsStmt[], ids: number[], plan: CheckpointPlan): JsStmt[] {
  const saved = new Map<string, SavedVar>();
  for (const k of ids) for (const v of plan.local.get(k)!) saved.set(v.js, v);
  const out: JsStmt[] = [];
  let pending: JsStmt[] = [];
  const flush = () => {
    if (pending.length > 0) out.push({ k: "if", c: un("!", resumingTo(ids)), then: pending });
    pending = [];
  };
  for (const s of lowered) {
    if (s.k === "marker") {
      flush();
      out.push(s);
      continue;
    }
    if (s.k !== "let" || s.init === undefined) {
      pending.push(s);
      continue;
    }
    flush();
    const v = saved.get(s.name);
    out.push({ ...s, init: cond(resumingTo(ids), v ? restored(v) : cast(num(0), "never"), s.init) });
  }
  flush();
  return out;
}

/** An `if` holding checkpoints: while resuming to one of them, the branch that holds it, unevaluated. */
export function resumeCondition(plan: CheckpointPlan, s: Stmt & { kind: "IfStmt" }, c: JsExpr): JsExpr {
  const inThen = idsIn(plan, s.then.body);
  const inElse = s.else === null ? [] : s.else.kind === "Block" ? idsIn(plan, s.else.body) : (plan.inside.get(s.else) ?? []);
  let out = c;
  if (inThen.length > 0) out = bin("||", resumingTo(inThen), out);
  if (inElse.length > 0) out = bin("&&", un("!", resumingTo(inElse)), out);
  return out;
}

/** A `while` holding checkpoints: entered without its test while resuming to one of them. */
export function resumeWhile(plan: CheckpointPlan, s: Stmt, c: JsExpr): JsExpr {
  const ids = plan.inside.get(s) ?? [];
  return ids.length === 0 ? c : bin("||", resumingTo(ids), c);
}

/** A `for` holding checkpoints: its first value, the saved counter while resuming to one of them. */
export function resumeFor(ctx: LowerContext, plan: CheckpointPlan, s: Stmt & { kind: "ForStmt" }, lo: JsExpr, out: JsStmt[]): JsExpr {
  const ids = plan.inside.get(s) ?? [];
  if (ids.length === 0) return lo;
  const start = ctx.temp("from");
  out.push(constDecl(start, cond(resumingTo(ids), restored({ js: ctx.jsName(s.symbol), type: "number" }), lo)));
  return id(start);
}

function idsIn(plan: CheckpointPlan, stmts: readonly Stmt[]): number[] {
  return stmts.flatMap((s) => plan.inside.get(s) ?? []);
}

/** Whether any of `stmts` holds a checkpoint. */
export function holdsCheckpoint(plan: CheckpointPlan | null, stmts: readonly Stmt[]): plan is CheckpointPlan {
  return plan !== null && stmts.some((s) => plan.inside.has(s));
}
