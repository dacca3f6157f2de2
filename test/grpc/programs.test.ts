// Samples and test programs split over real node processes (loopback gRPC) give the same stdout,
// stderr and exit status as on one node (runLocal): the splits the CLI suites do not cover.
// Consumes samples/ and test/programs/ (built once with the CLI) and the one-node runtime as the
// reference; uses test/grpc/harness.ts to start the node processes.

import { closeSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildProgram, checkBuild, outputFor, parseHeader, repoRoot, type ProgramSpec } from "../e2e/harness.js";
import { runNodes } from "./harness.js";

interface Plan {
  file: string;
  splits: [number, number][];
}

const sample = (name: string) => join(repoRoot, "samples", `${name}.pgas`);
const program = (name: string) => join(repoRoot, "test/programs", `${name}.pgas`);
// The samples at -n 4 over 2 and 4 nodes and -n 7 over 3, and the conformance programs that
// cross nodes, run through the real CLI in test/e2e/cli-run-nodes*.test.ts (launcher and node
// processes both): running them here too doubled the work for no coverage. What stays is what
// those suites do not run: the whole job in one node process (-n 4 over 1) and a stopped partner
// in sync images split over nodes.
const plans: Plan[] = [
  { file: sample("ring"), splits: [[4, 1]] },
  { file: sample("pi"), splits: [[4, 1]] },
  { file: program("collectives"), splits: [[4, 1]] },
  { file: program("err_sync_stopped"), splits: [[4, 2]] },
];

async function runOneNode(compiled: string, images: number, spec: ProgramSpec) {
  const { runLocal } = (await import(join(repoRoot, "dist/runtime/launcher/run-local.js"))) as typeof import("../../runtime/launcher/run-local.js");
  const dir = mkdtempSync(join(tmpdir(), "pgasc-ref-"));
  const out = openSync(join(dir, "out"), "w");
  const err = openSync(join(dir, "err"), "w");
  try {
    const status = await runLocal({ program: compiled, images, args: spec.args, stdoutFd: out, stderrFd: err, timeoutSeconds: 60 });
    return { status, stdout: readFileSync(join(dir, "out"), "utf8"), stderr: readFileSync(join(dir, "err"), "utf8") };
  } finally {
    closeSync(out);
    closeSync(err);
  }
}

const normalise = (text: string, sorted: boolean) => {
  const lines = text.split("\n").filter((line) => line !== "");
  return sorted ? lines.sort() : lines;
};

/** Lines printed by different images without synchronisation may interleave differently. */
const ANY_ORDER = new Set(["err_sync_stopped"]);

for (const plan of plans) {
  const spec = parseHeader(plan.file);
  describe(`${spec.name} over nodes`, () => {
    let built = false;
    it("builds", { timeout: 300_000 }, async () => {
      const r = await buildProgram(spec);
      expect(checkBuild(r).join("\n")).toBe("");
      built = true;
    });
    for (const [images, nodes] of plan.splits) {
      it(`-n ${images} over ${nodes} node(s) matches one node`, { timeout: 300_000 }, async (ctx) => {
        if (!built) ctx.skip();
        const compiled = outputFor(spec);
        const reference = await runOneNode(compiled, images, spec);
        const r = await runNodes(compiled, images, nodes, { args: spec.args, timeoutSeconds: 60 });
        const sorted = spec.orderAny || ANY_ORDER.has(spec.name);
        expect(r.timedOut).toBe(false);
        expect(r.statuses).toEqual(new Array(nodes).fill(reference.status));
        expect(normalise(r.stdout, sorted)).toEqual(normalise(reference.stdout, sorted));
        // Runtime errors may come from a different image (the first to fail); the message shape is the same.
        expect(r.stderr.replace(/image \d+/g, "image I")).toEqual(reference.stderr.replace(/image \d+/g, "image I"));
      });
    }
  });
}
