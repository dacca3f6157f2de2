// The binder and checker's entry point: annotates a parsed Program in place (symbols, types, roles,
// forall affinity, folded consts) and reports every semantic error to the sink; never throws.
// Consumes the AST from compiler/syntax; gives the typed AST that compiler/lower and emit read.

import type { Expr, FnDecl, Program } from "../ast/nodes.js";
import type { DiagnosticSink } from "../diagnostics/diagnostic.js";
import { Check } from "../diagnostics/catalogue-check.js";
import { Checker } from "./context.js";
import { declareFunction, declareParams } from "./decl.js";
import { foldConstant } from "./fold.js";
import { canFallThrough, checkStatements, checkStmt } from "./stmt.js";

export function checkProgram(program: Program, sink: DiagnosticSink): void {
  const cx = new Checker(sink);

  // Functions may be called before their declaration: declare every signature first.
  const functions: FnDecl[] = [];
  program.body.forEach((item, position) => {
    if (item.kind === "FnDecl") {
      functions.push(item);
      declareFunction(cx, item);
    } else if (item.kind === "VarDecl" || item.kind === "ConstDecl" || item.kind === "SharedDecl") {
      if (!cx.laterTopLevel.has(item.name.text)) cx.laterTopLevel.set(item.name.text, { position, span: item.name.span });
    }
  });

  // Top-level statements run in order and see only the declarations above them.
  program.body.forEach((item, position) => {
    if (item.kind === "FnDecl") return;
    cx.topLevelPosition = position;
    checkStmt(cx, item);
  });
  cx.topLevelPosition = null;

  // Function bodies see every top-level declaration, whatever the order.
  for (const f of functions) checkFunction(cx, f);

  program.symbols = cx.symbols;
}

function checkFunction(cx: Checker, f: FnDecl): void {
  const fnType = cx.symbols[f.symbol!]!.type;
  const result = f.returnType && fnType.tag === "function" ? fnType.result : null;
  cx.fn = { decl: f, name: f.name.text, result };
  cx.inScope(() => {
    // Parameters and the body's outermost declarations share one scope.
    declareParams(cx, f);
    checkStatements(cx, f.body.body);
  });
  const isConstTrue = (e: Expr) => foldConstant(e, cx.symbols) === true;
  if (result && result.tag !== "error" && canFallThrough(f.body.body, isConstTrue)) {
    cx.report(Check.missingReturn, f.name.span, f.name.text, result.tag);
  }
  cx.fn = null;
}
