// `pgasc run` on one node: the images run in a child process (local-child.ts) that this process
// watches, so that what can kill the job's process (the out-of-memory killer, a signal) is still
// reported, --timeout bounds the whole run (a thousand threads starting included), the job
// never outlives pgasc, and a job whose process was killed can be run again (--restart-on-failure,
// restarts.ts). Consumes RunLocalOptions; produces the job's exit status.

import { spawn } from "node:child_process";
import { constants } from "node:os";
import { fileURLToPath } from "node:url";
import { describeKill } from "./killed.js";
import { TIMEOUT_STATUS } from "../node/engine-options.js";
import type { RunLocalOptions } from "./run-local.js";
import { runWithRestarts, type JobOutcome, type LaunchCheckpoint } from "./restarts.js";

/** After --timeout, the job's own report gets this long before the process is killed. */
const TIMEOUT_GRACE_MS = 5000;
const FORWARDED: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

export interface LocalRestarts {
  /** `--restart-on-failure K`: at most K restarts (0: none). */
  limit: number;
  /** The program's checkpoints (undefined: it takes none, a restart begins again). */
  checkpoint?: LaunchCheckpoint;
}

/** Runs the job; `exported` (`-x VAR=VALUE`) is added to the job process's environment. */
export function runLocalProcess(opts: RunLocalOptions, exported: Record<string, string> = {}, restarts: LocalRestarts = { limit: 0 }): Promise<number> {
  const say = (line: string) => process.stderr.write(`${line}\n`);
  return runWithRestarts(restarts.limit, restarts.checkpoint, say, (mode) =>
    runOnce(opts.checkpoint ? { ...opts, checkpoint: { ...opts.checkpoint, restart: mode } } : opts, exported),
  );
}

/** One run of the job's process; `lost` when it was killed by a signal nobody here sent. */
function runOnce(opts: RunLocalOptions, exported: Record<string, string>): Promise<JobOutcome> {
  const entry = fileURLToPath(new URL("./local-child.js", import.meta.url));
  // stdin is ours: it closes when this process ends, however it ends, and the child follows.
  // V8 and profiling flags given to this process (`node --cpu-prof pgasc run ...`) apply to the
  // job's process too, where the images run; a debugger port cannot be shared, so --inspect stays.
  const flags = process.execArgv.filter((flag) => !flag.startsWith("--inspect"));
  const child = spawn(process.execPath, [...flags, entry, JSON.stringify(opts)], {
    stdio: ["pipe", "inherit", "inherit"],
    env: { ...process.env, ...exported },
  });
  const say = (line: string) => process.stderr.write(`pgasc: ${line}\n`);
  let forwarded: NodeJS.Signals | undefined;
  let timedOut = false;

  const handlers = FORWARDED.map((signal) => {
    const handler = () => {
      forwarded ??= signal;
      child.kill(signal);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  const deadline =
    opts.timeoutSeconds === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          say(`timeout: the job did not end within --timeout ${opts.timeoutSeconds} s (start-up included); stopping it`);
          child.kill("SIGKILL");
        }, opts.timeoutSeconds * 1000 + TIMEOUT_GRACE_MS);

  return new Promise<JobOutcome>((resolve) => {
    const done = (status: number, lost?: JobOutcome["lost"]) => {
      if (deadline) clearTimeout(deadline);
      for (const [signal, handler] of handlers) process.off(signal, handler);
      resolve(lost ? { status, lost } : { status });
    };
    child.on("error", (error) => {
      say(`cannot start the job's process: ${error.message}`);
      done(1);
    });
    child.on("exit", (code, signal) => {
      if (timedOut) return done(TIMEOUT_STATUS);
      if (signal === null) return done(code ?? 1);
      if (signal === forwarded) return done(128 + (constants.signals[signal] ?? 0));
      const images = opts.images === 1 ? "image 0 lost" : `images 0-${opts.images - 1} lost`;
      say(describeKill("the job's process", signal, images));
      done(1, { what: "the job's process", why: `killed by ${signal}` });
    });
  });
}
