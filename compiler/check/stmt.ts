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
import { assertNever } from "../ast/visit.js";

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
      return;
    case "ReturnStmt":
      return checkReturn(cx, s.value, s.span);
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
    inLoop(cx, () => checkBlock(cx, s.body));
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
  switch (e.kind) {
    case "Name":
      return `'${e.name}'`;
    case "Apply":
      return e.role === "section" ? `the section of '${e.callee.name}'` : `the element of '${e.callee.name}'`;
    case "Coindex":
      return `'${e.base.kind === "Name" ? e.base.name : e.base.callee.name}' on image [...]`;
    case "IntLiteral":
    case "FloatLiteral":
    case "StringLiteral":
    case "BoolLiteral":
    case "Unary":
    case "Binary":
      return "the target"; // not a target: reported by checkTarget
    default:
      return assertNever(e);
  }
}

/** Checks an assignment target; gives the value type stored there, or ERROR after reporting. */
function checkTarget(cx: Checker, target: Expr): Type {
  switch (target.kind) {
    case "Name": {
      const s = cx.lookup(target.name);
      const t = checkExpr(cx, target);
      if (!s || t.tag === "error") return ERROR;
      if (s.kind === "const") return fail(cx.report(Check.assignToConst, target.span, s.name));
      if (s.kind === "loopvar") return fail(cx.report(Check.assignToLoopVariable, target.span, s.name));
      if (t.tag === "lock" || t.tag === "event") return fail(reportSyncObject(cx, target, s.name, t.tag));
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
    case "IntLiteral":
    case "FloatLiteral":
    case "StringLiteral":
    case "BoolLiteral":
    case "Unary":
    case "Binary":
      checkExpr(cx, target);
      return fail(cx.report(Check.notAssignable, target.span, "this expression"));
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

/** Whether control can reach the end of `stmts` (a `while true` without `break` never ends). */
export function canFallThrough(stmts: Stmt[], isConstTrue: (e: Expr) => boolean): boolean {
  for (const s of stmts) if (!completes(s, isConstTrue)) return false;
  return true;
}

function completes(s: Stmt, isConstTrue: (e: Expr) => boolean): boolean {
  switch (s.kind) {
    case "ReturnStmt":
    case "StopStmt":
    case "ErrorStopStmt":
    case "BreakStmt":
    case "ContinueStmt":
      return false;
    case "IfStmt":
      if (canFallThrough(s.then.body, isConstTrue)) return true;
      if (!s.else) return true;
      return s.else.kind === "Block" ? canFallThrough(s.else.body, isConstTrue) : completes(s.else, isConstTrue);
    case "WhileStmt":
      return !isConstTrue(s.cond) || breaksOut(s.body.body);
    case "CriticalStmt":
      return canFallThrough(s.body.body, isConstTrue);
    case "ConstDecl":
    case "VarDecl":
    case "SharedDecl":
    case "AssignStmt":
    case "ExprStmt":
    case "ForStmt": // a loop with bounds may run no iteration
    case "ForallStmt":
    case "SyncAllStmt":
    case "SyncImagesStmt":
    case "SyncMemoryStmt":
    case "LockStmt":
    case "UnlockStmt":
    case "EventPostStmt":
    case "EventWaitStmt":
      return true;
    default:
      return assertNever(s);
  }
}

/** Whether a `break` in these statements leaves the loop they are the body of. */
function breaksOut(stmts: Stmt[]): boolean {
  return stmts.some((s) => {
    switch (s.kind) {
      case "BreakStmt":
        return true;
      case "IfStmt":
        return breaksOut(s.then.body) || (s.else !== null && breaksOut(s.else.kind === "Block" ? s.else.body : [s.else]));
      case "CriticalStmt":
        return breaksOut(s.body.body);
      case "WhileStmt": // a break inside a nested loop leaves that loop only
      case "ForStmt":
      case "ForallStmt":
      case "ConstDecl":
      case "VarDecl":
      case "SharedDecl":
      case "AssignStmt":
      case "ExprStmt":
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
        return false;
      default:
        return assertNever(s);
    }
  });
}
