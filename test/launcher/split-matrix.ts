// The `--nodes` split matrix for end-to-end programs: runs each program through the real CLI as
// K node processes and compares with its expected output (or, for image counts without one, with
// the one-node run). Consumes ProgramSpecs from test/e2e/harness.ts; defines vitest tests.

import { join } from "node:path";
import { buildDir, buildProgram, checkBuild, checkRun, cliAvailable, listPrograms, readIfExists, repoRoot, runCli, type ProgramSpec, type RunResult } from "../e2e/harness.js";

/** `-n N --nodes K` pairs: even, one image per node, uneven. */
export const SPLITS: [number, number][] = [
  [4, 2],
  [4, 4],
  [7, 3],
];

/** The splits a program is run under: those its image counts allow (2-image programs get 2 x 1). */
export function splitsFor(spec: ProgramSpec, splits: [number, number][] = SPLITS): [number, number][] {
  const most = Math.max(...spec.images);
  if (spec.images.includes(4)) return splits;
  if (most >= 2) return [[most, 2]];
  return [];
}

function runSplit(spec: ProgramSpec, n: number, nodes?: number): Promise<RunResult> {
  const args = ["run", "-n", String(n), "-o", join(buildDir(), `${spec.name}.mjs`)];
  if (nodes !== undefined) args.push("--nodes", String(nodes));
  args.push(spec.file);
  if (spec.args.length > 0) args.push("--", ...spec.args);
  return runCli(args, spec.timeoutMs);
}

export function samplesExpected(spec: ProgramSpec, n: number): string | undefined {
  return readIfExists(join(repoRoot, "samples", "expected", `${spec.name}.${n}.txt`));
}

export function programsExpected(spec: ProgramSpec, n: number): string | undefined {
  const dir = join(repoRoot, "test", "programs");
  return readIfExists(join(dir, `${spec.name}.${n}.expected`)) ?? readIfExists(join(dir, `${spec.name}.expected`));
}

/**
 * One describe per program: build, then one test per split. Without an expected file for N, the
 * one-node run at N is the reference (same status, same stdout).
 */
export function defineSplitSuite(
  vitest: typeof import("vitest"),
  title: string,
  specs: ProgramSpec[],
  expectedFor: (spec: ProgramSpec, n: number) => string | undefined,
  splits: [number, number][] = SPLITS,
): void {
  const { describe, it, expect } = vitest;
  describe(title, () => {
    if (!cliAvailable()) {
      it("needs the compiled CLI (npm run build)", () => expect(cliAvailable()).toBe(true));
      return;
    }
    for (const spec of specs) {
      const runs = splitsFor(spec, splits);
      if (runs.length === 0) continue;
      describe(spec.name, () => {
        let built: RunResult | undefined;
        it("builds", { timeout: 300_000 }, async () => {
          built = await buildProgram(spec);
          expect(checkBuild(built).join("\n")).toBe("");
        });
        for (const [n, k] of runs) {
          it(`-n ${n} --nodes ${k}`, { timeout: 2 * spec.timeoutMs + 60_000 }, async (ctx) => {
            if (built === undefined || checkBuild(built).length > 0) ctx.skip();
            let expected = expectedFor(spec, n);
            let reference = spec;
            if (expected === undefined) {
              const one = await runSplit(spec, n);
              // A program that fails at an image count it was not written for (its header does
              // not list N) gives no stable reference: what it prints before failing is racy.
              if (one.status !== spec.exit && !spec.images.includes(n)) ctx.skip();
              expected = one.stdout;
              reference = { ...spec, exit: one.status ?? -1, stderr: [] };
            }
            const r = await runSplit(spec, n, k);
            // Lines of images on different nodes reach the launcher through different pipes, so
            // their relative order is not kept even when the program orders them (LANGUAGE.md
            // promises only that one image's lines keep their order): compared as sorted lines.
            expect(checkRun({ ...reference, orderAny: true }, r, expected).join("\n")).toBe("");
          });
        }
      });
    }
  });
}

/** Programs of a directory, optionally only those named (the default, quicker matrix). */
export function programsNamed(dir: string, names: readonly string[] | undefined): ProgramSpec[] {
  const all = listPrograms(dir);
  return names === undefined ? all : all.filter((s) => names.includes(s.name));
}
