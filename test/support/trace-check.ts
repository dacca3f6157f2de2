// A checker of trace files against the trace-event format's rules as Perfetto and chrome://tracing
// apply them (an event they would drop or misdraw is a problem), plus the consistency of the
// `pgasc` summary (runtime/observe/trace-format.ts). Tests use it on traces that `pgasc run
// --trace` writes and on the synthetic traces of test/report/.
// Consumes parsed JSON; produces a list of problems, each one line (empty: valid).

type Json = Record<string, unknown>;

/** The phases a pgasc trace uses (trace-format.ts's Phase); any other is a writer's bug. */
const PHASES = new Set(["X", "s", "f", "C", "M", "i"]);
const METADATA: Record<string, "name" | "sort_index"> = {
  process_name: "name",
  thread_name: "name",
  process_sort_index: "sort_index",
  thread_sort_index: "sort_index",
};
/** Problems reported per rule before the rest are counted only: one bug can break thousands of events. */
const MAX_PER_RULE = 5;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

class Problems {
  readonly list: string[] = [];
  private readonly perRule = new Map<string, number>();

  add(rule: string, message: string): void {
    const n = (this.perRule.get(rule) ?? 0) + 1;
    this.perRule.set(rule, n);
    if (n <= MAX_PER_RULE) this.list.push(message);
  }

  finish(): string[] {
    for (const [rule, n] of this.perRule) if (n > MAX_PER_RULE) this.list.push(`${rule}: ${n - MAX_PER_RULE} more`);
    return this.list;
  }
}

interface Timed {
  index: number;
  pid: number;
  tid: number;
  /** Integer nanoseconds, as Perfetto imports microsecond timestamps: no float noise at equal endpoints. */
  start: number;
  end: number;
}

export function checkTrace(json: unknown): string[] {
  const problems = new Problems();
  if (!isObject(json)) return ["the trace is not a JSON object"];
  if (!Array.isArray(json.traceEvents)) return ["the trace has no traceEvents array"];
  const spans: Timed[] = [];
  const flowEnds: Timed[] = [];
  const flows = new Map<string, { s: Json[]; f: Json[] }>();
  json.traceEvents.forEach((e: unknown, i: number) => checkEvent(e, i, problems, spans, flowEnds, flows));
  checkFlows(flows, problems);
  checkNesting(spans, flowEnds, problems);
  if ("pgasc" in json) checkSummary(json.pgasc, json.traceEvents as unknown[], problems);
  return problems.finish();
}

const ns = (us: number) => Math.round(us * 1000);

function checkEvent(
  e: unknown,
  i: number,
  problems: Problems,
  spans: Timed[],
  flowEnds: Timed[],
  flows: Map<string, { s: Json[]; f: Json[] }>,
): void {
  const where = `event #${i}`;
  if (!isObject(e)) return problems.add("event", `${where}: not an object`);
  if (typeof e.name !== "string") problems.add("name", `${where}: name is not a string`);
  if (typeof e.ph !== "string" || !PHASES.has(e.ph))
    return problems.add("ph", `${where}: ph ${JSON.stringify(e.ph)} is not one of ${[...PHASES].join(" ")}`);
  if (!isFiniteNumber(e.ts) || e.ts < 0) problems.add("ts", `${where} (${e.ph}): ts ${JSON.stringify(e.ts)} is not a finite number >= 0`);
  if (!Number.isInteger(e.pid) || !Number.isInteger(e.tid)) problems.add("pid", `${where} (${e.ph}): pid and tid must be integers`);
  const args = e.args;
  switch (e.ph) {
    case "X":
      if (!isFiniteNumber(e.dur) || e.dur < 0) problems.add("dur", `${where}: "X" needs a numeric dur >= 0, got ${JSON.stringify(e.dur)}`);
      else if (isFiniteNumber(e.ts)) spans.push({ index: i, pid: e.pid as number, tid: e.tid as number, start: ns(e.ts), end: ns(e.ts) + ns(e.dur) });
      break;
    case "M": {
      const key = METADATA[e.name as string];
      if (key === undefined) problems.add("M", `${where}: "M" named ${JSON.stringify(e.name)} is not ${Object.keys(METADATA).join(", ")}`);
      else if (!isObject(args)) problems.add("M", `${where}: "M" ${e.name} has no args`);
      else if (key === "name" ? typeof args.name !== "string" : !Number.isInteger(args.sort_index))
        problems.add("M", `${where}: "M" ${e.name} needs args.${key}`);
      break;
    }
    case "C":
      if (!isObject(args) || Object.keys(args).length === 0 || !Object.values(args).every(isFiniteNumber))
        problems.add("C", `${where}: "C" needs args of numbers`);
      break;
    case "s":
    case "f": {
      if (e.id === undefined) return problems.add("flow", `${where}: "${e.ph}" has no id`);
      const key = `${String(e.cat)}\u0000${String(e.id)}`;
      const pair = flows.get(key) ?? { s: [], f: [] };
      flows.set(key, pair);
      pair[e.ph].push(e);
      if (e.ph === "f") {
        if (e.bp !== "e") problems.add("bp", `${where}: "f" needs bp "e" (bind to the enclosing slice)`);
        if (isFiniteNumber(e.ts)) flowEnds.push({ index: i, pid: e.pid as number, tid: e.tid as number, start: ns(e.ts), end: ns(e.ts) });
      }
      break;
    }
    case "i":
      if (e.s !== undefined && !["g", "p", "t"].includes(e.s as string))
        problems.add("i", `${where}: "i" scope ${JSON.stringify(e.s)} is not g, p or t`);
      break;
  }
}

