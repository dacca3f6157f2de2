// The compiler keeps no state between compilations: builds and parses running at once in one
// process (as in a language server) give exactly what each gives alone, programs with syntax and
// semantic errors among them, and a parse started inside another leaves the outer one intact.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { buildSource, checkSource, type BuildResult } from "../../compiler/driver/compile.js";
import { DiagnosticSink } from "../../compiler/diagnostics/diagnostic.js";
import { lex } from "../../compiler/syntax/lexer.js";
import { parseProgram } from "../../compiler/syntax/parse.js";
import { withParser } from "../../compiler/syntax/parser.js";

const root = join(fileURLToPath(import.meta.url), "../../..");
const read = (path: string) => ({ name: path, text: readFileSync(join(root, path), "utf8") });

const PROGRAMS = [
  read("samples/heat.pgas"),
  read("samples/sort.pgas"),
  read("samples/transpose.pgas"),
  read("test/programs/sections.pgas"),
  read("test/programs/forall.pgas"),
  read("test/programs/functions.pgas"),
  // semantic errors
  read("test/golden/diagnostics/argument-count.pgas"),
  read("test/golden/diagnostics/argument-type.pgas"),
  // syntax errors
  read("test/golden/syntax-errors/else-on-new-line.pgas"),
  read("test/golden/syntax-errors/expected-expression.pgas"),
  { name: "unclosed.pgas", text: "var a: float(4)\na(1 = (2 +\nsync all\n" },
  // deeper than the phases may walk: refused by the parser
  { name: "deep.pgas", text: `var x = ${Array(3000).fill("1").join(" + ")}\nprint(x)\n` },
];

/** What a build gives, as plain data (diagnostics, the typed AST, the generated code). */
function outcome(r: BuildResult): string {
  return JSON.stringify({ ok: r.ok, diagnostics: r.diagnostics, program: r.program, ts: r.ts, js: r.js });
}

describe("compilations at the same time", () => {
  it("builds run together give what each gives alone, in any order", async () => {
    const alone: string[] = [];
    for (const p of PROGRAMS) alone.push(outcome(await buildSource(p.text, p.name)));
    expect(alone.filter((o) => JSON.parse(o).ok).length).toBeGreaterThanOrEqual(6);
    expect(alone.filter((o) => !JSON.parse(o).ok).length).toBeGreaterThanOrEqual(5);

    const together = await Promise.all(PROGRAMS.map((p) => buildSource(p.text, p.name)));
    expect(together.map(outcome)).toEqual(alone);

    // reversed, with checks started between the builds' steps
    const order = [...PROGRAMS.keys()].reverse();
    const mixed = await Promise.all(
      order.map(async (i) => {
        const p = PROGRAMS[i]!;
        const build = buildSource(p.text, p.name);
        const check = checkSource(p.text, p.name);
        return { i, built: await build, check };
      }),
    );
    for (const { i, built, check } of mixed) {
      expect(outcome(built)).toBe(alone[i]);
      const expected = JSON.parse(alone[i]!) as { diagnostics: unknown; program: unknown; ok: boolean };
      expect(JSON.parse(JSON.stringify({ ok: check.ok, diagnostics: check.diagnostics, program: check.program }))).toEqual({
        ok: expected.ok,
        diagnostics: expected.diagnostics,
        program: expected.program,
      });
    }
  }, 300_000);

  it("a parse started inside another gets a parser of its own", () => {
    const outer = PROGRAMS[0]!;
    const inner = PROGRAMS[8]!; // with syntax errors
    const parseAlone = (p: { name: string; text: string }) => {
      const sink = new DiagnosticSink(p.name);
      return JSON.stringify({ program: parseProgram(p.text, p.name, sink), diagnostics: sink.sorted() });
    };
    const innerAlone = parseAlone(inner);
    const outerAlone = parseAlone(outer);

    const tokens = lex(outer.text, new DiagnosticSink(outer.name)).tokens;
    const { cst, errors, innerNested } = withParser((parser) => {
      parser.messages.begin(tokens);
      parser.input = tokens;
      // another parse while this parser holds the outer program's tokens
      const innerNested = parseAlone(inner);
      return { cst: parser.program(), errors: parser.errors, innerNested };
    });
    expect(innerNested).toBe(innerAlone);
    expect(errors).toEqual([]);
    expect(cst.children["statement"]?.length).toBeGreaterThan(5);
    // and the outer program still parses as before
    expect(parseAlone(outer)).toBe(outerAlone);
  });
});
