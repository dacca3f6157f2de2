// `pgasc build FILE --dump-passes DIR` as a user runs it (a real process of dist/cli/pgasc.js): the
// numbered stage files in the build's order, each what that stage made (the tree before and after
// checking, the LIR after each lowering pass, the same TypeScript and JavaScript a plain build
// gives), and index.html with a diff per changed stage, unchanged ones folded, the program's text
// escaped.

import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runAsync } from "../support/run-async.js";

const root = join(import.meta.dirname, "..", "..");
const cli = join(root, "dist", "cli", "pgasc.js");
const pgasc = (args: string[]) => runAsync(process.execPath, [cli, ...args], { cwd: root, timeoutMs: 240_000 });

const PROGRAM = `// scale, and a string that must not become markup
const n = 1000
var a: float(n)
var b: float(n)
for i in 0..n { a(i) = float(i) }
for i in 0..n { b(i) = 2.0 * a(i) }
print("<script>alert(1)</script>", b(n - 1))
`;

const STAGES = [
  "00-source.pgas",
  "01-parse.tree.txt",
  "02-check.tree.txt",
  "03-resolve-storage.storage.txt",
  "04-lower-to-lir.lir.txt",
  "05-hoist-bounds-checks.lir.txt",
  "06-outline-loops.lir.txt",
  "07-emit.ts",
  "08-transpile.js",
];

describe("pgasc build --dump-passes", () => {
  it("writes every stage in order and a page of diffs", { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "pgasc-passes-"));
    const source = join(dir, "scale.pgas");
    writeFileSync(source, PROGRAM);
    const out = join(dir, "passes");
    const built = await pgasc(["build", source, "-o", join(dir, "scale.mjs"), "--dump-passes", out]);
    expect(built.stderr).toContain(`9 stages of the build in ${out}`);
    expect(built.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual([...STAGES, "index.html"].sort());
    const read = (name: string) => readFileSync(join(out, name), "utf8");

    expect(read("00-source.pgas")).toBe(PROGRAM);
    expect(read("01-parse.tree.txt")).toContain("3:1 VarDecl a type=<none>");
    expect(read("02-check.tree.txt")).toContain("3:1 VarDecl a type=float(:) symbol=a#1");
    expect(read("03-resolve-storage.storage.txt")).toContain("a#1 → array a elem=float rank=1");
    // the loops' bounds checks, then hoisted out of them
    expect(read("04-lower-to-lir.lir.txt")).toMatch(/a\[\$ck1\(i, a\.length, "a", \d+\)\] = i;/);
    expect(read("05-hoist-bounds-checks.lir.txt")).toMatch(/\$a\d+\[i\] = i;/);
    // the generated TypeScript and JavaScript are what the plain build makes
    const ts = await pgasc(["build", source, "--emit", "ts", "-o", "-"]);
    expect(read("07-emit.ts")).toBe(ts.stdout);
    const module = readFileSync(join(dir, "scale.mjs"), "utf8");
    expect(module.slice(module.indexOf("\n") + 1)).toBe(read("08-transpile.js"));

    const page = read("index.html");
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(page).not.toContain("<script>");
    // a section per stage; folded exactly where a stage equals the one before it of its kind
    expect(page.match(/<details class="stage/g)).toHaveLength(STAGES.length);
    const unchanged = read("06-outline-loops.lir.txt") === read("05-hoist-bounds-checks.lir.txt") ? 1 : 0;
    expect(page.match(/<details class="stage unchanged"/g) ?? []).toHaveLength(unchanged);
    expect(page).toMatch(/05-hoist-bounds-checks\.lir\.txt<span class="note">[^<]*: \+\d+ −\d+ lines against 04-lower-to-lir\.lir\.txt/);
    expect(page).toMatch(/<td class="add">\s*const \$a\d+ = a;<\/td>/);

    // a second dump into the same directory replaces the stage files
    writeFileSync(join(out, "09-old-pass.lir.txt"), "stale");
    expect((await pgasc(["build", source, "-o", join(dir, "scale.mjs"), "--dump-passes", out])).status).toBe(0);
    expect(readdirSync(out)).not.toContain("09-old-pass.lir.txt");
  });

  it("a program with errors: the stages up to the error, and the diagnostics", { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "pgasc-passes-"));
    const source = join(dir, "bad.pgas");
    writeFileSync(source, "var x: int = true\n");
    const r = await pgasc(["build", source, "--dump-passes", join(dir, "passes")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/bad\.pgas:1:\d+: error: /);
    expect(readdirSync(join(dir, "passes")).sort()).toEqual(["00-source.pgas", "01-parse.tree.txt", "02-check.tree.txt", "index.html"]);
  });

  it("is refused with --emit ast", { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "pgasc-passes-"));
    writeFileSync(join(dir, "p.pgas"), "print(1)\n");
    const r = await pgasc(["build", join(dir, "p.pgas"), "--emit", "ast", "--dump-passes", join(dir, "passes")]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--dump-passes shows the whole build");
  });
});