function checkFlows(flows: Map<string, { s: Json[]; f: Json[] }>, problems: Problems): void {
  for (const [key, { s, f }] of flows) {
    const name = key.replace("\u0000", " id ");
    if (s.length !== 1 || f.length !== 1) {
      problems.add("pair", `flow ${name}: ${s.length} "s" and ${f.length} "f" events (want one of each)`);
      continue;
    }
    if (isFiniteNumber(s[0]!.ts) && isFiniteNumber(f[0]!.ts) && f[0]!.ts < s[0]!.ts)
      problems.add("flow-order", `flow ${name}: ends (${f[0]!.ts}) before it starts (${s[0]!.ts})`);
  }
}

/** Per thread, spans nest (no partial overlap; touching ends are fine); each flow end lies in a span. */
function checkNesting(spans: Timed[], flowEnds: Timed[], problems: Problems): void {
  const byThread = new Map<string, Timed[]>();
  for (const s of spans) {
    const key = `${s.pid}/${s.tid}`;
    const list = byThread.get(key) ?? [];
    byThread.set(key, list);
    list.push(s);
  }
  for (const [thread, list] of byThread) {
    list.sort((a, b) => a.start - b.start || b.end - a.end);
    const open: Timed[] = [];
    for (const span of list) {
      while (open.length > 0 && open[open.length - 1]!.end <= span.start) open.pop();
      const parent = open[open.length - 1];
      if (parent && span.end > parent.end) {
        problems.add(
          "nesting",
          `thread ${thread}: event #${span.index} [${span.start / 1000}, ${span.end / 1000}] overlaps event #${parent.index} [${parent.start / 1000}, ${parent.end / 1000}] partially`,
        );
        continue;
      }
      open.push(span);
    }
  }
  for (const f of flowEnds) {
    const enclosing = (byThread.get(`${f.pid}/${f.tid}`) ?? []).some((s) => s.start <= f.start && f.start <= s.end);
    if (!enclosing) problems.add("flow-slice", `event #${f.index}: "f" at ${f.start / 1000} on thread ${f.pid}/${f.tid} has no enclosing "X" span`);
  }
}

function checkSummary(summary: unknown, events: unknown[], problems: Problems): void {
  const bad = (message: string) => problems.add("pgasc", `pgasc: ${message}`);
  if (!isObject(summary)) return bad("not an object");
  const images = summary.images;
  const nodes = summary.nodes;
  if (!Number.isInteger(images) || (images as number) < 1) return bad(`images ${JSON.stringify(images)} is not a whole number >= 1`);
  if (!Number.isInteger(nodes) || (nodes as number) < 1) return bad(`nodes ${JSON.stringify(nodes)} is not a whole number >= 1`);
  const n = images as number;
  const sizedList = (key: string, length: number) => {
    const v = summary[key];
    if (!Array.isArray(v) || v.length !== length) bad(`${key} has ${Array.isArray(v) ? v.length : "no"} entries, want ${length}`);
  };
  sizedList("imageNode", n);
  // Images whose data never arrived (an incomplete trace) have no entry.
  if (summary.complete === true) sizedList("perImage", n);
  else if (!Array.isArray(summary.perImage) || summary.perImage.length > n) bad(`perImage has more than ${n} entries`);
  sizedList("dropped", n);
  sizedList("clockOffsetsUs", nodes as number);
  const imageNode = Array.isArray(summary.imageNode) ? (summary.imageNode as unknown[]) : [];
  imageNode.forEach((node, image) => {
    if (!Number.isInteger(node) || (node as number) < 0 || (node as number) >= (nodes as number))
      bad(`imageNode[${image}] = ${JSON.stringify(node)} is not a node`);
  });
  const matrix = isObject(summary.matrix) ? summary.matrix : {};
  for (const key of ["bytes", "ops"]) {
    const m = matrix[key];
    if (
      !Array.isArray(m) ||
      m.length !== n ||
      !m.every((row) => Array.isArray(row) && row.length === n && row.every((v) => isFiniteNumber(v) && v >= 0))
    ) {
      bad(`matrix.${key} is not ${n}×${n} numbers >= 0`);
    }
  }
  if (Array.isArray(summary.perImage)) {
    let previous = -1;
    summary.perImage.forEach((t: unknown, i: number) => {
      if (!isObject(t) || !Number.isInteger(t.image) || (t.image as number) <= previous || (t.image as number) >= n || t.node !== imageNode[t.image as number])
        return bad(`perImage[${i}] is not an image after ${previous} on its node`);
      previous = t.image as number;
      const parts = (t.computeUs as number) + (t.communicateUs as number) + (t.waitUs as number);
      if (!(Math.abs(parts - (t.totalUs as number)) <= 1e-6 * Math.max(1, t.totalUs as number) + 1e-3))
        bad(`perImage[${i}]: compute + communicate + wait != total`);
    });
  }
  if (!Array.isArray(summary.syncs)) bad("syncs is not a list");
  else {
    summary.syncs.forEach((s: unknown, k: number) => {
      if (!isObject(s) || !Array.isArray(s.arrivals) || !Array.isArray(s.leaves) || s.arrivals.length !== n || s.leaves.length !== n)
        bad(`syncs[${k}] does not have one arrival and leave per image`);
    });
  }
  // pid is the image's node, tid the image (trace-format.ts's conventions), for events on an image's track.
  events.forEach((e, i) => {
    if (!isObject(e) || !["X", "s", "f", "i"].includes(e.ph as string)) return;
    const image = e.tid as number;
    if (!Number.isInteger(image) || image < 0 || image >= n) problems.add("track", `event #${i}: tid ${e.tid} is not an image (0..${n - 1})`);
    else if (e.pid !== imageNode[image]) problems.add("track", `event #${i}: pid ${e.pid} is not image ${image}'s node ${imageNode[image]}`);
  });
}
