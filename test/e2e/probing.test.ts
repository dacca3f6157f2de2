// The holes found by probing (issue 9), each reproduced as a user hit it: a path or a comment that
// smuggled code into the generated module, a folder Node cannot import from, runtime errors that
// lost their line or spoke V8's words. Real `pgasc` processes (dist/cli/pgasc.js).

import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runAsync } from "../support/run-async.js";

const cli = join(import.meta.dirname, "..", "..", "dist", "cli", "pgasc.js");

function pgasc(args: string[], cwd: string) {
  // asynchronous: a worker blocked in spawnSync on a loaded machine misses vitest's RPC deadline
  return runAsync(process.execPath, [cli, ...args], { cwd, timeoutMs: 240_000 });
}

/** A program `p.pgas` in a folder of the given name under a fresh temporary folder. */
function programIn(folder: string, text: string): { cwd: string; file: string } {
  const cwd = mkdtempSync(join(tmpdir(), "pgasc-probe-"));
  mkdirSync(join(cwd, folder), { recursive: true });
  const file = join(folder, "p.pgas");
  writeFileSync(join(cwd, file), text);
  return { cwd, file };
}

describe("nothing from a path or the source runs as code", () => {
  it("a newline in the program's folder name stays inside the header comment", async () => {
    const { cwd, file } = programIn('evil\nprocess.stdout.write(String.fromCharCode(88, 10));//', 'print("ok")\n');
    const r = await pgasc(["run", "-n", "1", file], cwd);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("ok\n");
    expect(r.status).toBe(0);
  });

  it("U+2028 in a folder name and in a string stays inside literals and comments", async () => {
    const { cwd, file } = programIn("sep\u2028process.exit(9)//", 'print("a\u2029b")\n');
    const r = await pgasc(["run", "-n", "1", file], cwd);
    expect(r.stdout).toBe("a\u2029b\n");
    expect(r.status).toBe(0);
  });

  it("a line comment longer than the lexer's 64 KiB chunk does not end early", async () => {
    const { cwd, file } = programIn(".", "// " + "a".repeat(65_533) + ' ; print("HIDDEN")\nprint("visible")\n');
    expect((await pgasc(["check", file], cwd)).status).toBe(0);
    const r = await pgasc(["run", "-n", "1", file], cwd);
    expect(r.stdout).toBe("visible\n");
    expect(r.status).toBe(0);
  });
});

describe("a folder Node cannot import from", () => {
  it("a '\\' in the program's folder builds into the cache instead and runs, on one node and two", async () => {
    const { cwd, file } = programIn("back\\slash", 'print("ok", num_images())\n');
    const one = await pgasc(["run", "-n", "1", file], cwd);
    expect(one.stderr).toBe("");
    expect(one.stdout).toBe("ok 1\n");
    const two = await pgasc(["run", "-n", "2", "--nodes", "2", file], cwd);
    expect(two.stderr).toBe("");
    expect(two.stdout).toBe("ok 2\nok 2\n");
  });

  it("-o into such a folder is refused in one line", async () => {
    const { cwd, file } = programIn("back\\slash", 'print("ok")\n');
    const r = await pgasc(["run", "-n", "1", "-o", "back\\slash/x.mjs", file], cwd);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("pgasc: back\\slash/x.mjs: Node cannot load a module from a path that contains '\\'; give another -o\n");
  });
});

describe("runtime errors name the line", () => {
  it("a stack overflow thrown at a function's entry names the recursive call", async () => {
    const { cwd, file } = programIn(".", "fn f(n: int) -> int {\n  var s = 0\n  for i in 0..3 { s += i }\n  return f(n + 1) + 1\n}\nprint(f(0))\n");
    const r = await pgasc(["run", "-n", "2", file], cwd);
    expect(r.status).toBe(1);
    // the stack runs out at the recursive call (line 4) or at the outlined loop's call (line 3)
    expect(r.stderr).toMatch(/p\.pgas:[34]:3: runtime error: image [01]: stack overflow \(recursion too deep\)/);
  });

  it("a private array too large for memory says how many bytes, for which variable, at its line", async () => {
    const { cwd, file } = programIn(".", "const n = 100000\nvar a: float(n, n)\nprint(a(0, 0))\n");
    const r = await pgasc(["run", "-n", "2", file], cwd);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/p\.pgas:2:1: runtime error: image [01]: cannot allocate 80000000000 bytes \(74\.5 GiB\) for 'a' \(10000000000 elements\)/);
    expect(r.stderr).not.toMatch(/RangeError|typed array/);
  });
});
