// Statement checking: assignments (elementwise for arrays), control flow (loops, break/continue,
// return), image control statements and their operands, `critical` restrictions, `forall` affinity.
// Consumes a Checker and statements; annotates them (loop symbols, affinityKind) and reports errors.

import type { AssignStmt, Block, Expr, ForallStmt, ForStmt, Stmt } from "../ast/nodes.js";
import { ERROR, INT, typeToString, type Type } from "../ast/types.js";
import { Check, conversionHint } from "../diagnostics/catalogue-check.js";
import type { Checker } from "./context.js";
import { checkConstDecl, checkSharedDecl, checkVarDecl } from "./decl.js";
import { checkApply, checkCoindex, checkExpr, checkInt, checkValue, describeSymbol, referenceOf } from "./expr.js";
import { assignable, binaryResult, operatorRule, valueType } from "./typeops.js";
import { assertNever, isDesignator } from "../ast/visit.js";

export function checkBlock(cx: Checker, b: Block): void {
  cx.inScope(() => checkStatements(cx, b.body));
}

export function checkStatements(cx: Checker, stmts: Stmt[]): void {
  for (const s of stmts) checkStmt(cx, s);
}

/** Image control statements may not appear (lexically) inside `critical`. */
function imageControl(cx: Checker, what: string, span: Expr["span"]): void {
  if (cx.criticalDepth > 0) cx.report(Check.imageControlInCritical, span, what);
}

export function checkStmt(cx: Checker, s: Stmt): void {
  switch (s.kind) {
    case "ConstDecl":
      return checkConstDecl(cx, s);
    case "VarDecl":
      return checkVarDecl(cx, s, cx.topLevelPosition);
    case "SharedDecl":
      return checkSharedDecl(cx, s);
    case "AssignStmt":
      return checkAssign(cx, s);
    case "ExprStmt": {
      if (s.expr.kind === "Apply") {
        checkApply(cx, s.expr);
        if (s.expr.role === "element" || s.expr.role === "section") cx.report(Check.exprStatementNotCall, s.expr.span);
      } else {
        checkExpr(cx, s.expr);
        cx.report(Check.exprStatementNotCall, s.expr.span);
      }
      return;
    }
    case "IfStmt":
      checkCondition(cx, s.cond);
      checkBlock(cx, s.then);
      if (s.else?.kind === "Block") checkBlock(cx, s.else);
      else if (s.else) checkStmt(cx, s.else);
      return;
    case "WhileStmt":
      checkCondition(cx, s.cond);
      inLoop(cx, () => checkBlock(cx, s.body));
      return;
    case "ForStmt":
      return checkFor(cx, s);
    case "ForallStmt":
      return checkForall(cx, s);
    case "BreakStmt":
    case "ContinueStmt":
      if (cx.loopDepth === 0) cx.report(Check.loopControlOutsideLoop, s.span, s.kind === "BreakStmt" ? "break" : "continue");
      else if (cx.changeTeamDepth > 0 && cx.loopDepth === cx.teamLoopFloor) {
        cx.report(Check.leaveChangeTeam, s.span, s.kind === "BreakStmt" ? "break" : "continue");
      }
      return;
    case "ReturnStmt":
      if (cx.changeTeamDepth > 0) cx.report(Check.leaveChangeTeam, s.span, "return");
      return checkReturn(cx, s.value, s.span);
    case "FormTeamStmt":
      imageControl(cx, "form team", s.span);
      checkInt(cx, s.number, (found, hint) => cx.report(Check.indexNotInt, s.number.span, "the team number", found, hint));
      checkTeamOperand(cx, s.team, "form team");
      return;
    case "ChangeTeamStmt":
      imageControl(cx, "change team", s.span);
      checkTeamOperand(cx, s.team, "change team");
      return checkChangeTeamBody(cx, s.body);
    case "StopStmt":
      imageControl(cx, "stop", s.span);
      return;
    case "ErrorStopStmt":
      if (s.value) {
        const t = checkValue(cx, s.value);
        if (t.tag !== "int" && t.tag !== "string" && t.tag !== "error") cx.report(Check.errorStopValue, s.value.span, typeToString(t));
      }
      return;
    case "SyncAllStmt":
      imageControl(cx, "sync all", s.span);
      return;
    case "CheckpointStmt":
      imageControl(cx, "checkpoint", s.span);
      if (cx.fn !== null) cx.report(Check.checkpointPlacement, s.span, "a function");
      else if (cx.forallDepth > 0) cx.report(Check.checkpointPlacement, s.span, "a forall loop");
      else if (cx.changeTeamDepth > 0) cx.report(Check.checkpointPlacement, s.span, "a change team block");
      return;
    case "SyncMemoryStmt":
      imageControl(cx, "sync memory", s.span);
      return;
    case "SyncImagesStmt": {
      imageControl(cx, "sync images", s.span);
      if (!s.images) return;
      const t = checkValue(cx, s.images);
      const ok = t.tag === "int" || t.tag === "error" || (t.tag === "array" && t.elem === "int" && t.rank === 1);
      if (!ok) cx.report(Check.syncImagesOperand, s.images.span, typeToString(t));
      return;
    }
    case "CriticalStmt":
      imageControl(cx, "critical", s.span);
      cx.criticalDepth++;
      try {
        checkBlock(cx, s.body);
      } finally {
        cx.criticalDepth--;
      }
      return;
    case "LockStmt":
    case "UnlockStmt": {
      const stmt = s.kind === "LockStmt" ? "lock" : "unlock";
      imageControl(cx, stmt, s.span);
      const found = checkSyncOperand(cx, s.lock, "lock");
      if (found !== null) cx.report(Check.lockOperand, s.lock.span, stmt, found);
      return;
    }
    case "EventPostStmt": {
      imageControl(cx, "event post", s.span);
      const found = checkSyncOperand(cx, s.event, "event");
      if (found !== null) cx.report(Check.eventPostOperand, s.event.span, found);
      return;
    }
    case "EventWaitStmt": {
      imageControl(cx, "event wait", s.span);
      const found = checkSyncOperand(cx, s.event, "event");
      if (found !== null) cx.report(Check.ownEventOperand, s.event.span, "'event wait'", found);
      else if (s.event.kind === "Coindex") cx.report(Check.ownEventOperand, s.event.span, "'event wait'", "an image selector");
      if (s.until) {
        const u = s.until;
        checkInt(cx, u, (f, hint) => cx.report(Check.indexNotInt, u.span, "the 'until' count", f, hint));
      }
      return;
    }
    default:
      return assertNever(s);
  }
}

