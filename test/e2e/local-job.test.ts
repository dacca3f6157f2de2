// `pgasc run` on one node as mpirun/cafrun users expect it (issue 9): -np, --tag-output, -x,
// `build -o -`, no arguments is a usage error, too many images for this host is refused, --timeout
// bounds start-up, and the job's process (a child that pgasc watches) never outlives pgasc.
// Real pgasc processes; nothing here measures time.

import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runAsync } from "../support/run-async.js";

const cli = join(import.meta.dirname, "..", "..", "dist", "cli", "pgasc.js");
const dir = mkdtempSync(join(tmpdir(), "pgasc-local-"));

function pgasc(args: string[], env: NodeJS.ProcessEnv = process.env) {
  // asynchronous: a worker blocked in spawnSync on a loaded machine misses vitest's RPC deadline
  return runAsync(process.execPath, [cli, ...args], { cwd: dir, timeoutMs: 240_000, env });
}

function program(name: string, text: string): string {
  const file = join(dir, `${name}.pgas`);
  writeFileSync(file, text);
  return file;
}

const hello = program("hello", 'print("hello", this_image())\n');

/** True while a process with this pid exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(test: () => boolean, ms = 60_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (test()) return true;
  return test();
}

/** The children of a process (Linux /proc). */
function childrenOf(pid: number): number[] {
  const r = spawnSync("pgrep", ["-P", String(pid)], { encoding: "utf8" });
  return r.stdout.split("\n").filter((l) => l !== "").map(Number);
}

describe("launcher conventions", () => {
  it("pgasc with no arguments prints the help on stderr and exits 2", async () => {
    const r = await pgasc([]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("Usage: pgasc");
    expect(r.stdout).toBe("");
  });

  it("-np N is -n N and --tag-output is -l", async () => {
    const r = await pgasc(["run", "-np", "3", "--tag-output", hello]);
    expect(r.status).toBe(0);
    expect(r.stdout.split("\n").filter((l) => l !== "").sort()).toEqual(["0: hello 0", "1: hello 1", "2: hello 2"]);
  });

  it("-x VAR=VALUE and -x VAR reach the job's process", async () => {
    const preload = join(dir, "show-env.cjs");
    writeFileSync(preload, 'process.stderr.write(`env ${process.env.PGASC_T_A} ${process.env.PGASC_T_B}\\n`);\n');
    const r = await pgasc(["run", "-n", "1", "-x", `NODE_OPTIONS=--require=${preload}`, "-x", "PGASC_T_A=one two", "-x", "PGASC_T_B", hello], {
      ...process.env,
      PGASC_T_B: "three",
    });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("env one two three");
    expect((await pgasc(["run", "-n", "1", "-x", "PGASC_T_UNSET_X", hello])).stderr).toBe("pgasc: -x PGASC_T_UNSET_X: PGASC_T_UNSET_X is not set here (give -x PGASC_T_UNSET_X=VALUE)\n");
  });

  it("build -o - writes the module to standard output", async () => {
    const r = await pgasc(["build", hello, "-o", "-"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("export function main(rt)");
  });

  it("more than 8 images per core on this host is refused in one line, unless --oversubscribe", async () => {
    const many = availableParallelism() * 8 + 1;
    const r = await pgasc(["run", "-n", String(many), hello]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^pgasc: -n ${many} is more than 8 images per core on this host's \\d+ cores? \\(\\d+\\): .*--oversubscribe\\n$`));
    const nodes = await pgasc(["run", "-n", String(many), "--nodes", "2", hello]);
    expect(nodes.status).toBe(2);
    expect(nodes.stderr).toContain(`-n ${many} is more than 8 images per core`);
  });
});

describe("the job's process", () => {
  const spin = program("spin", 'var x = 0.0\nprint("running")\nwhile true { x = x + 1.0 }\n');

  /** Starts `pgasc run` and waits for the program's first line. */
  async function started(args: string[]) {
    const child = spawn(process.execPath, [cli, ...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (err += d));
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
    expect(await until(() => out.includes("running"))).toBe(true);
    const [job] = childrenOf(child.pid!);
    expect(job).toBeGreaterThan(0);
    return { child, job, ended, stderr: () => err };
  }

  it("ends when pgasc is killed with SIGKILL (it cannot pass anything on)", async () => {
    const run = await started(["run", "-n", "2", spin]);
    run.child.kill("SIGKILL");
    await run.ended;
    expect(await until(() => !alive(run.job))).toBe(true);
  });

  it("SIGTERM to pgasc ends the job with 143, nothing left", async () => {
    const run = await started(["run", "-n", "2", spin]);
    run.child.kill("SIGTERM");
    expect((await run.ended).code).toBe(143);
    expect(alive(run.job)).toBe(false);
  });

  it("killed from outside: pgasc names it and its images", async () => {
    const run = await started(["run", "-n", "2", spin]);
    process.kill(run.job, "SIGKILL");
    expect((await run.ended).code).toBe(1);
    expect(run.stderr()).toContain("pgasc: the job's process was killed by SIGKILL; images 0-1 lost. If nobody sent it, the kernel's out-of-memory killer did");
  });

  it("--timeout bounds a start-up of many threads", async () => {
    const r = await pgasc(["run", "-n", "200", "--oversubscribe", "--timeout", "1", hello]);
    expect(r.status).toBe(124);
    expect(r.stderr).toMatch(/pgasc: timeout: /);
  });
});
