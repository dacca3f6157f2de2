// Coarray one-sided access and shared arrays through real worker threads at 1, 2, 3, 4, 16
// images: scalar/bulk/strided gets and puts, every layout, own-writes and program order (§5.3).
// Consumes fixtures rma.mjs and shared.mjs via the dist/ runtime (see harness.ts).

import { describe, expect, it } from "vitest";
import { IMAGE_COUNTS, lines, runFixture } from "./harness.js";

const okLines = (n: number) => Array.from({ length: n }, (_, i) => `image ${i}: ok`).sort();

describe("coarray get/put", () => {
  for (const n of IMAGE_COUNTS) {
    it(`${n} image(s)`, async () => {
      const r = await runFixture("rma.mjs", n);
      expect(r.stderr).toBe("");
      expect(lines(r.stdout).sort()).toEqual(okLines(n));
      expect(r.status).toBe(0);
    });
  }
});

describe("shared arrays in every layout", () => {
  for (const n of IMAGE_COUNTS) {
    it(`${n} image(s)`, async () => {
      const r = await runFixture("shared.mjs", n);
      expect(r.stderr).toBe("");
      expect(lines(r.stdout).sort()).toEqual(okLines(n));
      expect(r.status).toBe(0);
    });
  }
});
