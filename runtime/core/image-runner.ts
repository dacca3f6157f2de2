// Runs one image's program on a Core (any conduit): loads the compiled program module, runs its
// `main(rt)` synchronously and turns every way it can end into stop / abort for the node's main
// thread; a program with `checkpoint` statements gets its checkpoint settings and has its held
// output written when it ends. Consumes the image's workerData and its Core; used by every
// conduit's worker entry.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { MessagePort } from "node:worker_threads";
import { ABI_VERSION } from "../abi/abi.js";
import { PgasRuntime } from "../abi/runtime.js";
import type { ProgramInfo } from "../abi/runtime-base.js";
import type { CheckpointSettings } from "../checkpoint/storage.js";
import type { ImageRecorder } from "../observe/recorder.js";
import type { SharedMemoryCore } from "./shared-memory-core.js";
import { IMAGE_STACK_TRACE_LIMIT, describeUncaught } from "./uncaught.js";

export interface ImageWorkerData {
  rank: number;
  size: number;
  control: SharedArrayBuffer;
  port: MessagePort;
  programUrl: string;
  args: string[];
  label: boolean;
  stdoutFd: number;
  stderrFd: number;
  /** Present in an observed run (--profile, --trace): what to record. */
  observe?: { tracing: boolean; eventsPerImage?: number };
  /** Where checkpoints go and whether this run restarts (default: NAME.ckpt beside the module, fresh). */
  checkpoint?: CheckpointSettings;
}

interface ProgramModule {
  abiVersion?: number;
  sourceFile?: string;
  sourceLines?: string[];
  sites?: number[][];
  checkpoints?: number;
  main?: (rt: PgasRuntime) => void;
}

function isSignal(error: unknown, kind: "stop" | "abort"): boolean {
  return typeof error === "object" && error !== null && (error as { pgasSignal?: string }).pgasSignal === kind;
}

export async function runImage(data: ImageWorkerData, core: SharedMemoryCore): Promise<void> {
  const loadFailure = (message: string) => {
    if (core.beginAbort(1)) {
      core.writeErr(`pgasc: image ${data.rank}: ${message}\n`, true);
      core.finishAbort();
    }
  };
  let program: ProgramModule;
  try {
    program = (await import(data.programUrl)) as ProgramModule;
  } catch (error) {
    loadFailure(`cannot load the program ${data.programUrl}: ${(error as Error)?.message ?? String(error)}`);
    return;
  }
  if (program.abiVersion !== ABI_VERSION || typeof program.main !== "function") {
    loadFailure(`the program was compiled for runtime ABI ${String(program.abiVersion)}, this runtime has ABI ${ABI_VERSION}; rebuild it`);
    return;
  }
  const info: ProgramInfo = { sourceFile: program.sourceFile ?? "program", sourceLines: program.sourceLines ?? [], sites: program.sites ?? [] };
  // Observed runs and programs with checkpoints load what they need; any other run's image threads
  // load neither (module loading is a good part of a thread's start-up).
  let recorder: ImageRecorder | null = null;
  let rt: PgasRuntime;
  if (data.observe) {
    const [{ ImageRecorder }, { ObservedRuntime }] = await Promise.all([import("../observe/recorder.js"), import("../observe/observed-runtime.js")]);
    ImageRecorder.warmUp(data.size);
    recorder = new ImageRecorder(data.rank, data.size, data.observe.tracing, data.observe.eventsPerImage);
    rt = new ObservedRuntime(core, info, data.args, data.label, recorder);
  } else {
    rt = new PgasRuntime(core, info, data.args, data.label);
  }
  if ((program.checkpoints ?? 0) > 0) {
    const [{ ImageCheckpoint }, { defaultCheckpointDir }] = await Promise.all([import("../checkpoint/image-checkpoint.js"), import("../checkpoint/storage.js")]);
    rt.enableCheckpoints(data.checkpoint ?? { dir: defaultCheckpointDir(fileURLToPath(data.programUrl)), restart: "no" }, ImageCheckpoint);
  }
  Error.stackTraceLimit = IMAGE_STACK_TRACE_LIMIT;
  try {
    program.main(rt);
    rt.flushOutput();
  } catch (error) {
    if (isSignal(error, "abort")) return;
    if (!isSignal(error, "stop")) {
      const programText = readProgram(data.programUrl);
      const { message, position } = describeUncaught(error, data.programUrl, programText);
      try {
        rt.report(message, position);
      } catch {
        // report always unwinds with the abort signal
      }
      return;
    }
    // `stop`: the lines held since the last checkpoint go out before the image counts as stopped.
    try {
      rt.flushOutput();
    } catch {
      return; // the job is aborting (or the output's reader has gone)
    }
  } finally {
    // Before the image counts as stopped: the node gathers records once every image has ended.
    if (recorder) postRecord(data.port, recorder);
  }
  // Ended normally (end of program or `stop`): the memory stays mapped by the other images; the
  // launcher waits for every image, which is the end-of-program synchronisation.
  core.markStopped();
}

function postRecord(port: MessagePort, recorder: ImageRecorder): void {
  const record = recorder.finish();
  try {
    const buffers = [record.events, record.syncs, record.matrixBytes, record.matrixOps].map((array) => array.buffer as ArrayBuffer);
    port.postMessage({ t: "observed", record }, buffers);
  } catch {
    // the node is already gone: nothing to tell
  }
}

function readProgram(url: string): string {
  try {
    return readFileSync(fileURLToPath(url), "utf8");
  } catch {
    return "";
  }
}
