// A job killed by the kernel's out-of-memory killer says so: which node or process, which images,
// and that memory is the likely cause (issue 9: it exited 137 with no message). The kill is real:
// the job runs in a memory cgroup with a 200 MiB limit and its program fills 2 x 240 MiB. Needs
// root and a writable cgroup memory controller (v1 or v2); skipped with the reason otherwise.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const cli = join(import.meta.dirname, "..", "..", "dist", "cli", "pgasc.js");
const LIMIT_BYTES = 200 * 1024 * 1024;

/** A fresh memory cgroup, or why there cannot be one. */
function memoryCgroup(): { dir: string; limitFile: string } | string {
  if (process.getuid?.() !== 0) return "not root";
  const v1 = "/sys/fs/cgroup/memory";
  const v2 = "/sys/fs/cgroup";
  try {
    if (existsSync(join(v1, "memory.limit_in_bytes")) || existsSync(join(v1, "cgroup.procs"))) {
      const dir = join(v1, `pgasc-oom-${process.pid}`);
      mkdirSync(dir);
      writeFileSync(join(dir, "memory.limit_in_bytes"), String(LIMIT_BYTES));
      return { dir, limitFile: "memory.limit_in_bytes" };
    }
    if (readFileSync(join(v2, "cgroup.controllers"), "utf8").includes("memory")) {
      const dir = join(v2, `pgasc-oom-${process.pid}`);
      mkdirSync(dir);
      writeFileSync(join(dir, "memory.max"), String(LIMIT_BYTES));
      return { dir, limitFile: "memory.max" };
    }
    return "no cgroup memory controller";
  } catch (e) {
    return `cannot make a memory cgroup: ${(e as Error).message}`;
  }
}

const cgroup = memoryCgroup();
afterAll(() => {
  if (typeof cgroup !== "string") {
    try {
      rmdirSync(cgroup.dir);
    } catch {
      // a process still in it: the kernel removes nothing; leave it
    }
  }
});

/** Runs pgasc inside the cgroup (the shell moves itself in, then becomes pgasc). */
function runInCgroup(args: string[]) {
  if (typeof cgroup === "string") throw new Error(cgroup);
  const script = `echo $$ > "$1/cgroup.procs" && shift && exec "$@"`;
  const r = spawnSync("sh", ["-c", script, "sh", cgroup.dir, process.execPath, cli, ...args], { encoding: "utf8", timeout: 180_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const PROGRAM = `// every image fills 30 M floats (240 MiB): more than the cgroup's 200 MiB
var a: float(30000000)
for i in 0..size(a) { a(i) = 1.0 }
print("filled", this_image())
`;

describe.skipIf(typeof cgroup === "string")(`out-of-memory kills${typeof cgroup === "string" ? ` (skipped: ${cgroup})` : ""}`, () => {
  const dir = mkdtempSync(join(tmpdir(), "pgasc-oom-"));
  const file = join(dir, "fill.pgas");
  writeFileSync(file, PROGRAM);

  it("one node: the job's process is named with its images and memory as the likely cause", () => {
    const r = runInCgroup(["run", "-n", "2", file]);
    expect(r.stderr).toContain("pgasc: the job's process was killed by SIGKILL; images 0-1 lost.");
    expect(r.stderr).toContain("out-of-memory killer");
    expect(r.status).toBe(1);
  });

  it("several nodes: the killed node is named with its images", () => {
    const r = runInCgroup(["run", "-n", "2", "--nodes", "2", file]);
    expect(r.stderr).toMatch(/pgasc: node [01] \(image [01]\) was killed by SIGKILL; image [01] lost\. .*out-of-memory killer/);
    expect(r.status).toBe(1);
  });
});
