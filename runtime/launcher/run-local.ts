// `pgasc run` on one node: runs a compiled program module as N images (worker threads of this
// process). Consumes the path of the compiled .mjs/.js module and the run options; produces the
// exit status (0 normal, the `error stop` code, 1 for a runtime error or a deadlock, 124 after a timeout).

import type { CheckpointSettings } from "../checkpoint/storage.js";
import { runEngine } from "../node/engine.js";
import type { ObserveOptions } from "../observe/outputs.js";
import { programUrl } from "../support/program-url.js";
import { InProcessHub } from "../transport/in-process.js";

export { TIMEOUT_STATUS } from "../node/engine-options.js";

export interface RunLocalOptions {
  /** Path of the compiled program module (.mjs / .js). */
  program: string;
  /** Number of images (>= 1). */
  images: number;
  /** Program arguments (after `--`): `arg(0)` is the first of them. */
  args: string[];
  /** Prefix every output line with `I: `. */
  label?: boolean;
  /** End everything after this many seconds with status TIMEOUT_STATUS. */
  timeoutSeconds?: number;
  /** End the job when no image made progress this long (default 30; 0: no watchdog); see docs/architecture-runtime.md. */
  deadlockTimeoutSeconds?: number;
  /** `--profile` / `--trace FILE`. */
  observe?: ObserveOptions;
  /** `--checkpoint-dir`, `--restart` (docs/checkpoint.md); absent: NAME.ckpt beside the module, fresh. */
  checkpoint?: CheckpointSettings;
  /** File descriptors for program output and error messages (default 1 and 2; tests pass files). */
  stdoutFd?: number;
  stderrFd?: number;
}

export async function runLocal(opts: RunLocalOptions): Promise<number> {
  if (!Number.isInteger(opts.images) || opts.images < 1) {
    throw new RangeError(`the number of images must be a whole number of at least 1, not ${opts.images}`);
  }
  // One node is the node engine with no peers; its images run on the shared-memory core alone.
  return runEngine(
    {
      nodeIndex: 0,
      nodeCount: 1,
      images: opts.images,
      programUrl: programUrl(opts.program),
      args: opts.args,
      label: opts.label ?? false,
      timeoutSeconds: opts.timeoutSeconds,
      deadlockTimeoutSeconds: opts.deadlockTimeoutSeconds,
      stdoutFd: opts.stdoutFd ?? 1,
      stderrFd: opts.stderrFd ?? 2,
      token: "",
      workerUrl: new URL("../core/shared-memory-worker.js", import.meta.url),
      launcherReadsStderr: false,
      watchStdin: false,
      observe: opts.observe,
      checkpoint: opts.checkpoint,
    },
    new InProcessHub(1).factory(0),
  );
}
