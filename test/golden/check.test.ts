// Golden tests of the checker: every test/golden/diagnostics/<rule>.pgas (one per E2xxx rule, named
// after its catalogue entry) against its rendered <rule>.diag; every check-clean program checks
// without diagnostics; typed-AST listings; docs/intrinsics.md is generated from the catalogue.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkProgram } from "../../compiler/check/check.js";
import { Check } from "../../compiler/diagnostics/catalogue-check.js";
import { DiagnosticSink } from "../../compiler/diagnostics/diagnostic.js";
import { renderDiagnostics } from "../../compiler/diagnostics/render.js";
import { parseProgram } from "../../compiler/syntax/parse.js";
import { renderIntrinsicsDoc } from "../../compiler/intrinsics/doc.js";
import { expectBaseline } from "./harness.js";
import { typedAstListing } from "../../compiler/check/typed-listing.js";

const here = new URL(".", import.meta.url).pathname;
const diagDir = join(here, "diagnostics");
const cleanDir = join(here, "check-clean");

function pgasFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".pgas"))
    .sort();
}

function check(dir: string, file: string) {
  const text = readFileSync(join(dir, file), "utf8");
  const sink = new DiagnosticSink(file);
  const program = parseProgram(text, file, sink);
  const syntaxErrors = sink.diagnostics.filter((d) => d.code.startsWith("E1"));
  if (syntaxErrors.length === 0) checkProgram(program, sink);
  return { text, program, syntaxErrors, diagnostics: sink.sorted() };
}

/** `assignToConst` → `assign-to-const`: the golden file of a catalogue entry. */
function ruleFile(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

describe("semantic diagnostics", () => {
  for (const file of pgasFiles(diagDir)) {
    it(file, () => {
      const { text, syntaxErrors, diagnostics } = check(diagDir, file);
      expect(syntaxErrors.map((d) => d.message), "a diagnostics golden must parse").toEqual([]);
      const rule = Object.entries(Check).find(([key]) => ruleFile(key) === file.replace(/\.pgas$/, ""));
      expect(rule, `${file} is not named after a catalogue entry`).toBeDefined();
      expect(diagnostics.map((d) => d.code), `${file} must report its own code`).toContain(rule![1].code);
      expectBaseline(join(diagDir, file.replace(/\.pgas$/, ".diag")), renderDiagnostics(diagnostics, text));
    });
  }

  it("every E2xxx code has a golden file", () => {
    const files = new Set(pgasFiles(diagDir).map((f) => f.replace(/\.pgas$/, "")));
    const missing = Object.entries(Check)
      .filter(([key]) => !files.has(ruleFile(key)))
      .map(([key, def]) => `${def.code} ${key}`);
    expect(missing).toEqual([]);
  });

  it("codes are unique", () => {
    const codes = Object.values(Check).map((d) => d.code);
    expect(new Set(codes).size).toBe(codes.length);
  });
});

describe("programs that check cleanly", () => {
  for (const file of pgasFiles(cleanDir)) {
    it(file, () => {
      const { text, program, diagnostics } = check(cleanDir, file);
      expect(renderDiagnostics(diagnostics, text)).toBe("");
      if (file.startsWith("typed-")) {
        expectBaseline(join(cleanDir, file.replace(/\.pgas$/, ".types")), typedAstListing(program));
      }
    });
  }
});

describe("intrinsics documentation", () => {
  it("docs/intrinsics.md is generated from the catalogue", () => {
    expectBaseline(join(here, "../../docs/intrinsics.md"), renderIntrinsicsDoc());
  });
});
