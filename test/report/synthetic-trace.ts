// A plausible trace of a halo exchange for the report's tests, built as `pgasc run --trace` would
// write it (runtime/observe/trace-format.ts): N images over K nodes, `steps` rounds of compute, a
// get from the right neighbour (the hot line: most of the time), a burst of puts to the left one
// and a `sync all`, then a co_sum. In one round every image but `waiter` computes much longer, so
// `waiter` waits much longer than the others at that barrier. Totals are summed from the spans.
// Consumes options; produces a TraceFile (valid by test/support/trace-check.ts).

import { TRACE_FORMAT_VERSION, type LineStat, type SyncInstance, type TraceEvent, type TraceFile } from "../../runtime/observe/trace-format.js";

export interface SyntheticOptions {
  images: number;
  nodes: number;
  steps?: number;
  /** The image that arrives early at the slow round's barrier. */
  waiter?: number;
  slowStep?: number;
  program?: string;
  /** Extra source lines appended to the program (for escaping tests). */
  extraSource?: string[];
  complete?: boolean;
  missing?: string[];
  dropped?: number[];
}

export const HOT_LINE = 5;
export const SYNC_LINE = 7;

const SOURCE = [
  "// halo exchange: each image reads its right neighbour's edge and writes its left one's",
  "var u: float[64][*]",
  "var total: float[*]",
  "for step in 0..steps {",
  "  u(0) = u[(this_image() + 1) % num_images()](63)   // the hot line",
  "  u[(this_image() + num_images() - 1) % num_images()](63) = u(1)",
  "  sync all",
  "}",
  "total = co_sum(u(0))",
];

interface Site {
  line: number;
  col: number;
  op: string;
  category: "wait" | "communicate";
}

const GET: Site = { line: HOT_LINE, col: 10, op: "get", category: "communicate" };
const PUT: Site = { line: 6, col: 3, op: "put", category: "communicate" };
const SYNC: Site = { line: SYNC_LINE, col: 3, op: "sync all", category: "wait" };
const COSUM: Site = { line: 9, col: 9, op: "co_sum", category: "wait" };

