// `pgasc run --profile` and `pgasc run --trace FILE` (LANGUAGE.md §8) through the real CLI, on one
// node and over node processes: samples/imbalance.pgas (an uneven split of the work and a line of
// element-by-element remote gets) must show both problems, the trace must follow the trace-event
// format's rules, the nodes' clocks must be aligned even when they disagree (a skew injected on
// node 1), the event buffers must be bounded, and a failed job must still write what it has.

import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildDir, cliAvailable, ensureCli, repoRoot, runCli } from "./harness.js";
import { checkTrace } from "../support/trace-check.js";
import type { TraceFile } from "../../runtime/observe/trace-format.js";

ensureCli();
const TIMEOUT_MS = 240_000;
const sample = join(repoRoot, "samples", "imbalance.pgas");
const expected = readFileSync(join(repoRoot, "samples", "expected", "imbalance.4.txt"), "utf8");
const work = mkdtempSync(join(tmpdir(), "pgasc-observe-"));
// From the sample's text: STEPS rounds, W remote gets per image per round, to the right neighbour.
const STEPS = 12;
const W = 64;

function run(args: string[], env: Record<string, string> = {}) {
  return runCli(["run", "-o", join(buildDir(), "imbalance.mjs"), ...args], TIMEOUT_MS, repoRoot, env);
}

function readTrace(path: string): TraceFile {
  return JSON.parse(readFileSync(path, "utf8")) as TraceFile;
}