/**
 * The operand of lock/unlock/event statements: a lock (event) coarray, with or without an image
 * selector. Gives null when fine, else a description of what was found (nothing reported yet).
 */
function checkSyncOperand(cx: Checker, e: Expr, want: "lock" | "event"): string | null {
  if (e.kind !== "Name" && e.kind !== "Coindex") {
    const t = checkExpr(cx, e);
    return t.tag === "error" ? null : `a value of type '${typeToString(valueType(t))}'`;
  }
  const t = e.kind === "Name" ? checkExpr(cx, e) : checkCoindex(cx, e);
  if (t.tag === "error") return null;
  if (t.tag === want && (e.kind === "Name" || e.base.kind === "Name")) return null;
  const ref = referenceOf(cx, e);
  if (ref) return `'${ref.name}' of type '${typeToString(ref.declared)}'`;
  return `a value of type '${typeToString(valueType(t))}'`;
}

/** The operand of `form team` and `change team`: the name of a team variable or parameter. */
function checkTeamOperand(cx: Checker, e: Expr, stmt: string): void {
  const t = checkExpr(cx, e);
  if (t.tag === "error" || (t.tag === "team" && e.kind === "Name")) return;
  const ref = e.kind === "Name" ? cx.lookup(e.name) : null;
  cx.report(Check.teamOperand, e.span, stmt, ref ? `'${ref.name}', ${describeSymbol(ref)} of type '${typeToString(ref.type)}'` : `a value of type '${typeToString(valueType(t))}'`);
}

function checkChangeTeamBody(cx: Checker, body: Block): void {
  const floor = cx.teamLoopFloor;
  cx.changeTeamDepth++;
  cx.teamLoopFloor = cx.loopDepth;
  try {
    checkBlock(cx, body);
  } finally {
    cx.changeTeamDepth--;
    cx.teamLoopFloor = floor;
  }
}

function checkCondition(cx: Checker, cond: Expr): void {
  const t = checkValue(cx, cond);
  if (t.tag !== "bool" && t.tag !== "error") {
    const found = typeToString(t);
    cx.report(Check.conditionNotBool, cond.span, found, conversionHint("bool", found));
  }
}

function inLoop(cx: Checker, body: () => void): void {
  cx.loopDepth++;
  try {
    body();
  } finally {
    cx.loopDepth--;
  }
}

function checkBound(cx: Checker, e: Expr, what: string): void {
  checkInt(cx, e, (found, hint) => cx.report(Check.loopBoundNotInt, e.span, what, found, hint));
}

