// Runs one image's program on a Core (any conduit): loads the compiled program module, runs its
// `main(rt)` synchronously and turns every way it can end into stop / abort for the node's main
// thread. Consumes the image's workerData and its Core; used by every conduit's worker entry.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { MessagePort } from "node:worker_threads";
import { ABI_VERSION } from "../abi/abi.js";
import { PgasRuntime } from "../abi/runtime.js";
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
}

interface ProgramModule {
  abiVersion?: number;
  sourceFile?: string;
  sourceLines?: string[];
  sites?: number[][];
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
  const rt = new PgasRuntime(
    core,
    { sourceFile: program.sourceFile ?? "program", sourceLines: program.sourceLines ?? [], sites: program.sites ?? [] },
    data.args,
    data.label,
  );
  Error.stackTraceLimit = IMAGE_STACK_TRACE_LIMIT;
  try {
    program.main(rt);
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
  }
  // Ended normally (end of program or `stop`): the memory stays mapped by the other images; the
  // launcher waits for every image, which is the end-of-program synchronisation.
  core.markStopped();
}

function readProgram(url: string): string {
  try {
    return readFileSync(fileURLToPath(url), "utf8");
  } catch {
    return "";
  }
}
