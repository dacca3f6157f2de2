// The events of the trace file (conventions in trace-format.ts): track names, one run span per
// image, a span per recorded operation or burst, a flow from each operation that reached another
// image to that image's track, and the outstanding-puts counters. Consumes the aligned records
// and the summary (merge.ts); produces TraceEvents. Pure.

import { OP_KINDS } from "./op-kinds.js";
import { COUNTER_KIND, EV, type ImageRecord } from "./recorder.js";
import type { Aligned, RunInfo } from "./merge.js";
import type { TraceEvent, TraceSummary } from "./trace-format.js";

/**
 * A span's ts and dur in whole nanoseconds (as Perfetto holds them): the end of one span and the
 * start of the next, the same microsecond value, then round to the same nanosecond.
 */
function timeOf(fromUs: number, toUs: number): { ts: number; dur: number } {
  const from = Math.round(fromUs * 1000);
  const to = Math.max(from, Math.round(toUs * 1000));
  return { ts: from / 1000, dur: (to - from) / 1000 };
}

export function traceEvents(info: RunInfo, aligned: Aligned, summary: TraceSummary): TraceEvent[] {
  const { records, offsets, originUs } = aligned;
  const nodeOf = summary.imageNode;
  const events: TraceEvent[] = [];
  for (let node = 0; node < info.nodes; node++) {
    events.push({ name: "process_name", ph: "M", ts: 0, pid: node, tid: 0, args: { name: `node ${node}` } });
    events.push({ name: "process_sort_index", ph: "M", ts: 0, pid: node, tid: 0, args: { sort_index: node } });
  }
  // Where each image's run span lies: a flow may only end inside it.
  const spans = records.map((record, image) => {
    if (!record) return null;
    const shift = offsets[nodeOf[image]!]! - originUs;
    return { from: record.startUs + shift, to: record.endUs + shift };
  });
  let flowId = 0;
  for (let image = 0; image < info.images; image++) {
    const record = records[image];
    const span = spans[image];
    if (!record || !span) continue;
    const pid = nodeOf[image]!;
    const shift = offsets[pid]! - originUs;
    events.push({ name: "thread_name", ph: "M", ts: 0, pid, tid: image, args: { name: `image ${image}` } });
    events.push({ name: "thread_sort_index", ph: "M", ts: 0, pid, tid: image, args: { sort_index: image } });
    events.push({ name: `image ${image}`, ph: "X", cat: "run", ...timeOf(span.from, span.to), pid, tid: image });
    for (let e = 0; e < record.eventCount; e++) {
      const base = e * EV.SIZE;
      const ev = record.events;
      const kind = ev[base + EV.KIND]!;
      const ts = ev[base + EV.TS]! + shift;
      const endUs = Math.max(ts, ev[base + EV.END]! + shift);
      const count = ev[base + EV.COUNT]!;
      if (kind === COUNTER_KIND) {
        events.push({ name: `outstanding puts (image ${image})`, ph: "C", ts: timeOf(ts, ts).ts, pid, tid: image, id: image, args: { puts: count } });
        continue;
      }
      const op = OP_KINDS[kind]!;
      const site = ev[base + EV.SITE]!;
      const target = ev[base + EV.TARGET]!;
      const position = info.sites[site] ?? [0, 0];
      const args: Record<string, string | number> = { at: `${info.program}:${position[0]}:${position[1]}`, line: position[0] ?? 0, col: position[1] ?? 0 };
      if (target >= 0) args.target = target;
      if (ev[base + EV.BYTES]! > 0) args.bytes = ev[base + EV.BYTES]!;
      if (count > 1) args.count = count;
      const name = count > 1 ? `${op.name} ×${count}` : op.name;
      const time = timeOf(ts, endUs);
      events.push({ name, ph: "X", cat: op.category, ...time, pid, tid: image, args });
      const to = target >= 0 && target !== image ? spans[target] : null;
      // The flow ends when the operation ended, on the target's track, inside its run span.
      const end = to ? Math.min(Math.max(endUs, to.from), to.to) : 0;
      if (to && end >= ts) {
        const id = ++flowId;
        events.push({ name: op.name, ph: "s", cat: "flow", id, ts: time.ts, pid, tid: image });
        events.push({ name: op.name, ph: "f", bp: "e", cat: "flow", id, ts: timeOf(end, end).ts, pid: nodeOf[target]!, tid: target });
      }
    }
  }
  return events;
}
