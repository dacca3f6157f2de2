// Hostile input for the back end (issue 6): every program of the repository that checks clean
// builds, and its generated TypeScript type-checks against the runtime ABI; mutants of them that
// still check clean must build too (no exception), and a sample of those must type-check.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildSource, checkSource } from "../../compiler/driver/compile.js";
import { typeErrorsOfGenerated } from "../support/typecheck-generated.js";
import { mutate, seededRandom } from "./mutate.js";

const root = join(import.meta.dirname, "..", "..");
const DIRS = ["samples", "test/programs", "test/golden/check-clean", "test/golden/codegen", "bench/kernels"];

function programsOfRepository(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  for (const dir of DIRS) {
    const full = join(root, dir);
    if (!existsSync(full)) continue;
    for (const f of readdirSync(full).sort()) {
      if (f.endsWith(".pgas")) out.push({ name: `${dir}/${f}`, text: readFileSync(join(full, f), "utf8") });
    }
  }
  return out;
}

const MUTANTS = Number(process.env.PGASC_FUZZ_BACKEND_MUTANTS ?? 400);
const TYPECHECKED_MUTANTS = 40;
const SEED = Number(process.env.PGASC_FUZZ_SEED ?? 20261121);

async function build(name: string, text: string): Promise<string> {
  let result;
  try {
    result = await buildSource(text, "fuzz.pgas");
  } catch (e) {
    throw new Error(`${name}: the back end threw: ${(e as Error).stack}\n--- text ---\n${text}`);
  }
  if (!result.ok || result.ts === undefined || result.js === undefined) {
    const errors = result.diagnostics.map((d) => `${d.span.line}:${d.span.col} ${d.message}`).join("\n");
    throw new Error(`${name} checks clean but does not build:\n${errors}\n--- text ---\n${text}`);
  }
  return result.ts;
}

describe("back-end hostile input", () => {
  const programs = programsOfRepository().filter((p) => checkSource(p.text, p.name).ok);

  it("every program of the repository that checks clean builds and its TypeScript type-checks", async () => {
    expect(programs.length).toBeGreaterThan(40);
    const generated = new Map<string, string>();
    for (const p of programs) generated.set(p.name.replace(/[^A-Za-z0-9_]/g, "_"), await build(p.name, p.text));
    expect(typeErrorsOfGenerated(generated)).toEqual([]);
  }, 300_000);

  it(`mutants that check clean build (${MUTANTS} mutants); ${TYPECHECKED_MUTANTS} of them type-check`, async () => {
    const rand = seededRandom(SEED);
    const clean = new Map<string, string>();
    let built = 0;
    for (let i = 0; i < MUTANTS; i++) {
      const base = programs[Math.floor(rand() * programs.length)];
      const { text } = mutate(base.text, rand);
      if (!checkSource(text, "fuzz.pgas").ok) continue;
      const ts = await build(`mutant ${i} of ${base.name} (seed ${SEED})`, text);
      built++;
      if (clean.size < TYPECHECKED_MUTANTS) clean.set(`mutant_${i}`, ts);
    }
    // Some mutations keep a program valid (swapped operands, duplicated statements).
    expect(built).toBeGreaterThan(10);
    expect(typeErrorsOfGenerated(clean)).toEqual([]);
  }, 600_000);
});
