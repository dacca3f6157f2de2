// What the node engine needs to run a node's part of a job, whoever starts it: the one-node
// launcher (runtime/launcher/run-local.ts) or a conduit's node program from a NodeConfig
// (conduits/grpc/node-main.ts). Pure data, and the exit status of a timeout.

import type { CheckpointSettings } from "../checkpoint/storage.js";
import type { ObserveOptions } from "../observe/outputs.js";

/** Exit status of a job ended by --timeout (as coreutils' `timeout`). */
export const TIMEOUT_STATUS = 124;

export interface EngineOptions {
  /** This node's index, 0..nodeCount-1, and the number of nodes (1: no peers). */
  nodeIndex: number;
  nodeCount: number;
  /** Images of the whole job. */
  images: number;
  /** URL of the compiled program module. */
  programUrl: string;
  args: string[];
  label: boolean;
  /** Seconds before the job is ended with TIMEOUT_STATUS (none: no limit). */
  timeoutSeconds?: number;
  /** Seconds without progress before the watchdog ends the job (default 30; 0: off). */
  deadlockTimeoutSeconds?: number;
  /** File descriptors for the images' output and the engine's messages. */
  stdoutFd: number;
  stderrFd: number;
  /** The job token (proves a node-hung line to the launcher, node-config.ts); "" without one. */
  token: string;
  /** The image thread entry: core/shared-memory-worker.js, or a conduit's that reaches other nodes. */
  workerUrl: URL;
  /** With PGASC_READY_LINE=1 a launcher reads our stderr for node-hung lines. */
  launcherReadsStderr: boolean;
  /** With PGASC_EXIT_ON_STDIN_EOF=1 the launcher holds our stdin: its end means the launcher is gone. */
  watchStdin: boolean;
  /** `--profile` / `--trace FILE`: record what the images do (node/observation.ts); absent: not observed. */
  observe?: ObserveOptions;
  /** The checkpoint directory and whether this run restarts from it (docs/checkpoint.md); absent: NAME.ckpt beside the module, fresh. */
  checkpoint?: CheckpointSettings;
}
