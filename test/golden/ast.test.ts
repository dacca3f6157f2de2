// Golden tests of the syntax phase: each test/golden/ast/*.pgas parses without diagnostics to the
// AST in <name>.ast.json, and each test/golden/syntax-errors/*.pgas renders to <name>.diag.
// Spans are printed compactly as "line:col-line:col" (end exclusive) to keep baselines readable.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseProgram } from "../../compiler/syntax/parse.js";
import { DiagnosticSink } from "../../compiler/diagnostics/diagnostic.js";
import { renderDiagnostics } from "../../compiler/diagnostics/render.js";
import type { Span } from "../../compiler/diagnostics/span.js";
import { expectBaseline } from "./harness.js";

const astDir = join(__dirname, "ast");
const errorDir = join(__dirname, "syntax-errors");

function pgasFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".pgas"))
    .sort();
}

/** "line:col-line:col" for a span, the end computed from the text (exclusive). */
function compactSpan(span: Span, text: string): string {
  const before = text.slice(0, span.end);
  const endLine = before.split(/\r\n|\r|\n/).length;
  const lastBreak = Math.max(before.lastIndexOf("\n"), before.lastIndexOf("\r"));
  const endCol = span.end - lastBreak;
  return `${span.line}:${span.col}-${endLine}:${endCol}`;
}

export function astToJson(value: unknown, text: string): string {
  return (
    JSON.stringify(
      value,
      (key, v) => (key === "span" ? compactSpan(v as Span, text) : v),
      2,
    ) + "\n"
  );
}

describe("AST goldens", () => {
  for (const file of pgasFiles(astDir)) {
    it(file, () => {
      const text = readFileSync(join(astDir, file), "utf8");
      const sink = new DiagnosticSink(file);
      const program = parseProgram(text, file, sink);
      expect(renderDiagnostics(sink.sorted(), text)).toBe("");
      expectBaseline(join(astDir, file.replace(/\.pgas$/, ".ast.json")), astToJson(program, text));
    });
  }
});

describe("syntax error goldens", () => {
  for (const file of pgasFiles(errorDir)) {
    it(file, () => {
      const text = readFileSync(join(errorDir, file), "utf8");
      const sink = new DiagnosticSink(file);
      parseProgram(text, file, sink);
      expect(sink.hasErrors()).toBe(true);
      expectBaseline(join(errorDir, file.replace(/\.pgas$/, ".diag")), renderDiagnostics(sink.sorted(), text));
    });
  }
});
