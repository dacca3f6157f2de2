// The report's timeline: one row per image, grouped by node, drawn as inline SVG from the trace's
// "X" spans (the image's "run" span as the row's background, "wait" and "communicate" spans on
// top, nested spans slightly inset) and its flows ("s"/"f" pairs) as thin lines between rows.
// Consumes a TraceFile; produces the SVG and a note saying what was left out to keep it drawable.

import type { TraceEvent, TraceFile } from "../../runtime/observe/trace-format.js";
import { escapeHtml, formatBytes, formatCount, formatUs, niceTicks, px } from "./format.js";

/** Beyond these, a browser gets slow to draw and to hover; the longest are kept (they matter most). */
export const MAX_TIMELINE_SPANS = 20_000;
export const MAX_TIMELINE_FLOWS = 5_000;

const LABEL_WIDTH = 96;
const PLOT_WIDTH = 1040;
const AXIS_HEIGHT = 26;
const NODE_HEADER = 16;

export interface Timeline {
  svg: string;
  /** Empty when everything was drawn. */
  note: string;
}

interface Span {
  event: TraceEvent;
  depth: number;
}

export function buildTimeline(trace: TraceFile): Timeline {
  const summary = trace.pgasc;
  const { start, end } = timeRange(trace);
  const rowHeight = summary.images <= 48 ? 18 : Math.max(4, Math.floor(864 / summary.images));
  const rows = layoutRows(summary.imageNode, rowHeight);
  const x = (t: number) => LABEL_WIDTH + ((t - start) / (end - start)) * PLOT_WIDTH;
  const height = rows.height + 4;

  const spans = spansWithDepth(trace.traceEvents.filter((e) => e.ph === "X" && rows.y.has(e.tid)));
  const background = spans.filter((s) => s.event.cat === "run");
  const foreground = spans.filter((s) => s.event.cat !== "run");
  const kept =
    foreground.length > MAX_TIMELINE_SPANS
      ? [...foreground].sort((a, b) => (b.event.dur ?? 0) - (a.event.dur ?? 0)).slice(0, MAX_TIMELINE_SPANS)
      : foreground;
  const flows = pairFlows(trace.traceEvents).filter(([s, f]) => rows.y.has(s.tid) && rows.y.has(f.tid));
  const keptFlows =
    flows.length > MAX_TIMELINE_FLOWS ? [...flows].sort((a, b) => b[1].ts - b[0].ts - (a[1].ts - a[0].ts)).slice(0, MAX_TIMELINE_FLOWS) : flows;

  const parts: string[] = [];
  parts.push(`<svg id="timeline" class="timeline" xmlns="http://www.w3.org/2000/svg" width="${LABEL_WIDTH + PLOT_WIDTH + 8}" height="${height}">`);
  for (const t of niceTicks(end - start, 10)) {
    const tx = px(x(start + t));
    parts.push(`<line class="tick" x1="${tx}" y1="${AXIS_HEIGHT - 6}" x2="${tx}" y2="${height}"/>`);
    parts.push(`<text class="tick-label" x="${tx}" y="${AXIS_HEIGHT - 10}">${escapeHtml(formatUs(t))}</text>`);
  }
  for (const node of rows.nodes) {
    parts.push(`<text class="node-label" x="2" y="${node.y + NODE_HEADER - 4}">node ${node.node}</text>`);
  }
  for (const [image, y] of rows.y) {
    parts.push(`<text class="image-label" x="${LABEL_WIDTH - 6}" y="${px(y + rowHeight / 2 + 4)}">${rowHeight >= 10 ? `image ${image}` : ""}</text>`);
  }
  for (const span of background) parts.push(spanRect(span, x, rows.y.get(span.event.tid)!, rowHeight, start));
  for (const span of kept) parts.push(spanRect(span, x, rows.y.get(span.event.tid)!, rowHeight, start));
  for (const [s, f] of keptFlows) {
    const y1 = rows.y.get(s.tid)! + rowHeight / 2;
    const y2 = rows.y.get(f.tid)! + rowHeight / 2;
    parts.push(`<line class="flow" x1="${px(x(s.ts))}" y1="${px(y1)}" x2="${px(x(f.ts))}" y2="${px(y2)}"/>`);
  }
  parts.push(`</svg>`);

  const notes: string[] = [];
  if (kept.length < foreground.length) {
    notes.push(
      `${formatCount(foreground.length - kept.length)} of ${formatCount(foreground.length)} spans omitted (the ${formatCount(kept.length)} longest are drawn)`,
    );
  }
  if (keptFlows.length < flows.length) {
    notes.push(`${formatCount(flows.length - keptFlows.length)} of ${formatCount(flows.length)} flows omitted (the longest are drawn)`);
  }
  return { svg: parts.join("\n"), note: notes.length > 0 ? `${notes.join("; ")}. Open the trace in Perfetto for every event.` : "" };
}