function checkFor(cx: Checker, s: ForStmt): void {
  checkBound(cx, s.lo, "bound");
  checkBound(cx, s.hi, "bound");
  if (s.step) checkBound(cx, s.step, "step");
  cx.inScope(() => {
    s.symbol = cx.declare(s.variable, "loopvar", INT);
    inLoop(cx, () => checkBlock(cx, s.body));
  });
}

function checkForall(cx: Checker, s: ForallStmt): void {
  checkBound(cx, s.lo, "bound");
  checkBound(cx, s.hi, "bound");
  cx.inScope(() => {
    s.symbol = cx.declare(s.variable, "loopvar", INT);
    const a = s.affinity;
    const t = checkValue(cx, a);
    const ref = referenceOf(cx, a);
    const isSharedElement =
      a.kind === "Apply" && ref !== null && ref.form === "element" && ref.declared.tag === "array" && ref.declared.storage === "shared";
    s.affinityKind = isSharedElement ? "owner" : "int";
    if (!isSharedElement && t.tag !== "int" && t.tag !== "error") cx.report(Check.forallAffinity, a.span, typeToString(t));
    cx.forallDepth++;
    try {
      inLoop(cx, () => checkBlock(cx, s.body));
    } finally {
      cx.forallDepth--;
    }
  });
}

function checkReturn(cx: Checker, value: Expr | null, span: Expr["span"]): void {
  const fn = cx.fn;
  if (!fn) {
    cx.report(Check.returnOutsideFunction, span);
    if (value) checkExpr(cx, value);
    return;
  }
  if (!value) {
    if (fn.result && fn.result.tag !== "error") cx.report(Check.returnMissingValue, span, fn.name, typeToString(fn.result));
    return;
  }
  if (!fn.result) {
    checkExpr(cx, value);
    cx.report(Check.returnValueInVoid, value.span, fn.name);
    return;
  }
  const t = checkValue(cx, value);
  if (fn.result.tag === "error" || t.tag === "error") return;
  if (!assignable(fn.result, t) || t.tag === "array") {
    const expected = typeToString(fn.result);
    const found = typeToString(t);
    cx.report(Check.returnTypeMismatch, value.span, fn.name, expected, found, conversionHint(expected, found));
  }
}

// ---------------------------------------------------------------------------------------------
// Assignment
// ---------------------------------------------------------------------------------------------

/** A short rendering of an assignment target for messages. */
function targetText(e: Expr): string {
  if (!isDesignator(e)) return "the target"; // not a target: reported by checkTarget
  switch (e.kind) {
    case "Name":
      return `'${e.name}'`;
    case "Apply":
      return e.role === "section" ? `the section of '${e.callee.name}'` : `the element of '${e.callee.name}'`;
    case "Coindex":
      return `'${e.base.kind === "Name" ? e.base.name : e.base.callee.name}' on image [...]`;
    default:
      return assertNever(e);
  }
}

/** Checks an assignment target; gives the value type stored there, or ERROR after reporting. */
function checkTarget(cx: Checker, target: Expr): Type {
  if (!isDesignator(target)) {
    checkExpr(cx, target);
    return fail(cx.report(Check.notAssignable, target.span, "this expression"));
  }
  switch (target.kind) {
    case "Name": {
      const s = cx.lookup(target.name);
      const t = checkExpr(cx, target);
      if (!s || t.tag === "error") return ERROR;
      if (s.kind === "const") return fail(cx.report(Check.assignToConst, target.span, s.name));
      if (s.kind === "loopvar") return fail(cx.report(Check.assignToLoopVariable, target.span, s.name));
      if (t.tag === "lock" || t.tag === "event") return fail(reportSyncObject(cx, target, s.name, t.tag));
      if (t.tag === "team") return fail(cx.report(Check.teamDeclaration, target.span, s.name, "cannot be assigned"));
      return valueType(t);
    }
    case "Apply": {
      const t = checkApply(cx, target);
      if (target.role === "call" || target.role === "intrinsic") {
        return fail(cx.report(Check.notAssignable, target.span, `the call '${target.callee.name}(...)'`));
      }
      return t;
    }
    case "Coindex": {
      const t = checkCoindex(cx, target);
      const name = target.base.kind === "Name" ? target.base.name : target.base.callee.name;
      if (t.tag === "lock" || t.tag === "event") return fail(reportSyncObject(cx, target, name, t.tag));
      return t;
    }
    default:
      return assertNever(target);
  }
}

function reportSyncObject(cx: Checker, target: Expr, name: string, tag: "lock" | "event") {
  return cx.report(
    Check.assignToSyncObject,
    target.span,
    name,
    tag === "lock" ? "a lock" : "an event",
    tag === "lock" ? "use 'lock' and 'unlock' statements" : "use 'event post' and 'event wait'",
  );
}

