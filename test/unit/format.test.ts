// The formatter (compiler/format/prettier-plugin.ts) over every .pgas file of the repository that
// parses: formatting keeps the tree (spans aside), keeps every comment, and is a fixed point (the
// formatted text formats to itself). Plus the layout rules on small cases, and `pgasc fmt` /
// `prettier --plugin pgasc/prettier` as processes.

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { format } from "prettier";
import { describe, expect, it } from "vitest";
import plugin from "../../compiler/format/prettier-plugin.js";
import { DiagnosticSink } from "../../compiler/diagnostics/diagnostic.js";
import { parseProgram } from "../../compiler/syntax/parse.js";
import { runAsync } from "../support/run-async.js";

const root = join(import.meta.dirname, "..", "..");
const fmt = (text: string) => format(text, { parser: "pgas", plugins: [plugin], filepath: "t.pgas" });

/** The tree without positions, or null when the text has syntax errors. */
function tree(text: string): string | null {
  const sink = new DiagnosticSink("t.pgas");
  const program = parseProgram(text, "t.pgas", sink);
  if (sink.hasErrors()) return null;
  return JSON.stringify(program, (key, value) => (key === "span" || key === "file" ? undefined : value));
}

const comments = (text: string) => (text.match(/\/\/[^\r\n]*/g) ?? []).map((c) => c.trimEnd()).sort();

describe("pgasc's formatter", () => {
  const files = execFileSync("git", ["ls-files", "*.pgas"], { cwd: root, encoding: "utf8" }).trim().split("\n");

  it("keeps the tree and the comments of every program in the repository, and is a fixed point", { timeout: 120_000 }, async () => {
    let formatted = 0;
    for (const file of files) {
      const text = readFileSync(join(root, file), "utf8");
      const before = tree(text);
      if (before === null) continue; // the diagnostics tests' programs with syntax errors
      const once = await fmt(text);
      expect(tree(once), `${file}: the formatted program has another tree`).toBe(before);
      expect(comments(once), `${file}: comments`).toEqual(comments(text));
      expect(await fmt(once), `${file}: formatting again changes it`).toBe(once);
      formatted++;
    }
    expect(formatted).toBeGreaterThan(150);
  });

  it("lays programs out one way", async () => {
    expect(await fmt("const x=1+2*3;var y:float(4)[*]\nif x>2{print( \"a\\tb\" )}else if x<0{stop}else{}\n")).toBe(
      'const x = 1 + 2 * 3\nvar y: float(4)[*]\nif x > 2 {\n  print("a\\tb")\n} else if x < 0 {\n  stop\n} else {}\n',
    );
    // parentheses only where the tree needs them; literals as written
    expect(await fmt("print((1 + 2) * 3, 1 + (2 * 3), (-2) ** 2, -(2 ** 2), 2 ** (3 ** 2), (2 ** 3) ** 2, 7 - (2 - 1), 1_000, 0x1F, 1.50e3)\n")).toBe(
      "print((1 + 2) * 3, 1 + 2 * 3, (-2) ** 2, -2 ** 2, 2 ** 3 ** 2, (2 ** 3) ** 2, 7 - (2 - 1), 1_000, 0x1F, 1.50e3)\n",
    );
    // image selectors, sections, layouts, image control statements, one blank line kept
    expect(
      await fmt(
        "shared s: int(8) cyclic(2)\nshared t: int(8)\nvar c: float(10)[*]\n\n\n\nc(0:5)[1] = c(5:)\nsync images(*)\nlock l[0]\nevent wait e until 2\nfor i in 0..10 by 2 { x += i }  // step\n",
      ),
    ).toBe("shared s: int(8) cyclic(2)\nshared t: int(8)\nvar c: float(10)[*]\n\nc(0:5)[1] = c(5:)\nsync images(*)\nlock l[0]\nevent wait e until 2\nfor i in 0..10 by 2 {\n  x += i\n} // step\n");
    // comments in an empty block and before a statement stay where they are
    expect(await fmt("fn f(a: shared int(:)) {\n  // nothing yet\n}\n// last\nf(s)\n")).toBe("fn f(a: shared int(:)) {\n  // nothing yet\n}\n// last\nf(s)\n");
  });

  it("refuses a program with syntax errors, with the diagnostics", async () => {
    await expect(fmt("var x = (\n")).rejects.toThrow(/t\.pgas:1:10: error: expected an expression/);
  });

  it("runs as pgasc fmt [--check] and as a prettier plugin", { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "pgasc-fmt-"));
    const file = join(dir, "p.pgas");
    writeFileSync(file, "const x=1\nprint( x )\n");
    const cli = join(root, "dist", "cli", "pgasc.js");
    const checked = await runAsync(process.execPath, [cli, "fmt", "--check", file], { cwd: root, timeoutMs: 60_000 });
    expect(checked.status).toBe(1);
    expect(checked.stderr).toContain(`${file}: not formatted`);
    expect(readFileSync(file, "utf8")).toBe("const x=1\nprint( x )\n");
    const written = await runAsync(process.execPath, [cli, "fmt", file], { cwd: root, timeoutMs: 60_000 });
    expect(written.status).toBe(0);
    expect(readFileSync(file, "utf8")).toBe("const x = 1\nprint(x)\n");
    expect((await runAsync(process.execPath, [cli, "fmt", "--check", file], { cwd: root, timeoutMs: 60_000 })).status).toBe(0);
    // the same plugin through prettier's own command, by the package's name
    writeFileSync(file, "if true{print(1)}\n");
    const prettier = await runAsync(process.execPath, [join(root, "node_modules", "prettier", "bin", "prettier.cjs"), "--plugin", "pgasc/prettier", file], {
      cwd: root,
      timeoutMs: 60_000,
    });
    expect(prettier.stderr).toBe("");
    expect(prettier.stdout).toBe("if true {\n  print(1)\n}\n");
  });
});