export function syntheticTrace(opts: SyntheticOptions): TraceFile {
  const { images, nodes } = opts;
  const steps = opts.steps ?? 6;
  const waiter = opts.waiter ?? 0;
  const slowStep = opts.slowStep ?? 2;
  const program = opts.program ?? "halo.pgas";
  const imageNode = Array.from({ length: images }, (_, i) => Math.floor((i * nodes) / images));
  const events: TraceEvent[] = [];
  const stats = new Map<string, LineStat>();
  /** Per site, each image's time there: the worst image of each line. */
  const siteTime = new Map<string, number[]>();
  const perImageTime = Array.from({ length: images }, () => ({ communicate: 0, wait: 0 }));
  const bytes = Array.from({ length: images }, () => new Array<number>(images).fill(0));
  const ops = Array.from({ length: images }, () => new Array<number>(images).fill(0));
  const syncs: SyncInstance[] = [];
  let flowId = 0;

  for (let node = 0; node < nodes; node++) events.push({ name: "process_name", ph: "M", ts: 0, pid: node, tid: 0, args: { name: `node ${node}` } });
  for (let image = 0; image < images; image++) {
    events.push({ name: "thread_name", ph: "M", ts: 0, pid: imageNode[image]!, tid: image, args: { name: `image ${image}` } });
    events.push({ name: "thread_sort_index", ph: "M", ts: 0, pid: imageNode[image]!, tid: image, args: { sort_index: image } });
  }

  const span = (image: number, site: Site, ts: number, dur: number, extra: Record<string, number> = {}) => {
    events.push({
      name: site.op,
      ph: "X",
      ts,
      dur,
      pid: imageNode[image]!,
      tid: image,
      cat: site.category,
      args: { at: `${program}:${site.line}:${site.col}`, line: site.line, col: site.col, ...extra },
    });
    const key = `${site.line}:${site.col}:${site.op}`;
    const stat = stats.get(key) ?? { ...site, ops: 0, bytes: 0, timeUs: 0, worstImage: image, worstTimeUs: 0 };
    stats.set(key, stat);
    stat.ops += extra.count ?? 1;
    stat.bytes += extra.bytes ?? 0;
    stat.timeUs += dur;
    const byImage = siteTime.get(key) ?? new Array<number>(images).fill(0);
    siteTime.set(key, byImage);
    byImage[image]! += dur;
    if (byImage[image]! > stat.worstTimeUs) [stat.worstImage, stat.worstTimeUs] = [image, byImage[image]!];
    perImageTime[image]![site.category] += dur;
  };
  const remote = (image: number, target: number, site: Site, ts: number, dur: number, count: number, size: number) => {
    span(image, site, ts, dur, { target, bytes: count * size, count });
    const id = ++flowId;
    events.push({ name: site.op, ph: "s", ts, pid: imageNode[image]!, tid: image, cat: "flow", id });
    events.push({ name: site.op, ph: "f", bp: "e", ts: ts + dur, pid: imageNode[target]!, tid: target, cat: "flow", id });
    bytes[image]![target]! += count * size;
    ops[image]![target]! += count;
  };
  const barrier = (site: Site, arrivals: number[]) => {
    const leave = Math.max(...arrivals) + 15;
    arrivals.forEach((a, image) => span(image, site, a, leave - a));
    syncs.push({ index: syncs.length, op: site.op, line: site.line, arrivals: [...arrivals], leaves: arrivals.map(() => leave) });
    return leave;
  };

  // Images start a little apart, as threads of different nodes do.
  const starts = Array.from({ length: images }, (_, i) => 3 * i);
  let now = [...starts];
  for (let step = 0; step < steps; step++) {
    now = now.map((t, image) => {
      const compute = 200 + 10 * image + (step === slowStep && image !== waiter ? 4000 : 0);
      let at = t + compute;
      const right = (image + 1) % images;
      const left = (image + images - 1) % images;
      remote(image, right, GET, at, 420 + 5 * image, 1, 512);
      at += 420 + 5 * image + 20;
      remote(image, left, PUT, at, 30, 16, 8);
      events.push({ name: "outstanding puts", ph: "C", ts: at, pid: imageNode[image]!, tid: image, id: image, args: { puts: 16 } });
      at += 30 + 10;
      events.push({ name: "outstanding puts", ph: "C", ts: at, pid: imageNode[image]!, tid: image, id: image, args: { puts: 0 } });
      return at;
    });
    const leave = barrier(SYNC, now);
    now = now.map(() => leave);
  }
  const leave = barrier(
    COSUM,
    now.map((t, image) => t + 50 + 7 * image),
  );
  const ends = starts.map((_, image) => leave + 20 + image);
  for (let image = 0; image < images; image++) {
    events.push({
      name: `image ${image}`,
      ph: "X",
      ts: starts[image]!,
      dur: ends[image]! - starts[image]!,
      pid: imageNode[image]!,
      tid: image,
      cat: "run",
    });
  }

  const perImage = imageNode.map((node, image) => {
    const totalUs = ends[image]! - starts[image]!;
    const { communicate, wait } = perImageTime[image]!;
    return { image, node, totalUs, computeUs: totalUs - communicate - wait, communicateUs: communicate, waitUs: wait };
  });

  return {
    traceEvents: events,
    displayTimeUnit: "ms",
    pgasc: {
      version: TRACE_FORMAT_VERSION,
      program,
      source: [...SOURCE, ...(opts.extraSource ?? [])],
      images,
      nodes,
      imageNode,
      complete: opts.complete ?? true,
      missing: opts.missing ?? [],
      dropped: opts.dropped ?? new Array<number>(images).fill(0),
      clockOffsetsUs: Array.from({ length: nodes }, (_, k) => (k === 0 ? 0 : 12.5 * k)),
      startUs: 0,
      endUs: Math.max(...ends),
      perImage,
      lines: [...stats.values()].sort((a, b) => b.timeUs - a.timeUs),
      matrix: { bytes, ops },
      syncs,
    },
  };
}
