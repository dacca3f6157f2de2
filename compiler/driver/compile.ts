// The compiler pipeline in one place: .pgas text → parse → check → (emit TypeScript → JavaScript).
// Consumes source text and a file name; gives the typed AST, the diagnostics, and on request the
// generated code. The back end (ts-morph, prettier) is imported lazily so `pgasc check` stays fast.

import { DiagnosticSink, type Diagnostic } from "../diagnostics/diagnostic.js";
import { Driver } from "../diagnostics/catalogue.js";
import { parseProgram } from "../syntax/parse.js";
import { checkProgram } from "../check/check.js";
import type { Program } from "../ast/nodes.js";

export interface CheckResult {
  program: Program;
  diagnostics: Diagnostic[];
  ok: boolean;
}

/** Parse and check. Never throws on user input. */
export function checkSource(text: string, file: string): CheckResult {
  const sink = new DiagnosticSink(file);
  const program = parseProgram(text, file, sink);
  // Checking a tree with syntax errors would mostly repeat them as follow-on errors.
  if (!sink.hasErrors()) {
    guardDepth(sink, program, () => checkProgram(program, sink));
  }
  const diagnostics = sink.sorted();
  return { program, diagnostics, ok: !diagnostics.some((d) => d.severity === "error") };
}

export interface BuildResult extends CheckResult {
  /** Generated TypeScript (when ok). */
  ts?: string;
  /** Generated JavaScript module (when ok). */
  js?: string;
}

/**
 * The phases walk the tree recursively; a tree thousands of levels deep (a 100,000-term sum on
 * one line) would overflow the stack. That is a limit of the compiler, reported as one.
 */
function guardDepth(sink: DiagnosticSink, program: Program, phase: () => void): boolean {
  try {
    phase();
    return true;
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    sink.report(Driver.tooDeep, program.span);
    return false;
  }
}

/** Parse, check and generate code. */
export async function buildSource(text: string, file: string): Promise<BuildResult> {
  const checked = checkSource(text, file);
  if (!checked.ok) return checked;
  const { emitTypeScript, transpileToJavaScript } = await import("../emit/emit.js");
  try {
    const ts = await emitTypeScript(checked.program, { file, text });
    const js = transpileToJavaScript(ts);
    return { ...checked, ts, js };
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    const sink = new DiagnosticSink(file);
    sink.report(Driver.tooDeep, checked.program.span);
    return { ...checked, diagnostics: sink.sorted(), ok: false };
  }
}