/** The profile's per-line rows: `file:line:col operation ops bytes time worst`. */
function profileRows(stderr: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of stderr.split("\n")) {
    const match = /^\s+(\S+\.pgas:\d+:\d+)\s+(.+)$/.exec(line);
    if (match) rows.set(match[1]!.replace(/^.*\//, ""), match[2]!.trim().split(/\s{2,}/));
  }
  return rows;
}

describe.skipIf(!cliAvailable())("observing a run", () => {
  it("--profile on one node: the waiting line and the hot get line, exact counts, per-image shares", async () => {
    const r = await run(["-n", "4", "--profile", sample]);
    expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 0, stdout: expected });
    expect(r.stderr).toMatch(/^pgasc profile: .*imbalance\.pgas, 4 image\(s\) on 1 node\(s\)/m);
    const rows = profileRows(r.stderr);
    // operation, ops, bytes: every image runs each sync all STEPS times; 3 x W gets... per image W per step.
    expect(rows.get("imbalance.pgas:28:3")?.slice(0, 3)).toEqual(["sync all", String(4 * STEPS), "0"]);
    expect(rows.get("imbalance.pgas:30:26")?.slice(0, 3)).toEqual(["get", String(4 * STEPS * W), String(4 * STEPS * W * 8)]);
    const perImage = r.stderr.split("per image:")[1]!.split("\n").filter((line) => /^\s+\d+\s+\d+\s/.test(line));
    expect(perImage).toHaveLength(4);
    for (const line of perImage) {
      const [, , total, compute, , communicate, , wait] = line.trim().split(/\s+/).map((cell) => cell.replace(/[()%]/g, ""));
      expect(Math.abs(Number(compute) + Number(communicate) + Number(wait) - Number(total))).toBeLessThan(0.01);
    }
  });

  it("--trace over 2 nodes whose clocks disagree by 0.3 s: valid trace, aligned clocks, exact matrix, the imbalance", async () => {
    const trace = join(work, "nodes.json");
    const r = await run(["-n", "4", "--nodes", "2", "--trace", trace, "--profile", "-x", "PGASC_TEST_CLOCK_SKEW_US=0,-300000", sample]);
    expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 0, stdout: expected });
    const json = readTrace(trace);
    expect(checkTrace(json)).toEqual([]);
    const s = json.pgasc;
    expect({ complete: s.complete, missing: s.missing, images: s.images, nodes: s.nodes, imageNode: s.imageNode }).toEqual({
      complete: true,
      missing: [],
      images: 4,
      nodes: 2,
      imageNode: [0, 0, 1, 1],
    });
    // Node 1's clock runs 0.3 s behind: the offset found by round trips puts it back.
    expect(Math.abs(s.clockOffsetsUs[1]! - 300_000)).toBeLessThan(50_000);
    // Nobody leaves a barrier before the last image arrived there (a 0.3 s skew would break this),
    // up to the alignment's own error (known here: the true skew is 0.3 s; under load the round
    // trips that measure it are slow, and half of one bounds the error) and 20 ms of slack.
    const alignmentError = Math.abs(s.clockOffsetsUs[1]! - 300_000);
    for (const sync of s.syncs) {
      const arrivals = sync.arrivals.filter((t): t is number => t !== null);
      const leaves = sync.leaves.filter((t): t is number => t !== null);
      expect(Math.min(...leaves), `${sync.op} #${sync.index} (line ${sync.line})`).toBeGreaterThanOrEqual(Math.max(...arrivals) - 20_000 - alignmentError);
    }
    // Each image reads only from its right neighbour: STEPS x W gets of 8 bytes.
    for (let from = 0; from < 4; from++) {
      for (let to = 0; to < 4; to++) {
        const gets = to === (from + 1) % 4 ? STEPS * W : 0;
        expect([from, to, s.matrix.ops[from]![to], s.matrix.bytes[from]![to]]).toEqual([from, to, gets, gets * 8]);
      }
    }
    // Across nodes the element-by-element gets take time: the hot line is timed, and flows
    // from the gets of images 1 and 3 (whose neighbours are on the other node) reach their targets.
    const hot = s.lines.find((line) => line.line === 30 && line.op === "get")!;
    expect(hot.ops).toBe(4 * STEPS * W);
    expect(hot.timeUs).toBeGreaterThan(0);
    expect([1, 3]).toContain(hot.worstImage);
    const flowEnds = json.traceEvents.filter((e) => e.ph === "f" && e.name === "get").map((e) => e.tid);
    expect(new Set(flowEnds)).toEqual(new Set([0, 1, 2, 3]));
    // The imbalance: image 0 does 9 times the others' work, so it computes longest (which image
    // arrives last at one barrier depends on the machine's load; this does not).
    expect(s.syncs.filter((sync) => sync.line === 28)).toHaveLength(STEPS);
    const compute = s.perImage.map((image) => image.computeUs);
    expect(compute.indexOf(Math.max(...compute))).toBe(0);
    expect(r.stderr).toMatch(/^pgasc profile: .*on 2 node\(s\)/m);
    expect(profileRows(r.stderr).get("imbalance.pgas:30:26")?.[0]).toBe("get");
  });

  it("bounded event buffers: events beyond PGASC_TRACE_EVENTS are dropped and counted; totals stay exact", async () => {
    const trace = join(work, "bounded.json");
    const r = await run(["-n", "4", "--trace", trace, sample], { PGASC_TRACE_EVENTS: "20" });
    expect(r.status).toBe(0);
    const json = readTrace(trace);
    expect(checkTrace(json)).toEqual([]);
    expect(json.pgasc.dropped.every((n) => n > 0)).toBe(true);
    expect(json.traceEvents.filter((e) => e.ph === "X" && e.cat !== "run" && e.tid === 0).length).toBeLessThanOrEqual(20);
    expect(json.pgasc.lines.find((line) => line.line === 30)?.ops).toBe(4 * STEPS * W);
    // the allocation, two sync all per step, the co_sum
    expect(json.pgasc.syncs.map((sync) => sync.op)).toEqual(["allocation", ...Array(2 * STEPS).fill("sync all"), "co_sum"]);
  });

  it("a team program over 2 nodes: team waits on their lines, targets by initial number, only every image's synchronisations paired", async () => {
    const trace = join(work, "teams.json");
    const program = join(repoRoot, "test", "fixtures", "observe", "teams.pgas");
    const r = await runCli(["run", "-n", "4", "--nodes", "2", "-o", join(buildDir(), "teams.mjs"), "--trace", trace, "--profile", program], TIMEOUT_MS);
    expect(r.status).toBe(0);
    const json = readTrace(trace);
    expect(checkTrace(json)).toEqual([]);
    // team 1 ran 5 sync all and team 2 one (line 10), each team its co_sum: none of them is an
    // instance of a synchronisation of all four images
    expect(json.pgasc.syncs.map((sync) => `${sync.op}:${sync.line}`)).toEqual(["allocation:5", "form team:7", "sync all:15"]);
    // c[next image of the team]: image 0 -> 2, 2 -> 0 (team 1), 1 -> 3, 3 -> 1 (team 2)
    expect(json.pgasc.matrix.ops.map((row) => row.join(" "))).toEqual(["0 0 1 0", "0 0 0 1", "1 0 0 0", "0 1 0 0"]);
    expect(r.stderr).toMatch(/teams\.pgas:8:1\s+change team\s+4\s/);
    expect(r.stderr).toMatch(/teams\.pgas:8:1\s+end team\s+4\s/);
    expect(r.stderr).toMatch(/teams\.pgas:10:\d+\s+sync all\s+12\s/);
  });

  for (const nodes of [1, 2]) {
    it(`a failed job still writes its trace, marked incomplete (${nodes} node${nodes > 1 ? "s" : ""})`, async () => {
      const trace = join(work, `fails-${nodes}.json`);
      const program = join(repoRoot, "test", "fixtures", "observe", "fails.pgas");
      const args = ["run", "-n", "3", "-o", join(buildDir(), "fails.mjs"), "--trace", trace];
      if (nodes > 1) args.push("--nodes", String(nodes));
      const r = await runCli([...args, program], TIMEOUT_MS);
      expect(r.status).toBe(3);
      expect(existsSync(trace)).toBe(true);
      const json = readTrace(trace);
      expect(checkTrace(json)).toEqual([]);
      expect(json.pgasc.complete).toBe(false);
      expect(json.pgasc.missing.join("; ")).toMatch(/exit status 3/);
      // Node 0 holds images 0 and 1 in both splits: their puts (3 each, to the right) are there.
      expect(json.pgasc.matrix.ops[0]![1]).toBe(3);
      expect(json.pgasc.matrix.ops[1]![2]).toBe(3);
    });
  }
});
