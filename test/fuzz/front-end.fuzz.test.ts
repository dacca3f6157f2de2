// Fuzz test of the front end: thousands of mutants of the samples and test programs (tokens and
// characters deleted, duplicated, swapped) must each end in success or diagnostics — never an
// exception (a hang meets the test's timeout; how fast the front end is, is bench/check-speed.ts's
// business). Seeded: a failure prints the seed and index to reproduce it.

import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkSource } from "../../compiler/driver/compile.js";
import { mutate, seededRandom } from "./mutate.js";

const root = join(import.meta.dirname, "..", "..");

function corpus(): { name: string; text: string }[] {
  const files: { name: string; text: string }[] = [];
  for (const dir of ["samples", "test/programs", "test/golden/check-clean"]) {
    const full = join(root, dir);
    if (!existsSync(full)) continue;
    for (const f of readdirSync(full)) {
      if (f.endsWith(".pgas")) files.push({ name: `${dir}/${f}`, text: readFileSync(join(full, f), "utf8") });
    }
  }
  return files;
}

const MUTANTS = Number(process.env.PGASC_FUZZ_MUTANTS ?? 3000);
const SEED = Number(process.env.PGASC_FUZZ_SEED ?? 20261121);

describe("front-end fuzz", () => {
  const programs = corpus();

  it("has programs to mutate", () => {
    expect(programs.length).toBeGreaterThan(5);
  });

  it(`${MUTANTS} mutants end in success or diagnostics`, async () => {
    const rand = seededRandom(SEED);
    let withErrors = 0;
    for (let i = 0; i < MUTANTS; i++) {
      const base = programs[Math.floor(rand() * programs.length)];
      const { text, applied } = mutate(base.text, rand);
      let result;
      try {
        result = checkSource(text, "mutant.pgas");
      } catch (e) {
        throw new Error(`mutant ${i} of ${base.name} (seed ${SEED}, ${applied.join(",")}) threw: ${(e as Error).stack}\n--- text ---\n${text}`);
      }
      for (const d of result.diagnostics) {
        expect(d.span.line, `mutant ${i}: diagnostic line`).toBeGreaterThanOrEqual(1);
        expect(d.message.length).toBeGreaterThan(0);
      }
      if (!result.ok) withErrors++;
      // let the worker answer vitest between batches (a long synchronous run makes its RPC time out)
      if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
    }
    // The mutations must actually break programs most of the time, or the test proves little.
    expect(withErrors).toBeGreaterThan(MUTANTS / 4);
  }, 600_000);
});
