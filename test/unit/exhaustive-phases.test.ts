// Adding a node kind without handling it must not compile, in every phase. A copy of the compiler
// gets one new statement kind and one new expression kind in compiler/ast/nodes.ts, and one new
// statement and expression `k` in the LIR (compiler/lower/lir.ts); the project's own TypeScript
// must then report errors naming each new kind in each phase file that walks or dispatches on them.

import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const root = join(fileURLToPath(import.meta.url), "../../..");
const copy = mkdtempSync(join(tmpdir(), "pgasc-exhaustive-"));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

/** Replaces `before` (which must occur once) in a file of the copy. */
function edit(path: string, before: string, after: string): void {
  const file = join(copy, path);
  const text = readFileSync(file, "utf8");
  expect(text.split(before).length, `${path} has '${before}' once`).toBe(2);
  writeFileSync(file, text.replace(before, after));
}

/** The new kinds, and the phase files that must fail to compile until they handle them. */
const PROBES = [
  {
    name: "ProbeStmt",
    files: [
      "compiler/ast/visit.ts",
      "compiler/syntax/cst-to-ast.ts",
      "compiler/check/stmt.ts",
      "compiler/check/typed-listing.ts",
      "compiler/lower/lower-statements.ts",
    ],
  },
  {
    name: "ProbeExpr",
    files: [
      "compiler/ast/visit.ts",
      "compiler/syntax/build-expressions.ts",
      "compiler/check/expr.ts",
      "compiler/check/fold.ts",
      "compiler/check/typed-listing.ts",
      "compiler/lower/invariance.ts",
      "compiler/lower/lower-expressions.ts",
      "compiler/lower/lower-sections.ts",
    ],
  },
  {
    name: "probeJsStmt",
    files: [
      "compiler/lower/lir.ts",
      "compiler/lower/lir-walk.ts",
      "compiler/lower/hoist-bounds-checks.ts",
      "compiler/lower/outline-loops.ts",
      "compiler/emit/print-lir.ts",
    ],
  },
  {
    name: "probeJsExpr",
    files: ["compiler/lower/lir.ts", "compiler/lower/lir-walk.ts", "compiler/lower/outline-loops.ts", "compiler/emit/print-lir.ts"],
  },
];

describe("a node kind added without its handling", () => {
  it("fails to compile in every phase that must handle it", async () => {
    for (const dir of ["compiler", "runtime"]) cpSync(join(root, dir), join(copy, dir), { recursive: true });
    cpSync(join(root, "package.json"), join(copy, "package.json"));
    symlinkSync(join(root, "node_modules"), join(copy, "node_modules"), "dir");
    const tsconfig = JSON.parse(readFileSync(join(root, "tsconfig.json"), "utf8"));
    tsconfig.include = ["compiler/**/*.ts"];
    tsconfig.compilerOptions.noEmit = true;
    writeFileSync(join(copy, "tsconfig.json"), JSON.stringify(tsconfig));

    edit("compiler/ast/nodes.ts", "export type Stmt =\n", "export interface ProbeStmt {\n  kind: \"ProbeStmt\";\n  span: Span;\n}\nexport type Stmt =\n  | ProbeStmt\n");
    edit("compiler/ast/nodes.ts", "export type Expr =\n", "export interface ProbeExpr extends ExprBase {\n  kind: \"ProbeExpr\";\n}\nexport type Expr =\n  | ProbeExpr\n");
    edit("compiler/lower/lir.ts", "export type JsStmt =\n", "export type JsStmt =\n  | { k: \"probeJsStmt\" }\n");
    edit("compiler/lower/lir.ts", "export type JsExpr =\n", "export type JsExpr =\n  | { k: \"probeJsExpr\" }\n");

    const tsc = join(root, "node_modules/typescript/bin/tsc");
    const { stdout } = await promisify(execFile)(process.execPath, [tsc, "-p", copy, "--pretty", "false"], {
      cwd: copy,
      maxBuffer: 64 * 1024 * 1024,
    }).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? "" })); // tsc exits 2 when it reports errors
    const errors = stdout
      .split("\n")
      .map((line) => /^([^(\s]+)\(\d+,\d+\): error TS\d+: (.*)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ file: m[1]!, message: m[2]! }));

    // every error is about a new kind (the copy compiles otherwise)
    const unrelated = errors.filter((e) => !PROBES.some((p) => e.message.includes(p.name)));
    expect(unrelated, stdout).toEqual([]);
    for (const probe of PROBES) {
      const failing = new Set(errors.filter((e) => e.message.includes(probe.name)).map((e) => e.file));
      for (const file of probe.files) expect(failing.has(file), `${file} does not notice ${probe.name}`).toBe(true);
    }
  }, 600_000);
});
