// The file `pgasc run --trace FILE` writes and `pgasc report FILE` reads: the Chrome trace-event
// JSON object format (what Perfetto and chrome://tracing open) plus one extra top-level key,
// `pgasc`, with the run's exact totals (the format keeps unknown top-level keys as metadata).
// Types and conventions only; runtime/observe/trace-writer.ts produces it, report/ consumes it.
//
// Conventions of the events:
// - pid is the node (0..nodes-1), tid the image; "M" events name them ("node 0", "image 3") and
//   sort the image tracks by image.
// - Every image has one "X" span named "image I" (cat "run") from its start to its end; every
//   other span of that image nests inside it (spans of one thread never overlap partially).
// - A span per image control statement, collective, lock, blocking remote operation and burst of
//   puts or same-node gets: ph "X", cat "wait" (synchronisation: its time is waiting) or
//   "communicate" (remote memory), args { at: "file.pgas:LINE:COL", line, col, and where they
//   apply target (image), bytes, count }.
// - A flow from each remote operation span to its target image: ph "s" at the start of the span
//   on the initiator's track, ph "f" with bp "e" on the target image's track (pid = the target's
//   node) at the end of the span, the same id and cat "flow". A flow never ends before it starts.
// - "C" events named "outstanding puts" (one per image: id = image) count puts to other nodes
//   issued and not yet completed by an image control statement.
// - Timestamps in microseconds on node 0's clock (other nodes' clocks aligned at start-up by
//   round trips, as NTP does), relative to the earliest event of the run.

/** Bumped when a field changes meaning; `pgasc report` refuses other versions. */
export const TRACE_FORMAT_VERSION = 1;

export type Phase = "X" | "s" | "f" | "C" | "M" | "i";

export interface TraceEvent {
  name: string;
  ph: Phase;
  /** Microseconds. */
  ts: number;
  pid: number;
  tid: number;
  /** "X" only: microseconds. */
  dur?: number;
  cat?: string;
  /** "s" / "f": the flow's id; "C": the counter's id (the image). */
  id?: number;
  /** "f": "e" binds the flow's end to the enclosing slice. */
  bp?: "e";
  /** "i": scope "t" (thread). */
  s?: "t";
  args?: Record<string, string | number | boolean>;
}

/** The exact totals of one source site (a line and column with one kind of operation). */
export interface LineStat {
  line: number;
  col: number;
  /** The operation, as spans name it: "get", "put", "sync all", "co_sum", "lock", ... */
  op: string;
  /** "wait": synchronisation; "communicate": remote memory operations. */
  category: "wait" | "communicate";
  /** Summed over images. */
  ops: number;
  bytes: number;
  timeUs: number;
  /** The image that spent the most time here, and that time. */
  worstImage: number;
  worstTimeUs: number;
}

export interface ImageTotals {
  image: number;
  node: number;
  /** From the image's start to its end; compute = total - communicate - wait. */
  totalUs: number;
  computeUs: number;
  communicateUs: number;
  waitUs: number;
}

/** One collective synchronisation (the k-th `sync all`, `co_sum`, ... that every image ran). */
export interface SyncInstance {
  /** 0-based: the k-th collective synchronisation of the run. */
  index: number;
  op: string;
  line: number;
  /** Per image, microseconds on the trace's time axis; null when the image did not record it. */
  arrivals: (number | null)[];
  leaves: (number | null)[];
}

export interface TraceSummary {
  version: number;
  /** The .pgas file name as the user gave it, for display. */
  program: string;
  /** The program's source lines (line 1 is source[0]). */
  source: string[];
  images: number;
  nodes: number;
  /** The node of each image. */
  imageNode: number[];
  /** false when the job failed or a node's or image's data never arrived; `missing` says what. */
  complete: boolean;
  missing: string[];
  /** Per image: events that did not fit the image's buffer (totals below still count them). */
  dropped: number[];
  /** Per node: microseconds added to its clock to align it with node 0's. */
  clockOffsetsUs: number[];
  /** The whole run on the trace's time axis. */
  startUs: number;
  endUs: number;
  perImage: ImageTotals[];
  /** Every site that communicated or synchronised, sorted by timeUs, largest first. */
  lines: LineStat[];
  /** matrix.bytes[from][to] and matrix.ops[from][to]: remote memory operations image to image. */
  matrix: { bytes: number[][]; ops: number[][] };
  /** The first collective synchronisations of the run (at most SYNC_INSTANCES_KEPT). */
  syncs: SyncInstance[];
}

export const SYNC_INSTANCES_KEPT = 1000;

export interface TraceFile {
  traceEvents: TraceEvent[];
  displayTimeUnit: "ms" | "ns";
  pgasc: TraceSummary;
}
