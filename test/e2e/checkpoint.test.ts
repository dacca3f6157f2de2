// `checkpoint` end to end (LANGUAGE.md §7.3): test/fixtures/checkpoint/heat.pgas compiled by pgasc,
// run as real node processes, one of them killed with SIGKILL at a random moment after the first
// checkpoint is on disk; restarted by `--restart-on-failure` or by a later `--restart` (on
// another node split), the job must print exactly what an uninterrupted run prints.

import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildDir, cliAvailable, cliPath, ensureCli, repoRoot, runCli, type RunResult } from "./harness.js";

ensureCli();
const TIMEOUT_MS = 300_000;
const program = join(repoRoot, "test", "fixtures", "checkpoint", "heat.pgas");
const module = () => join(buildDir(), "heat-checkpoint.mjs");
// cells per image, steps: a second or two across nodes, a checkpoint every 50 steps
const ARGS = ["--", "500", "600"];

function run(options: string[], dir: string): Promise<RunResult> {
  return runCli(["run", ...options, "--checkpoint-dir", dir, "-o", module(), program, ...ARGS], TIMEOUT_MS);
}

/** The node processes `pgasc run` (process `launcher`) started. */
function nodeProcesses(launcher: number): number[] {
  const out = execFileSync("ps", ["-o", "pid=,ppid=,args=", "-e"], { encoding: "utf8" });
  return out
    .split("\n")
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && Number(m[2]) === launcher && / node /.test(m[3]!))
    .map((m) => Number(m[1]));
}

/**
 * Starts `pgasc run OPTIONS`, waits for its first complete checkpoint, then a random moment more,
 * and kills one node process (a random one) with SIGKILL. Gives the run's result.
 */
async function runAndKillANode(options: string[], dir: string): Promise<RunResult & { killed: boolean }> {
  const child = spawn(process.execPath, [cliPath, "run", ...options, "--checkpoint-dir", dir, "-o", module(), program, ...ARGS], {
    cwd: repoRoot,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let ended = false;
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const timer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), TIMEOUT_MS);
  const done = new Promise<RunResult>((resolve) =>
    child.on("close", (status, signal) => {
      ended = true;
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, timedOut: false });
    }),
  );
  while (!ended && !existsSync(join(dir, "manifest.json"))) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, Math.random() * 300));
  let killed = false;
  const nodes = ended ? [] : nodeProcesses(child.pid!);
  if (nodes.length > 0) {
    process.kill(nodes[Math.floor(Math.random() * nodes.length)]!, "SIGKILL");
    killed = true;
  }
  return { ...(await done), killed };
}

describe.skipIf(!cliAvailable())("checkpoint and restart of a compiled program", () => {
  let reference = "";

  it("an uninterrupted run (the reference), one node", async () => {
    const r = await run(["-n", "4"], mkdtempSync(join(tmpdir(), "pgasc-heat-")));
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
    expect(r.stdout).toMatch(/^step 50 heat [\d.]+\nsaved after step 50 total was [\d.]+\n/);
    expect(r.stdout).toMatch(/\nnoise [\d.]+\n$/);
    reference = r.stdout;
  });

  for (const [images, nodes] of [
    [4, 2],
    [7, 3],
  ] as const) {
    it(`a node killed with SIGKILL, --restart-on-failure 3: -n ${images} --nodes ${nodes} prints what an uninterrupted run prints`, async () => {
      const expected = images === 4 ? reference : (await run(["-n", String(images)], mkdtempSync(join(tmpdir(), "pgasc-heat-")))).stdout;
      const r = await runAndKillANode(["-n", String(images), "--nodes", String(nodes), "--restart-on-failure", "3"], mkdtempSync(join(tmpdir(), "pgasc-heat-")));
      expect(r.killed, "the run ended before a node could be killed").toBe(true);
      expect(r.stderr).toMatch(/restarting from checkpoint \d+ \(attempt 1 of 3\)/);
      expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 0, stdout: expected });
    });
  }

  it("an interrupted run, then --restart on another node split: the two outputs together are the uninterrupted one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pgasc-heat-"));
    const first = await runAndKillANode(["-n", "4", "--nodes", "2"], dir);
    expect(first.killed, "the run ended before a node could be killed").toBe(true);
    expect(first.status).not.toBe(0);
    const second = await run(["-n", "4", "--nodes", "4", "--restart"], dir);
    expect(second.status).toBe(0);
    expect(first.stdout + second.stdout).toBe(reference);
  });

  it("team values saved by a checkpoint work after a restart on another split (test/fixtures/checkpoint/teams.pgas)", async () => {
    const teams = join(repoRoot, "test", "fixtures", "checkpoint", "teams.pgas");
    const dir = mkdtempSync(join(tmpdir(), "pgasc-teams-"));
    const teamsRun = (options: string[], args: string[]) =>
      runCli(["run", "-n", "5", ...options, "--checkpoint-dir", dir, "-o", join(buildDir(), "teams-checkpoint.mjs"), teams, "--", ...args], TIMEOUT_MS);
    const uninterrupted = await teamsRun([], ["0"]);
    expect(uninterrupted.status).toBe(0);
    const stopped = await teamsRun(["--nodes", "2"], ["1"]);
    expect(stopped.status).toBe(7);
    const restarted = await teamsRun(["--nodes", "3", "--restart"], ["0"]);
    expect({ status: restarted.status, stderr: restarted.stderr }).toEqual({ status: 0, stderr: "" });
    expect(restarted.stdout.split("\n").sort()).toEqual(uninterrupted.stdout.split("\n").sort());
  });
});
