// A real Slurm (Debian's slurm-wlm) on this host: munged, slurmctld and two slurmd (nodes 127.0.0.1
// and 127.0.0.2). Runs docs/deployment.md's batch script unmodified under sbatch and a plain
// `srun -N2 -n2 pgasc node` (no -c) against the one-node run, then kills one task with SIGKILL and
// checks the step ends naming the lost node with nothing left. Needs root, slurm-wlm and munge
// (.ci/run installs them); otherwise skipped with the reason printed.

import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deploymentRecipe, haveOpenssl, installPgascCommand, pgascCli, sbatchNumber, throwawayTls } from "../support/deployment-files.js";
import { waitFor } from "../support/wait.js";
import { SLURM_NODES, commandLineOf, processVariable, slurmUnavailable, startSlurmCluster, type SlurmCluster } from "../support/slurm-cluster.js";

const root = join(import.meta.dirname, "..", "..");

const reason = slurmUnavailable() ?? (haveOpenssl() ? undefined : "no openssl (the nodes talk over TLS)");
if (reason) console.warn(`slurm.test.ts skipped: ${reason}`);

interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Lines of text, sorted: nodes' output interleaves by whole lines in any order. */
const sortedLines = (text: string) => text.trim().split("\n").sort();
/** Node warns (DEP0123) that TLS server names cannot be IP addresses; the IP SAN is still checked. */
const withoutTlsIpWarning = (text: string) =>
  text
    .split("\n")
    .filter((l) => l.trim() !== "" && !/DEP0123|trace-deprecation/.test(l))
    .join("\n");

