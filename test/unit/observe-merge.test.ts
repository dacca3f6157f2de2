// The recorder and node 0's merge, without threads: records made by ImageRecorder on two "nodes"
// whose clocks differ, merged into the summary, the trace events and the profile table.

import { describe, expect, it } from "vitest";
import { align, summarise, type NodeBlock, type RunInfo } from "../../runtime/observe/merge.js";
import { K } from "../../runtime/observe/op-kinds.js";
import { profileTable } from "../../runtime/observe/profile-table.js";
import { ImageRecorder, type ImageRecord } from "../../runtime/observe/recorder.js";
import { traceEvents } from "../../runtime/observe/trace-events.js";
import { checkTrace } from "../support/trace-check.js";

const info: RunInfo = {
  program: "x.pgas",
  source: ["var a: float(8)[*]", "a(0)[1] = 1.0", "sync all", "print(a(1)[3])"],
  sites: [
    [1, 1],
    [2, 1],
    [3, 1],
    [4, 7],
  ],
  images: 4,
  nodes: 2,
  problems: [],
};

/** Shifts every time of a record (another node's clock). */
function shifted(record: ImageRecord, byUs: number): ImageRecord {
  const events = record.events.slice();
  for (let e = 0; e < record.eventCount; e++) {
    events[e * 7] += byUs;
    events[e * 7 + 1] += byUs;
  }
  const syncs = record.syncs.slice();
  for (let s = 0; s < record.syncCount; s++) {
    syncs[s * 4 + 2] += byUs;
    syncs[s * 4 + 3] += byUs;
  }
  return { ...record, startUs: record.startUs + byUs, endUs: record.endUs + byUs, events, syncs };
}

function recordOf(image: number): ImageRecord {
  const rec = new ImageRecorder(image, 4, true, 1000);
  rec.op(K.ALLOCATION, 0, -1, 0, rec.start());
  // three puts to image (image+1)%4 at one site: one burst; then one to another image
  for (let i = 0; i < 3; i++) rec.burst(K.PUT, 1, (image + 1) % 4, 8, image >= 2);
  rec.burst(K.PUT, 1, (image + 2) % 4, 8, false);
  rec.op(K.SYNC_ALL, 2, -1, 0, rec.start());
  if (image === 0) rec.op(K.GET, 3, 3, 8, rec.start());
  return rec.finish();
}

describe("observe: merge", () => {
  // Node 1's clock reads 1 s less than node 0's; its offset puts it back.
  const blocks: NodeBlock[] = [
    { node: 0, clockOffsetUs: 0, records: [recordOf(0), recordOf(1)], missingImages: [] },
    { node: 1, clockOffsetUs: 1e6, records: [shifted(recordOf(2), -1e6), shifted(recordOf(3), -1e6)], missingImages: [] },
  ];
  const aligned = align(info, blocks);
  const summary = summarise(info, blocks, aligned);

  it("sums per site, keeps the worst image, sorts by time", () => {
    const put = summary.lines.find((line) => line.op === "put")!;
    expect({ line: put.line, ops: put.ops, bytes: put.bytes, timeUs: put.timeUs }).toEqual({ line: 2, ops: 16, bytes: 128, timeUs: 0 });
    const get = summary.lines.find((line) => line.op === "get")!;
    expect({ ops: get.ops, worstImage: get.worstImage }).toEqual({ ops: 1, worstImage: 0 });
    for (let i = 1; i < summary.lines.length; i++) expect(summary.lines[i - 1]!.timeUs).toBeGreaterThanOrEqual(summary.lines[i]!.timeUs);
  });

  it("the matrix: each image's operations by target", () => {
    expect(summary.matrix.ops).toEqual([
      [0, 3, 1, 1],
      [0, 0, 3, 1],
      [1, 0, 0, 3],
      [3, 1, 0, 0],
    ]);
    expect(summary.matrix.bytes[0]).toEqual([0, 24, 8, 8]);
  });

  it("aligns the clocks: the collective instances of node 1 land beside node 0's", () => {
    expect(summary.syncs.map((sync) => sync.op)).toEqual(["allocation", "sync all"]);
    const arrivals = summary.syncs[1]!.arrivals as number[];
    expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeLessThan(1e5);
    expect(summary.complete).toBe(true);
  });

  it("trace events follow the format's rules; flows end inside the target's run span", () => {
    const events = traceEvents(info, aligned, summary);
    expect(checkTrace({ traceEvents: events, displayTimeUnit: "ms", pgasc: summary })).toEqual([]);
    const flows = events.filter((e) => e.ph === "f");
    expect(flows.length).toBeGreaterThan(0);
    expect(events.some((e) => e.ph === "C" && e.name === "outstanding puts (image 2)" && e.args?.puts === 3)).toBe(true);
    const burst = events.find((e) => e.ph === "X" && e.name === "put ×3" && e.tid === 0)!;
    expect(burst.args).toMatchObject({ at: "x.pgas:2:1", target: 1, bytes: 24, count: 3 });
  });

  it("a node that sent nothing makes the summary incomplete, and says which", () => {
    const partial = summarise(info, [blocks[0]!], align(info, [blocks[0]!]));
    expect({ complete: partial.complete, missing: partial.missing }).toEqual({ complete: false, missing: ["node 1 sent no data"] });
    expect(partial.perImage.map((image) => image.image)).toEqual([0, 1]);
  });

  it("the profile table names each line with its counts", () => {
    const text = profileTable(summary);
    expect(text).toMatch(/^pgasc profile: x\.pgas, 4 image\(s\) on 2 node\(s\)/);
    expect(text).toMatch(/x\.pgas:2:1\s+put\s+16\s+128\s+-\s+-/);
    expect(text.split("per image:")[1]!.trim().split("\n")).toHaveLength(6);
  });
});