/** The run on the trace's time axis; from the events when the summary's range is empty. */
function timeRange(trace: TraceFile): { start: number; end: number } {
  let start = trace.pgasc.startUs;
  let end = trace.pgasc.endUs;
  if (!(end > start)) {
    // A loop, not Math.min(...events): a spread of a million arguments overflows the stack.
    start = Infinity;
    end = -Infinity;
    for (const e of trace.traceEvents) {
      if (e.ph === "M") continue;
      start = Math.min(start, e.ts);
      end = Math.max(end, e.ts + (e.dur ?? 0));
    }
    if (!Number.isFinite(start)) start = 0;
    if (!(end > start)) end = start + 1;
  }
  return { start, end };
}

interface Rows {
  /** The top of each image's row, in drawing order (by node, then image). */
  y: Map<number, number>;
  nodes: { node: number; y: number }[];
  height: number;
}

function layoutRows(imageNode: number[], rowHeight: number): Rows {
  const order = imageNode.map((node, image) => ({ node, image })).sort((a, b) => a.node - b.node || a.image - b.image);
  const y = new Map<number, number>();
  const nodes: { node: number; y: number }[] = [];
  let top = AXIS_HEIGHT;
  for (const { node, image } of order) {
    if (nodes.length === 0 || nodes[nodes.length - 1]!.node !== node) {
      nodes.push({ node, y: top });
      top += NODE_HEADER;
    }
    y.set(image, top);
    top += rowHeight;
  }
  return { y, nodes, height: top };
}

/** Nesting depth of each span on its thread (0: outermost), as trace viewers stack them. */
function spansWithDepth(events: TraceEvent[]): Span[] {
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    const list = byThread.get(key);
    if (list) list.push(e);
    else byThread.set(key, [e]);
  }
  const out: Span[] = [];
  for (const list of byThread.values()) {
    list.sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
    const open: number[] = [];
    for (const e of list) {
      while (open.length > 0 && open[open.length - 1]! <= e.ts) open.pop();
      out.push({ event: e, depth: open.length });
      open.push(e.ts + (e.dur ?? 0));
    }
  }
  return out;
}

/** Flow starts and ends matched by (cat, id), as viewers match them. */
function pairFlows(events: TraceEvent[]): [TraceEvent, TraceEvent][] {
  const starts = new Map<string, TraceEvent>();
  const pairs: [TraceEvent, TraceEvent][] = [];
  for (const e of events) if (e.ph === "s") starts.set(`${e.cat ?? ""}\u0000${e.id}`, e);
  for (const e of events) {
    if (e.ph !== "f") continue;
    const s = starts.get(`${e.cat ?? ""}\u0000${e.id}`);
    if (s) pairs.push([s, e]);
  }
  return pairs;
}

function spanRect(span: Span, x: (t: number) => number, rowTop: number, rowHeight: number, start: number): string {
  const e = span.event;
  const dur = e.dur ?? 0;
  const inset = span.depth === 0 ? 0 : Math.min(rowHeight / 2 - 1, 1 + span.depth);
  const cls = e.cat === "wait" || e.cat === "communicate" || e.cat === "run" ? e.cat : "other";
  const x0 = x(e.ts);
  // At least a hair wide: a 50 ns get in a 2 s run must still show where it is.
  const width = Math.max(0.5, x(e.ts + dur) - x0);
  return (
    `<rect class="span ${cls}" x="${px(x0)}" y="${px(rowTop + inset)}" width="${px(width)}" height="${px(Math.max(1, rowHeight - 2 * inset))}">` +
    `<title>${escapeHtml(spanTitle(e, dur, start))}</title></rect>`
  );
}

function spanTitle(e: TraceEvent, dur: number, start: number): string {
  const lines = [e.name];
  const args = e.args ?? {};
  if (args.at !== undefined) lines.push(`at ${args.at}`);
  lines.push(`start ${formatUs(e.ts - start)}, duration ${formatUs(dur)}`);
  const detail: string[] = [];
  if (args.target !== undefined) detail.push(`target image ${args.target}`);
  if (typeof args.bytes === "number") detail.push(formatBytes(args.bytes));
  if (typeof args.count === "number") detail.push(`${formatCount(args.count)} operation${args.count === 1 ? "" : "s"}`);
  if (detail.length > 0) lines.push(detail.join(", "));
  return lines.join("\n");
}
