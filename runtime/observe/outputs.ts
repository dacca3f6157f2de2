// What node 0 writes at the end of an observed run: the trace file (`--trace FILE`, written to a
// temporary name and renamed, events streamed so that no giant string is built) and the profile
// table on stderr (`--profile`). Consumes the nodes' blocks and the program module's sites and
// source; produces the file and the text.

import { closeSync, openSync, renameSync, writeSync } from "node:fs";
import { align, summarise, type NodeBlock, type RunInfo } from "./merge.js";
import { profileTable } from "./profile-table.js";
import { traceEvents } from "./trace-events.js";
import type { TraceEvent, TraceSummary } from "./trace-format.js";

export interface ObserveOptions {
  /** Print the profile table on stderr at the end. */
  profile: boolean;
  /** Write the trace here (an absolute path). */
  tracePath?: string;
  /** Events each image keeps for the trace (recorder.ts DEFAULT_EVENT_CAPACITY when absent). */
  eventsPerImage?: number;
}

export function writeOutputs(opts: ObserveOptions, info: RunInfo, blocks: readonly NodeBlock[], writeErr: (text: string) => void): void {
  const aligned = align(info, blocks);
  const summary = summarise(info, blocks, aligned);
  if (opts.tracePath !== undefined) {
    try {
      writeTraceFile(opts.tracePath, traceEvents(info, aligned, summary), summary);
    } catch (error) {
      writeErr(`pgasc: cannot write the trace ${opts.tracePath}: ${(error as Error).message}\n`);
    }
  }
  if (opts.profile) writeErr(profileTable(summary));
}

/** Events per write: bounds the strings built at once. */
const EVENTS_PER_WRITE = 4096;

function writeTraceFile(path: string, events: readonly TraceEvent[], summary: TraceSummary): void {
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, "w");
  try {
    writeSync(fd, '{"traceEvents":[\n');
    for (let i = 0; i < events.length; i += EVENTS_PER_WRITE) {
      const chunk = events.slice(i, i + EVENTS_PER_WRITE).map((event) => JSON.stringify(event));
      writeSync(fd, (i > 0 ? ",\n" : "") + chunk.join(",\n"));
    }
    writeSync(fd, `\n],\n"displayTimeUnit":"ms",\n"pgasc":${JSON.stringify(summary)}}\n`);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}
