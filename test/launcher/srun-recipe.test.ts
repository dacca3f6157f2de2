// Runs the `srun` recipe of docs/deployment.md as written, with a stand-in `srun` that starts the
// tasks as local processes with Slurm's variables: runs anywhere (slurm.test.ts runs a real Slurm
// where one can be installed). Consumes the doc's `sh srun-recipe` block and samples/heat.pgas;
// checks the output against heat's expected output, and that tasks on two addresses refuse clear
// text without the recipe's TLS lines.

import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { deploymentRecipe, installPgascCommand, jobIdWithFreePorts, pgascCli as cli } from "../support/deployment-files.js";

const root = join(import.meta.dirname, "..", "..");

/**
 * The stand-in srun: starts SLURM_NTASKS copies of its command, task k "on host" 127.0.0.(k+1),
 * with the variables srun gives a task, waits for all and exits with the first failure.
 */
function fakeSrun(tasks: number, cpusPerTask: number, jobId: number): string {
  return `#!/bin/sh
# stand-in srun for the recipe test: local processes with Slurm's task variables
pids=""
k=0
while [ $k -lt ${tasks} ]; do
  SLURM_JOB_ID=${jobId} SLURM_STEP_ID=0 SLURM_PROCID=$k SLURM_LOCALID=0 SLURM_NODEID=$k \\
  SLURM_NTASKS=${tasks} SLURM_NPROCS=${tasks} SLURM_STEP_NUM_TASKS=${tasks} SLURM_NNODES=${tasks} \\
  SLURM_STEP_NODELIST='127.0.0.[1-${tasks}]' SLURM_JOB_NODELIST='127.0.0.[1-${tasks}]' \\
  SLURMD_NODENAME=127.0.0.$((k + 1)) SLURM_CPUS_PER_TASK=${cpusPerTask} \\
  PGASC_LISTEN_HOST=127.0.0.$((k + 1)) \\
  "$@" &
  pids="$pids $!"
  k=$((k + 1))
done
status=0
for p in $pids; do
  wait $p || { s=$?; [ $status -eq 0 ] && status=$s; }
done
exit $status
`;
}

/** Runs `script` as a batch script with the stand-in srun (2 tasks × 2 cpus) in a fresh directory. */
async function runBatchScript(script: string, timeoutMs: number) {
  const dir = mkdtempSync(join(tmpdir(), "pgasc-srun-"));
  const bin = installPgascCommand(join(dir, "bin"));
  writeFileSync(join(bin, "srun"), fakeSrun(2, 2, await jobIdWithFreePorts()));
  chmodSync(join(bin, "srun"), 0o755);
  copyFileSync(join(root, "samples", "heat.pgas"), join(dir, "heat.pgas"));
  writeFileSync(join(dir, "heat.sh"), script);
  const env: NodeJS.ProcessEnv = { PATH: `${bin}:${process.env.PATH}`, HOME: process.env.HOME ?? dir, NO_COLOR: "1" };
  const r = spawnSync("sh", [join(dir, "heat.sh")], { cwd: dir, env, encoding: "utf8", timeout: timeoutMs });
  return { dir, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("docs/deployment.md srun recipe (simulated Slurm environment)", () => {
  it("runs heat on 2 tasks x 2 cpus = 4 images and prints heat's 4-image output", { timeout: 300_000 }, async () => {
    const script = deploymentRecipe();
    // The recipe asks for 2 nodes, 1 task each, 2 cpus per task; the stand-in srun does the same.
    expect(script).toMatch(/--nodes=2/);
    expect(script).toMatch(/--ntasks-per-node=1/);
    expect(script).toMatch(/--cpus-per-task=2/);

    const r = await runBatchScript(script, 100_000);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const expected = readFileSync(join(root, "samples", "expected", "heat.4.txt"), "utf8");
    expect(r.stdout.trim().split("\n").sort()).toEqual(expected.trim().split("\n").sort());
    // The job's TLS material is gone with the job.
    expect(readdirSync(join(r.dir, "build")).filter((name) => name.startsWith("tls-"))).toEqual([]);
  });

  it("without the recipe's TLS lines, tasks on two hosts refuse clear text with one line", { timeout: 300_000 }, async () => {
    // The recipe with the lines that set up TLS (and their comment) left out.
    const script = deploymentRecipe()
      .split("\n")
      .filter((line) => !/tls|TLS/.test(line))
      .join("\n");
    expect(script).not.toMatch(/PGASC_TLS/);
    const r = await runBatchScript(script, 50_000);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    const refusal =
      "pgasc node: refusing to run across hosts in clear text (Slurm may place the tasks on any host; the job token and all data would cross the network unprotected): " +
      "set PGASC_TLS_CERT, PGASC_TLS_KEY and PGASC_TLS_CA (pgasc tls-init DIR makes them) or PGASC_INSECURE=1";
    expect(r.stderr.trim().split("\n")).toEqual([refusal, refusal]);
  });

  it("without the token exported, every task refuses with one line naming the variable", () => {
    const dir = mkdtempSync(join(tmpdir(), "pgasc-srun-"));
    const r = spawnSync(process.execPath, [cli, "node", join(dir, "x.mjs")], {
      encoding: "utf8",
      env: { PATH: process.env.PATH, SLURM_PROCID: "0", SLURM_NTASKS: "2", SLURM_STEP_NODELIST: "nid[001-002]", SLURM_JOB_ID: "7", PGASC_IMAGES: "4" },
      timeout: 20_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^pgasc node: PGASC_JOB_TOKEN is not set: every node of a job needs the same secret token/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});
