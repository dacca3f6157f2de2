// Unit tests of test/support/trace-check.ts: the synthetic trace and small variations of it that
// keep the format's rules pass; each broken variation is caught, by the rule it breaks.

import { describe, expect, it } from "vitest";
import type { TraceEvent, TraceFile } from "../../runtime/observe/trace-format.js";
import { checkTrace } from "../support/trace-check.js";
import { syntheticTrace } from "./synthetic-trace.js";

/** A small trace that is valid: 3 images on 2 nodes, one round. */
function base(): TraceFile {
  return syntheticTrace({ images: 3, nodes: 2, steps: 1 });
}

function find(trace: TraceFile, test: (e: TraceEvent) => boolean): TraceEvent {
  const e = trace.traceEvents.find(test);
  if (!e) throw new Error("the synthetic trace lacks the event a case changes");
  return e;
}

const firstGet = (t: TraceFile) => find(t, (e) => e.ph === "X" && e.name === "get");
const firstFlowStart = (t: TraceFile) => find(t, (e) => e.ph === "s");
const flowEndOf = (t: TraceFile, s: TraceEvent) => find(t, (e) => e.ph === "f" && e.id === s.id);

/** Loosens the types for cases that write what the format forbids. */
const raw = (e: TraceEvent) => e as unknown as Record<string, unknown>;

describe("checkTrace accepts", () => {
  it("the synthetic trace, for several shapes", () => {
    for (const [images, nodes] of [
      [1, 1],
      [3, 2],
      [8, 3],
    ] as const)
      expect(checkTrace(syntheticTrace({ images, nodes }))).toEqual([]);
  });

  it("spans that touch (one ends where the next starts) and a child ending with its parent", () => {
    const t = base();
    const get = firstGet(t);
    const end = get.ts + get.dur!;
    t.traceEvents.push({ ...get, name: "next", ts: end, dur: 5 }, { ...get, name: "child", ts: get.ts + 1, dur: get.dur! - 1 });
    expect(checkTrace(t)).toEqual([]);
  });

  it("fractional microseconds whose sums are not exact in floating point", () => {
    const t = base();
    const get = firstGet(t);
    t.traceEvents.push({ ...get, name: "a", ts: get.ts + 0.1, dur: 0.2 }, { ...get, name: "b", ts: get.ts + 0.1 + 0.2, dur: 0.3 });
    expect(checkTrace(t)).toEqual([]);
  });
});

const invalid: [string, (t: TraceFile) => unknown, RegExp][] = [
  ["not an object", () => [], /not a JSON object/],
  ["no traceEvents", (t) => ({ pgasc: t.pgasc }), /no traceEvents array/],
  ["an event that is not an object", (t) => (t.traceEvents.push(42 as unknown as TraceEvent), t), /not an object/],
  ["a name that is not a string", (t) => ((raw(firstGet(t)).name = 7), t), /name is not a string/],
  ["an unknown phase", (t) => ((raw(firstGet(t)).ph = "Z"), t), /ph "Z"/],
  ["a negative ts", (t) => ((firstFlowStart(t).ts = -1), t), /ts -1/],
  ["a ts that is not finite", (t) => ((find(t, (e) => e.ph === "C").ts = Number.NaN), t), /ts null|ts NaN|not a finite number/],
  ["a pid that is not an integer", (t) => ((find(t, (e) => e.ph === "C").pid = 0.5), t), /pid and tid must be integers/],
  ["an X without dur", (t) => (delete firstGet(t).dur, t), /"X" needs a numeric dur/],
  ["an X with a negative dur", (t) => ((firstGet(t).dur = -3), t), /"X" needs a numeric dur >= 0/],
  ["an M with an unknown name", (t) => ((find(t, (e) => e.ph === "M").name = "process_labels"), t), /"M" named "process_labels"/],
  ["an M without args", (t) => (delete find(t, (e) => e.name === "thread_name").args, t), /"M" thread_name has no args/],
  [
    "a sort index that is not a number",
    (t) => ((find(t, (e) => e.name === "thread_sort_index").args = { sort_index: "1" }), t),
    /needs args.sort_index/,
  ],
  ["a C with a non-numeric value", (t) => ((find(t, (e) => e.ph === "C").args = { puts: "many" }), t), /"C" needs args of numbers/],
  [
    "an s without its f",
    (t) => {
      const f = flowEndOf(t, firstFlowStart(t));
      t.traceEvents = t.traceEvents.filter((e) => e !== f);
      return t;
    },
    /1 "s" and 0 "f"/,
  ],
  ["two flows with one id", (t) => (t.traceEvents.push({ ...firstFlowStart(t) }), t), /2 "s" and 1 "f"/],
  ["an f before its s", (t) => ((flowEndOf(t, firstFlowStart(t)).ts = firstFlowStart(t).ts - 1), t), /ends .* before it starts/],
  ["an f without bp e", (t) => (delete flowEndOf(t, firstFlowStart(t)).bp, t), /"f" needs bp "e"/],
  [
    "spans that overlap partially",
    (t) => {
      const get = firstGet(t);
      t.traceEvents.push({ ...get, name: "straddles", ts: get.ts + get.dur! / 2, dur: get.dur! });
      return t;
    },
    /overlaps event #\d+ .* partially/,
  ],
  ["an f outside every span of its thread", (t) => ((flowEndOf(t, firstFlowStart(t)).ts = t.pgasc.endUs + 1000), t), /has no enclosing "X" span/],
  ["a matrix with a missing row", (t) => (t.pgasc.matrix.bytes.pop(), t), /matrix.bytes is not 3×3/],
  ["a matrix with a short row", (t) => (t.pgasc.matrix.ops[1]!.pop(), t), /matrix.ops is not 3×3/],
  ["imageNode of the wrong length", (t) => (t.pgasc.imageNode.push(0), t), /imageNode has 4 entries, want 3/],
  ["perImage of the wrong length", (t) => (t.pgasc.perImage.pop(), t), /perImage has 2 entries, want 3/],
  ["an image on a node that does not exist", (t) => ((t.pgasc.imageNode[2] = 5), t), /imageNode\[2\] = 5 is not a node/],
  ["per-image parts that do not add up", (t) => ((t.pgasc.perImage[0]!.waitUs += 100), t), /compute \+ communicate \+ wait != total/],
  ["a span on another node's track", (t) => ((firstGet(t).pid = 1), t), /pid 1 is not image 0's node 0/],
];

describe("checkTrace catches", () => {
  it.each(invalid)("%s", (_name, breakIt, expected) => {
    const problems = checkTrace(breakIt(base()));
    expect(problems.length, "no problem reported").toBeGreaterThan(0);
    expect(problems.join("\n")).toMatch(expected);
  });

  it("reports a rule broken many times once per event up to a limit, then counts the rest", () => {
    const t = base();
    for (const e of t.traceEvents) if (e.ph === "f") delete e.bp;
    const problems = checkTrace(t);
    expect(problems.filter((p) => p.includes('needs bp "e"'))).toHaveLength(5);
    expect(problems.some((p) => /^bp: \d+ more$/.test(p))).toBe(true);
  });
});