describe.skipIf(reason !== undefined)("real Slurm: slurmctld and two slurmd on this host", () => {
  let cluster: SlurmCluster | undefined;
  let dir: string;
  let env: Record<string, string>;

  /** Runs a command to its end (asynchronously: the test worker stays responsive meanwhile). */
  const run = (command: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Outcome> =>
    new Promise((resolve, reject) => {
      const child = spawn(command, args, { cwd: options.cwd ?? dir, env: { ...env, ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
      child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      const guard = setTimeout(() => child.kill("SIGKILL"), 240_000);
      child.once("error", reject);
      child.once("close", (status) => {
        clearTimeout(guard);
        resolve({ status, stdout, stderr });
      });
    });
  /** The one-node run: `pgasc run -n IMAGES` in one process, the reference every Slurm run must match. */
  const oneNode = (sample: string, images: number): Promise<Outcome> =>
    run(process.execPath, [pgascCli, "run", "-n", String(images), "-o", join(dir, `ref-${sample}.mjs`), join(root, "samples", `${sample}.pgas`)]);
  const build = async (source: string, name: string): Promise<string> => {
    const out = join(dir, "build", `${name}.mjs`);
    const r = await run("pgasc", ["build", source, "-o", out]);
    expect(r.stderr).toBe("");
    return out;
  };

  beforeAll(async () => {
    cluster = await startSlurmCluster({ jobs: 8 });
    console.log(`slurm.test.ts: munged, slurmctld and ${SLURM_NODES.length} slurmd up and idle in ${cluster.setupSeconds.toFixed(1)} s`);
    dir = mkdtempSync(join(tmpdir(), "pgasc-slurm-job-"));
    const bin = installPgascCommand(join(dir, "bin"));
    // Multi-host runs want TLS: one CA, one certificate valid for every node's address.
    const tls = throwawayTls(join(dir, "tls"), [...SLURM_NODES.map((n) => `IP:${n}`), "DNS:localhost"]);
    env = {
      ...cluster.env,
      PATH: `${bin}:${cluster.env.PATH}`,
      HOME: dir,
      NO_COLOR: "1",
      PGASC_TLS_CERT: tls.cert,
      PGASC_TLS_KEY: tls.key,
      PGASC_TLS_CA: tls.ca,
    };
  }, 150_000);

  afterAll(async () => {
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it("the batch script of docs/deployment.md, unmodified, under sbatch: the one-node run's output", { timeout: 300_000 }, async () => {
    const script = deploymentRecipe();
    const images = sbatchNumber(script, "nodes") * sbatchNumber(script, "ntasks-per-node") * sbatchNumber(script, "cpus-per-task");
    const jobDir = join(dir, "batch");
    mkdirSync(jobDir);
    copyFileSync(join(root, "samples", "heat.pgas"), join(jobDir, "heat.pgas"));
    writeFileSync(join(jobDir, "heat.sh"), script);

    // --wait: sbatch returns when the job has ended, with its exit status.
    const submitted = await run("sbatch", ["--wait", "heat.sh"], { cwd: jobDir });
    const jobId = /Submitted batch job (\d+)/.exec(submitted.stdout)?.[1];
    expect(jobId, submitted.stderr).toBeDefined();
    // sbatch writes the job's stdout and stderr to slurm-JOBID.out in the submission directory.
    const output = readFileSync(join(jobDir, `slurm-${jobId}.out`), "utf8");
    expect(submitted.status, output).toBe(0);

    const reference = await oneNode("heat", images);
    expect(reference.status).toBe(0);
    expect(sortedLines(withoutTlsIpWarning(output))).toEqual(sortedLines(reference.stdout));
  });

  it("plain srun -N2 -n2 (no -c): one image per task, the one-node run's output", { timeout: 300_000 }, async () => {
    for (const sample of ["hello", "heat"]) {
      const program = await build(join(root, "samples", `${sample}.pgas`), sample);
      // srun passes the environment, and so the job's token, on to every task.
      const r = await run("srun", ["-N2", "-n2", "pgasc", "node", program], { env: { PGASC_JOB_TOKEN: randomToken() } });
      expect(withoutTlsIpWarning(r.stderr)).toBe("");
      expect(r.status).toBe(0);
      const reference = await oneNode(sample, 2);
      expect(reference.status).toBe(0);
      expect(sortedLines(r.stdout)).toEqual(sortedLines(reference.stdout));
    }
  });

  it("one task killed with SIGKILL: the step ends naming the lost node, nothing is left", { timeout: 300_000 }, async () => {
    const program = await build(join(root, "test", "fixtures", "launcher", "rounds.pgas"), "rounds");
    const step = spawn("srun", ["-N2", "-n2", "pgasc", "node", program], {
      cwd: dir,
      env: { ...env, PGASC_JOB_TOKEN: randomToken() },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    step.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    step.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    const ended = new Promise<number | null>((resolve) => step.on("close", (status) => resolve(status)));
    try {
      expect(await waitFor(() => out.includes("started\n"), 150_000), err).toBe(true);
      // Task 1's node process: a process of this cluster running `pgasc.js node` as SLURM_PROCID=1.
      const victims = cluster!
        .processes()
        .filter((pid) => commandLineOf(pid).some((a) => a.endsWith("pgasc.js")) && processVariable(pid, "SLURM_PROCID") === "1");
      expect(victims).toHaveLength(1);
      const victimHost = processVariable(victims[0], "SLURMD_NODENAME");
      expect(victimHost).toBe(SLURM_NODES[1]);
      process.kill(victims[0], "SIGKILL");

      const status = await ended;
      expect(status).not.toBe(0);
      // Node 0 names the node it lost; srun names the host and the task that was killed.
      expect(err).toContain("pgasc: lost node 1 (");
      expect(err).toContain(`${victimHost}: task 1: Killed`);
      expect(out).not.toContain("done");
      // Nothing of the step left: no task, no slurmstepd, and no job in the queue.
      const leftovers = () => cluster!.jobProcesses();
      expect(await waitFor(() => leftovers().length === 0, 60_000), leftovers().map((p) => commandLineOf(p).join(" ")).join("\n")).toBe(true);
      expect(await waitFor(() => cluster!.query("squeue", ["-h"]).trim() === "", 60_000), cluster!.query("squeue", [])).toBe(true);
    } finally {
      step.kill("SIGKILL");
    }
  });
});

function randomToken(): string {
  return randomBytes(32).toString("hex");
}
