// Runs the benchmark programs: pgasc kernels through the CLI (hand-written program modules through
// bench/run-module.ts), Coarray Fortran peers through caf/cafrun (compiled on demand into
// bench/results/bin), hand-written JS baselines with node.
// Consumes the job specs of figures.ts; gives each run's stdout/stderr, status and wall time.

import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Job } from "./figures.js";
import { NODE_MALLOC_TUNABLES } from "../../runtime/launcher/job-plan.js";

export interface Paths {
  repo: string;
  cli: string;
  kernels: string;
  peers: string;
  baselines: string;
  results: string;
}

export interface RunOutput {
  status: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
  timedOut: boolean;
}

/** Runs a command in its own process group so that a timeout ends it and everything it started. */
export function runCommand(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutSeconds: number; cwd?: string },
): Promise<RunOutput> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, options.timeoutSeconds * 1000);
    const finish = (status: number | null) => {
      clearTimeout(timer);
      killGroup(child.pid); // leave nothing behind (MPI daemons, worker processes)
      resolve({ status, stdout, stderr, seconds: (performance.now() - started) / 1000, timedOut });
    };
    child.on("error", (e) => {
      stderr += String(e);
      finish(null);
    });
    child.on("close", (code) => finish(code));
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

export function which(tool: string): string | null {
  const r = spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Environment of Open MPI runs: as root, and pinned to loopback for the TCP transport. */
export function cafEnvironment(transport: "shm" | "tcp"): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OMPI_ALLOW_RUN_AS_ROOT: "1",
    OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: "1",
    OMPI_MCA_oob_tcp_if_include: "lo",
  };
  if (transport === "tcp") {
    // ob1 over the tcp BTL; Open MPI 4.1's rdma one-sided component cannot make windows over
    // tcp (MPI_ERR_WIN), pt2pt can. Loopback only.
    Object.assign(env, {
      OMPI_MCA_btl: "tcp,self",
      OMPI_MCA_pml: "ob1",
      OMPI_MCA_osc: "pt2pt",
      OMPI_MCA_btl_tcp_if_include: "lo",
    });
  }
  return env;
}

/**
 * Compiles bench/peers/NAME.f90 (with common.f90) unless the binary is newer than both sources.
 * Returns the binary's path, or an error text.
 */
export function compileFortranPeer(paths: Paths, name: string): { binary?: string; error?: string } {
  const binDir = join(paths.results, "bin");
  mkdirSync(binDir, { recursive: true });
  const binary = join(binDir, name);
  const sources = [join(paths.peers, "common.f90"), join(paths.peers, `${name}.f90`)];
  const newest = Math.max(...sources.map((s) => statSync(s).mtimeMs));
  if (existsSync(binary) && statSync(binary).mtimeMs > newest) return { binary };
  const r = spawnSync("caf", ["-O2", "-J", binDir, ...sources, "-o", binary], { encoding: "utf8" });
  if (r.status !== 0) {
    const text = (r.stderr + r.stdout).split("\n").filter((l) => l && !l.includes("Warning"));
    return { error: `caf failed for ${name}.f90: ${text.slice(0, 4).join(" | ")}` };
  }
  return { binary };
}

/** The command line of one job; the pgasc kernels must have been built to `builtModule`. */
export function commandOf(
  job: Job,
  paths: Paths,
  binaries: Map<string, string>,
): { command: string; args: string[]; env?: NodeJS.ProcessEnv } {
  switch (job.side) {
    case "pgasc": {
      const file = join(paths.kernels, `${job.program}.pgas`);
      const nodes = job.nodes && job.nodes > 1 ? ["--nodes", String(job.nodes)] : [];
      const observe = job.observe === "profile" ? ["--profile"] : job.observe === "trace" ? ["--trace", join(paths.results, "trace.json")] : [];
      return {
        command: process.execPath,
        args: [paths.cli, "run", "-n", String(job.images), ...nodes, ...observe, "-o", builtModule(paths, job.program),
          "--timeout", String(job.timeoutSeconds), file, "--", ...job.args],
      };
    }
    case "caf-shm":
    case "caf-tcp":
      return {
        command: "cafrun",
        args: ["-n", String(job.images), "--oversubscribe", binaries.get(job.program)!, ...job.args],
        env: cafEnvironment(job.side === "caf-tcp" ? "tcp" : "shm"),
      };
    case "js":
      // under the malloc settings pgasc gives its node processes: raw grpc-js gains the most from them
      return { command: process.execPath, args: [join(paths.baselines, `${job.program}.js`), ...job.args], env: { ...process.env, GLIBC_TUNABLES: NODE_MALLOC_TUNABLES } };
    case "c":
      return { command: binaries.get(`c:${job.program}`)!, args: job.args };
    case "pgasc-module":
      // One node, the job's own process, checkpoints in a temporary directory (bench/run-module.ts).
      return { command: process.execPath, args: [join(paths.repo, "dist", "bench", "run-module.js"), job.program, String(job.images), ...job.args] };
    case "pgasc-build": {
      // a fresh output path each time, so that nothing is reused: the whole build is timed
      const out = join(paths.results, "build", "timed", `${Date.now()}-${job.program.replace(/\W+/g, "_")}.mjs`);
      return { command: process.execPath, args: [paths.cli, "build", job.program, "-o", out] };
    }
  }
}

export function builtModule(paths: Paths, program: string): string {
  return join(paths.results, "build", `${program.replace(/\//g, "-")}.mjs`);
}

/**
 * Compiles bench/baselines/NAME.c with the system `cc -O3` unless the binary is newer than the
 * source. Returns the binary's path, or why there is none (no cc: the C figures are skipped).
 */
export function compileCBaseline(paths: Paths, name: string): { binary?: string; error?: string } {
  if (!which("cc")) return { error: "no C compiler (cc): the C baselines are skipped" };
  const binDir = join(paths.results, "bin");
  mkdirSync(binDir, { recursive: true });
  const binary = join(binDir, `${name}-c`);
  const source = join(paths.repo, "bench", "baselines", `${name}.c`);
  if (existsSync(binary) && statSync(binary).mtimeMs > statSync(source).mtimeMs) return { binary };
  const r = spawnSync("cc", ["-O3", "-o", binary, source, "-lm"], { encoding: "utf8" });
  if (r.status !== 0) return { error: `cc -O3 failed for ${name}.c: ${(r.stderr + r.stdout).split("\n").slice(0, 3).join(" | ")}` };
  return { binary };
}
