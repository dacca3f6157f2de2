// End-to-end tests of the `pgasc` command as a user runs it: real processes of dist/cli/pgasc.js
// (built by `npm test`). Covers --help/--version, init → build → run, check's diagnostics format,
// --emit ast/ts, and bad input that must end in diagnostics, never a crash or a hang.

import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runAsync } from "../support/run-async.js";

const root = join(import.meta.dirname, "..", "..");
const cli = join(root, "dist", "cli", "pgasc.js");

/** Runs pgasc to its end without blocking the worker (test/support/run-async.ts); killed after 240 s (a hang). */
function pgasc(args: string[], cwd = root, timeoutMs = 240_000) {
  return runAsync(process.execPath, [cli, ...args], { cwd, timeoutMs });
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "pgasc-cli-"));
}

/** A stack trace of pgasc's own internals must never reach the user. */
function expectNoStackTrace(stderr: string) {
  expect(stderr).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);
  expect(stderr).not.toMatch(/internal error/);
}

describe("pgasc command", () => {
  it("--version and --help", async () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    const v = await pgasc(["--version"]);
    expect(v.status).toBe(0);
    expect(v.stdout.trim()).toBe(pkg.version);
    const h = await pgasc(["--help"]);
    expect(h.status).toBe(0);
    for (const cmd of ["init", "check", "build", "run"]) expect(h.stdout).toContain(cmd);
  });

  it("init DIR, then build and run -n 16 in it", async () => {
    const dir = tempDir();
    const init = await pgasc(["init", "demo"], dir);
    expect(init.status).toBe(0);
    const demo = join(dir, "demo");
    expect(existsSync(join(demo, "main.pgas"))).toBe(true);
    expect((await pgasc(["init", "demo"], dir)).status).toBe(1); // never overwrites
    const build = await pgasc(["build"], demo);
    expect(build.stderr).toBe("");
    expect(build.status).toBe(0);
    const run = await pgasc(["run", "-n", "16"], demo);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split("\n").sort();
    expect(lines).toHaveLength(16);
    for (let i = 0; i < 16; i++) expect(lines).toContain(`hello from image ${i} of 16`);
  });

  it("check reports every error as FILE:LINE:COL with the source line and a caret, status 1", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "main.pgas"), 'var x = 1\nx = "text"\nvar y: int = undeclared + 1\n');
    const r = await pgasc(["check"], dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^main\.pgas:2:\d+: error: .+/m);
    expect(r.stderr).toMatch(/^main\.pgas:3:\d+: error: .*undeclared/m);
    expect(r.stderr).toContain('x = "text"\n');
    expect(r.stderr).toMatch(/\n\s*\^/);
    expectNoStackTrace(r.stderr);
  });

  it("check of a clean program prints nothing and exits 0", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "ok.pgas"), "const N = 4\nvar c: float(N)[*]\nc(0) = 1.5\nsync all\n");
    const r = await pgasc(["check", "ok.pgas"], dir);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("a missing file is one clear line", async () => {
    const r = await pgasc(["check", "nowhere.pgas"], tempDir());
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("nowhere.pgas");
  });

  it("build --emit ast prints the typed AST as JSON; --emit ts the generated TypeScript", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "main.pgas"), "var s: int[*]\ns = this_image()\nsync all\nprint(s[0])\n");
    const ast = await pgasc(["build", "--emit", "ast"], dir);
    expect(ast.status).toBe(0);
    const program = JSON.parse(ast.stdout);
    expect(program.kind).toBe("Program");
    expect(program.body.length).toBe(4);
    expect(JSON.stringify(program)).toContain('"type"');
    const ts = await pgasc(["build", "--emit", "ts"], dir);
    expect(ts.status).toBe(0);
    expect(ts.stdout).toContain("export function main");
  });

  it("a reader that goes away (`| head`) ends the run quietly with status 141", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "many.pgas"), 'for i in 0..1000000 { print("line", i) }\n');
    expect((await pgasc(["build", "many.pgas"], dir)).status).toBe(0);
    const child = spawn(process.execPath, [cli, "run", "-n", "4", "many.pgas"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.stdout.once("data", () => child.stdout.destroy());
    const status = await new Promise<number | null>((done) => child.on("close", (code) => done(code)));
    expect(stderr).toBe("");
    expect(status).toBe(141);
  });

  it("a program in a read-only folder is built into a cache folder", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "ro.pgas"), 'print("read-only ok")\n');
    chmodSync(dir, 0o555);
    try {
      // Root may write anywhere: run as nobody when we are root, so the folder is really read-only.
      const asNobody = process.getuid?.() === 0;
      const r = asNobody
        ? await runAsync("su", ["nobody", "-s", "/bin/sh", "-c", `'${process.execPath}' '${cli}' run -n 2 '${join(dir, "ro.pgas")}'`], { timeoutMs: 240_000 })
        : await runAsync(process.execPath, [cli, "run", "-n", "2", join(dir, "ro.pgas")], { timeoutMs: 240_000 });
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe("read-only ok\nread-only ok\n");
      expect(existsSync(join(dir, "build"))).toBe(false);
    } finally {
      chmodSync(dir, 0o755);
    }
  });

  it("bad command lines exit 2 with a message", async () => {
    expect((await pgasc(["frobnicate"])).status).toBe(2);
    const r = await pgasc(["run", "-n", "0", "x.pgas"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/-n/);
  });
});

describe("bad input never crashes or hangs the compiler", () => {
  const cases: [string, () => string | Buffer][] = [
    ["an empty file", () => ""],
    ["binary garbage", () => Buffer.from(Array.from({ length: 65536 }, (_, i) => (i * 7919 + 13) % 256))],
    ["10 MB of one token", () => "x".repeat(10 << 20)],
    ["10 MB of one number", () => "9".repeat(10 << 20)],
    ["deeply nested parentheses", () => "var x = " + "(".repeat(100_000) + "1" + ")".repeat(100_000) + "\n"],
    ["deeply nested blocks", () => "if true {".repeat(20_000) + "}".repeat(20_000) + "\n"],
    ["an unterminated string", () => 'print("never closed\n'],
    ["an unterminated comment", () => "var x = 1 /* never closed\n".repeat(3)],
    ["a long line of operators", () => "var x = " + "1 + ".repeat(200_000) + "1\n"],
  ];
  for (const [name, make] of cases) {
    // "Never hangs": a generous limit that only a hang reaches, even on a loaded machine (how
    // fast these are is bench/check-speed.ts's business).
    it(name, { timeout: 300_000 }, async () => {
      const dir = tempDir();
      writeFileSync(join(dir, "bad.pgas"), make());
      const r = await pgasc(["check", "bad.pgas"], dir);
      expect(r.signal, "killed by the time limit: a hang").toBeNull();
      expect([0, 1]).toContain(r.status);
      if (r.status === 1) expect(r.stderr).toMatch(/^bad\.pgas:\d+:\d+: error: /m);
      expectNoStackTrace(r.stderr);
    });
  }
});
