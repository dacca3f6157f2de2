// Baseline ("golden") comparison for tests, in the style of the TypeScript compiler's baselines.
// Consumes a baseline path and the text a test produced; asserts they match, or, when run with
// PGASC_ACCEPT=1 (`npm run accept`), writes the produced text as the new baseline.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { expect } from "vitest";

export const accepting = process.env.PGASC_ACCEPT === "1";

export function expectBaseline(baselinePath: string, actual: string): void {
  if (accepting) {
    mkdirSync(dirname(baselinePath), { recursive: true });
    writeFileSync(baselinePath, actual);
    return;
  }
  if (!existsSync(baselinePath)) {
    throw new Error(`no baseline ${baselinePath}: run 'npm run accept' to create it, then review it`);
  }
  expect(actual, `baseline ${baselinePath} differs (run 'npm run accept' to update it)`).toBe(
    readFileSync(baselinePath, "utf8"),
  );
}
