// Runs a command to its end without blocking the test worker: a vitest worker blocked for a minute
// (spawnSync of a slow run on a loaded machine) misses its own RPC deadline and the whole run fails
// with "Timeout calling onTaskUpdate". Consumes a command line and options like spawnSync's; gives
// the status, signal and output. Killed (SIGKILL) after `timeoutMs`: only a hang gets there.

import { spawn } from "node:child_process";

export interface AsyncRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runAsync(command: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number; input?: string }): Promise<AsyncRun> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: [opts.input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    const guard = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs);
    child.on("close", (status, signal) => {
      clearTimeout(guard);
      resolve({ status, signal, stdout, stderr });
    });
  });
}