function fail(_reported: unknown): Type {
  return ERROR;
}

function checkAssign(cx: Checker, s: AssignStmt): void {
  if (s.notify) checkNotify(cx, s, s.notify);
  const target = checkTarget(cx, s.target);
  const value = checkValue(cx, s.value);
  if (target.tag === "error" || value.tag === "error") return;
  let stored: Type = value;
  if (s.op !== "=") {
    const op = s.op[0] as "+" | "-" | "*" | "/";
    const result = binaryResult(op, target, value);
    if (!result.ok) {
      if (result.reason === "rank") cx.report(Check.elementwiseRank, s.span, typeToString(target), typeToString(value));
      else cx.report(Check.binaryOperands, s.span, s.op, typeToString(target), typeToString(value), operatorRule(op));
      return;
    }
    stored = result.type;
  }
  if (!assignable(target, stored)) {
    const expected = typeToString(target);
    const found = typeToString(stored);
    const hint = conversionHint(target.tag === "array" ? target.elem : expected, stored.tag === "array" ? stored.elem : found);
    cx.report(Check.assignMismatch, s.value.span, targetText(s.target), expected, found, hint);
  }
}

/**
 * `... = ... notify e[p]`: a plain assignment to data of another image (an image selector on the
 * target), and an event coarray with an image selector. That both name the same image is checked
 * when it runs.
 */
function checkNotify(cx: Checker, s: AssignStmt, event: Expr): void {
  if (s.op !== "=") cx.report(Check.notifyTarget, s.span, `'${s.op}' reads the target first: write the new value with '='`);
  else if (s.target.kind !== "Coindex") cx.report(Check.notifyTarget, s.target.span, "its target has no image selector: write the put as c(i)[p] = ...");
  const found = checkSyncOperand(cx, event, "event");
  if (found !== null) cx.report(Check.notifyOperand, event.span, found);
  else if (event.kind !== "Coindex") cx.report(Check.notifyOperand, event.span, "an event without an image selector");
}

/** Whether control can reach the end of `stmts` (a `while true` without `break` never ends). */
export function canFallThrough(stmts: Stmt[], isConstTrue: (e: Expr) => boolean): boolean {
  return flowOf(stmts, isConstTrue).completes;
}

/**
 * How control leaves statements: whether it can reach their end, and whether a `break` among them
 * (not inside a nested loop, whose break leaves that loop only) leaves the loop they are in.
 */
interface Flow {
  readonly completes: boolean;
  readonly breaks: boolean;
}

const NORMAL: Flow = { completes: true, breaks: false };
const JUMPS: Flow = { completes: false, breaks: false };

function flowOf(stmts: Stmt[], isConstTrue: (e: Expr) => boolean): Flow {
  let completes = true;
  let breaks = false;
  for (const s of stmts) {
    const f = flow(s, isConstTrue);
    completes &&= f.completes;
    breaks ||= f.breaks;
  }
  return { completes, breaks };
}

function flow(s: Stmt, isConstTrue: (e: Expr) => boolean): Flow {
  switch (s.kind) {
    case "BreakStmt":
      return { completes: false, breaks: true };
    case "ReturnStmt":
    case "StopStmt":
    case "ErrorStopStmt":
    case "ContinueStmt":
      return JUMPS;
    case "IfStmt": {
      const then = flowOf(s.then.body, isConstTrue);
      const otherwise = s.else === null ? NORMAL : s.else.kind === "Block" ? flowOf(s.else.body, isConstTrue) : flow(s.else, isConstTrue);
      return { completes: then.completes || otherwise.completes, breaks: then.breaks || otherwise.breaks };
    }
    case "WhileStmt":
      return { completes: !isConstTrue(s.cond) || flowOf(s.body.body, isConstTrue).breaks, breaks: false };
    case "CriticalStmt":
    case "ChangeTeamStmt":
      return flowOf(s.body.body, isConstTrue);
    case "ForStmt": // its bounds may give no iteration at all
    case "ForallStmt":
    case "ConstDecl":
    case "VarDecl":
    case "SharedDecl":
    case "AssignStmt":
    case "ExprStmt":
    case "SyncAllStmt":
    case "SyncImagesStmt":
    case "SyncMemoryStmt":
    case "CheckpointStmt":
    case "FormTeamStmt":
    case "LockStmt":
    case "UnlockStmt":
    case "EventPostStmt":
    case "EventWaitStmt":
      return NORMAL;
    default:
      return assertNever(s);
  }
}
