// The runtime's hand-written fixtures (test/fixtures/runtime) across node processes: RMA, shared
// arrays, sync images, locks/critical/events, atomics, collectives and stop give the same output
// as runLocal; every runtime error, error stop and timeout ends every node with the same message
// (printed once) and status. Consumes the fixtures through test/grpc/harness.ts and runLocal.

import { describe, expect, it } from "vitest";
import { runFixture } from "../runtime/harness.js";
import { grpcFixture, lines, runNodes, runtimeFixture } from "./harness.js";

const splits: Record<string, [number, number][]> = {
  "rma.mjs": [[4, 2], [7, 3]],
  "shared.mjs": [[4, 2], [7, 3]],
  "sync.mjs": [[4, 2], [7, 3]],
  "locks.mjs": [[4, 2], [7, 3]],
  "atomics.mjs": [[4, 2], [7, 3]],
  // 16 over 2: more images than cores on every node (waits park instead of spinning).
  "collectives.mjs": [[4, 2], [7, 3], [16, 2]],
  "stop.mjs": [[4, 2], [7, 3]],
};

/** Contention rounds across nodes (each a network round trip): enough to interleave, not thousands. */
const fewerRounds: Record<string, string[]> = { "atomics.mjs": ["20"], "locks.mjs": ["6"] };

describe("runtime fixtures over nodes match one node", () => {
  for (const [name, list] of Object.entries(splits)) {
    for (const [images, nodes] of list) {
      it(`${name} -n ${images} over ${nodes} node(s)`, { timeout: 300_000 }, async () => {
        const args = fewerRounds[name] ?? [];
        const reference = await runFixture(name, images, { args });
        const r = await runNodes(runtimeFixture(name), images, nodes, { args });
        expect(r.stderr).toBe(reference.stderr);
        expect(r.statuses).toEqual(new Array(nodes).fill(reference.status));
        expect(lines(r.stdout).sort()).toEqual(lines(reference.stdout).sort());
      });
    }
  }
});

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const loc = (line: number, col: number, image: string, message: string, source: string) =>
  new RegExp(`^errors\\.pgas:${line}:${col}: runtime error: image ${image}: ${message}\\n {3,4}${line} \\| ${source}\\n$`);

/** Also run over 3 nodes of one image each (the rest only as 2 x 2, to keep the suite short). */
const ALSO_3x3 = new Set(["sync-stopped", "syncall-stopped", "collective-stopped", "everyone-fails", "error-stop-message", "hang-barrier"]);

const errorCases: { mode: string; status: number; stderr: RegExp; args?: string[]; timeout?: number }[] = [
  { mode: "index", status: 1, stderr: loc(4, 9, "\\d+", esc("index 10 is out of bounds for 'c' (valid 0..9)"), esc("x = c(i)[p]")) },
  { mode: "image", status: 1, stderr: loc(4, 9, "0", "image index \\d+ is out of range for 'c' \\(valid 0\\.\\.\\d+\\)", esc("x = c(i)[p]")) },
  { mode: "unlock-other", status: 1, stderr: loc(7, 1, "1", esc("cannot unlock lock 'l'[0]: it is locked by image 0"), esc("unlock l[0]")) },
  { mode: "lock-holder-stopped", status: 1, stderr: loc(6, 1, "\\d+", "lock 'l'\\[0\\] is held by image \\d+, which has stopped", esc("lock l[0]")) },
  { mode: "sync-stopped", status: 1, stderr: loc(8, 1, "\\d+", "sync images: image 0 has stopped", esc("sync images(0)")) },
  { mode: "sync-matched-then-stopped", status: 1, stderr: loc(8, 1, "1", "sync images: image 0 has stopped", esc("sync images(0)")) },
  { mode: "syncall-stopped", status: 1, stderr: loc(9, 1, "\\d+", "sync all: image 0 has stopped", "sync all") },
  { mode: "collective-stopped", status: 1, stderr: loc(10, 1, "\\d+", "co_sum: image 0 has stopped", esc("co_sum(v)")) },
  { mode: "alloc-stopped", status: 1, stderr: loc(18, 1, "\\d+", "allocating 'late': image 0 has stopped", esc("var late: int[*]")) },
  { mode: "event-never", status: 1, stderr: loc(14, 1, "0", "event wait on 'e' can never end: .*every other image has stopped", "event wait e") },
  { mode: "section-bounds", status: 1, stderr: loc(11, 10, "\\d+", esc("section reaches index 11, out of bounds for 'c' (valid 0..9)"), esc("a(0:3) = c(0:4)[p]")) },
  { mode: "everyone-fails", status: 1, stderr: loc(4, 9, "(\\d+)", "failure on image \\d+", esc("x = c(i)[p]")) },
  { mode: "error-stop-code", status: 3, stderr: /^$/ },
  { mode: "error-stop-message", status: 1, stderr: /^image 0: ERROR STOP bad input\n$/ },
  { mode: "error-stop-while-busy", status: 7, stderr: /^$/ },
  { mode: "hang-barrier", status: 124, timeout: 1, stderr: /^pgasc: timeout: the program ran longer than 1 second\(s\); stopping all images\n(image \d: .*\n)+$/ },
];

describe("errors end every node, message printed once", () => {
  for (const c of errorCases) {
    for (const [images, nodes] of ALSO_3x3.has(c.mode) ? ([[4, 2], [3, 3]] as const) : ([[4, 2]] as const)) {
      it(`${c.mode} -n ${images} over ${nodes} nodes`, { timeout: 300_000 }, async () => {
        const r = await runNodes(runtimeFixture("errors.mjs"), images, nodes, { args: c.args ?? [c.mode], timeoutSeconds: c.timeout ?? 200 });
        expect(r.stderr).toMatch(c.stderr);
        expect(r.statuses).toEqual(new Array(nodes).fill(c.status));
      });
    }
  }
});

describe("collective allocation must agree across nodes", () => {
  // The same texts as runLocal gives (the reporting image names its own variable).
  const expected: Record<string, RegExp> = {
    size: /^alloc\.pgas:1:1: runtime error: image \d: allocating 'c': the size differs between images \(10 on image 0, 11 on image 3\)\n/,
    name: /^alloc\.pgas:1:1: runtime error: image \d: allocating '(c|other)': images allocate different variables at the same point \('c' on image 0, 'other' on image 3\)\n/,
  };
  for (const mode of ["size", "name"]) {
    it(`${mode} differs on the last node`, { timeout: 300_000 }, async () => {
      const r = await runNodes(grpcFixture("alloc-mismatch.mjs"), 4, 2, { args: [mode] });
      expect(r.stderr).toMatch(expected[mode]);
      expect(r.statuses).toEqual([1, 1]);
      expect(r.stdout).toBe("");
    });
  }
});
