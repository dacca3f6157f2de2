// The launcher's side of checkpoint and restart (docs/checkpoint.md): what the compiled program
// says about its checkpoints, the checks of `--restart` before anything starts, and
// `--restart-on-failure K`: a job that lost a node (killed by a signal, hung) is run again from its
// last complete checkpoint, at most K times. Consumes the built module, the checkpoint directory
// and each attempt's outcome; produces the job's exit status.

import { pathToFileURL } from "node:url";
import { checkRestart, discardManifest, mismatch, programHash, readManifest, type CheckpointSettings, type RestartMode } from "../checkpoint/storage.js";

/** How one attempt at a job ended. */
export interface JobOutcome {
  status: number;
  /**
   * Set when a node process (or the one-node job's process) died under the job rather than
   * ending with a status: killed by a signal nobody in the job sent, or hung. Only such an
   * ending is restarted; an `error stop` or a runtime error ends the job with its status.
   */
  lost?: { what: string; why: string };
}

/** A refused restart or checkpoint option: one line for the user, exit status 2. */
export class CheckpointOptionError extends Error {
  readonly status = 2;
}

/** What the launcher knows of a job's checkpoints. */
export interface LaunchCheckpoint {
  /** The directory, and the restart mode of the first attempt. */
  settings: CheckpointSettings;
  /** programHash() of the built program, and its image count. */
  program: string;
  images: number;
  /** Every node writes the directory the launcher sees (this host, or a shared file system). */
  visible: boolean;
}

export interface CheckpointRequest {
  /** The built module. */
  module: string;
  /** Absolute checkpoint directory (`--checkpoint-dir`, or NAME.ckpt beside the .pgas program). */
  dir: string;
  restart: boolean;
  images: number;
  visible: boolean;
  /** false for --show: only what the program says, nothing checked or discarded. */
  check: boolean;
}

/**
 * The checkpoint settings of a run, or undefined for a program without `checkpoint` statements.
 * With --restart, checks (where the launcher can see the directory) that there is a complete
 * checkpoint of this program at this image count; otherwise discards the manifest of an earlier
 * run, so that a restart after a failure never resumes from a checkpoint this run did not take.
 */
export async function checkpointForLaunch(request: CheckpointRequest): Promise<LaunchCheckpoint | undefined> {
  let module: { checkpoints?: number; sourceLines?: string[] };
  try {
    module = (await import(pathToFileURL(request.module).href)) as typeof module;
  } catch (e) {
    // The images report a module that does not load; only a restart needs it here.
    if (!request.restart) return undefined;
    throw new CheckpointOptionError(`pgasc: cannot restart: cannot load ${request.module}: ${(e as Error).message}`);
  }
  if (!((module.checkpoints ?? 0) > 0)) {
    if (request.restart) throw new CheckpointOptionError("pgasc: cannot restart: the program has no checkpoint statement, so it never saves anything to restart from");
    return undefined;
  }
  const program = programHash(module.sourceLines ?? []);
  if (request.check && request.visible) {
    if (request.restart) {
      const checked = checkRestart(request.dir, program, request.images, true);
      if ("problem" in checked) throw new CheckpointOptionError(`pgasc: cannot restart: ${checked.problem}`);
    } else {
      discardManifest(request.dir);
    }
  }
  return { settings: { dir: request.dir, restart: request.restart ? "yes" : "no" }, program, images: request.images, visible: request.visible };
}

/** Where a restart after a failure resumes, as the restart line says it. */
function restartPoint(checkpoint: LaunchCheckpoint | undefined): string {
  if (checkpoint === undefined) return "the beginning";
  if (!checkpoint.visible) return "the last complete checkpoint, if there is one";
  const read = readManifest(checkpoint.settings.dir);
  if ("manifest" in read && mismatch(read.manifest, checkpoint.settings.dir, checkpoint.program, checkpoint.images) === undefined) {
    return `checkpoint ${read.manifest.seq}`;
  }
  return "the beginning";
}

/**
 * Runs attempts of a job until one ends other than by a lost node, or `limit` restarts were made.
 * `attempt(mode)` runs the job once with that restart mode: the first as asked, then "auto" (from
 * the last complete checkpoint if this run committed one, else from the beginning).
 */
export async function runWithRestarts(
  limit: number,
  checkpoint: LaunchCheckpoint | undefined,
  say: (line: string) => void,
  attempt: (mode: RestartMode) => Promise<JobOutcome>,
): Promise<number> {
  let mode: RestartMode = checkpoint?.settings.restart ?? "no";
  for (let made = 0; ; made++) {
    const outcome = await attempt(mode);
    if (outcome.lost === undefined || made >= limit) return outcome.status;
    say(`pgasc: ${outcome.lost.what} lost (${outcome.lost.why}); restarting from ${restartPoint(checkpoint)} (attempt ${made + 1} of ${limit})`);
    mode = "auto";
  }
}
