// Golden tests of the back end: each test/golden/codegen/*.pgas compiles to the TypeScript in
// <name>.ts.baseline (accept with PGASC_ACCEPT=1, then review by eye), and the generated TypeScript
// of every golden type-checks with the TypeScript compiler against runtime/abi/abi.ts.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildSource } from "../../compiler/driver/compile.js";
import { typeErrorsOfGenerated } from "../support/typecheck-generated.js";
import { expectBaseline } from "./harness.js";

const here = new URL(".", import.meta.url).pathname;
const dir = join(here, "codegen");
const programs = readdirSync(dir)
  .filter((f) => f.endsWith(".pgas"))
  .sort();

const generated = new Map<string, string>();

async function generate(name: string): Promise<string> {
  const text = readFileSync(join(dir, name), "utf8");
  const result = await buildSource(text, name);
  if (!result.ok || result.ts === undefined) {
    throw new Error(`${name} does not compile:\n${result.diagnostics.map((d) => `${d.span.line}:${d.span.col} ${d.message}`).join("\n")}`);
  }
  expect(result.js).toContain("export function main(rt)");
  return result.ts;
}

describe("generated code", () => {
  for (const name of programs) {
    it(name, async () => {
      const tsText = await generate(name);
      generated.set(name.replace(/\.pgas$/, ""), tsText);
      expectBaseline(join(dir, name.replace(/\.pgas$/, ".ts.baseline")), tsText);
    });
  }

  it("type-checks against runtime/abi/abi.ts", async () => {
    for (const name of programs) {
      const key = name.replace(/\.pgas$/, "");
      if (!generated.has(key)) generated.set(key, await generate(name));
    }
    expect(typeErrorsOfGenerated(generated)).toEqual([]);
  });
});
