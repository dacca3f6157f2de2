// Image control statements and output ordering through real worker threads: sync all, sync
// images (ring, `*`, lists, repeated pairs), critical, locks, events, stop with end-of-program
// synchronisation. Consumes fixtures sync.mjs, locks.mjs and stop.mjs via dist/ (harness.ts).

import { describe, expect, it } from "vitest";
import { IMAGE_COUNTS, lines, runFixture } from "./harness.js";

describe("sync all / sync images / print order", () => {
  for (const n of IMAGE_COUNTS) {
    it(`${n} image(s)`, async () => {
      const r = await runFixture("sync.mjs", n);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      const out = lines(r.stdout);
      // the token ring prints in image order, before the line printed after the barrier
      const ring = Array.from({ length: n }, (_, i) => `token ${i + 1} at image ${i}`);
      expect(out.slice(0, n + 1)).toEqual([...ring, "after the ring"]);
      const rest = out.slice(n + 1);
      expect(rest.slice(0, n).sort()).toEqual(Array.from({ length: n }, (_, i) => `before ${i}`).sort());
      expect(rest.slice(n, 2 * n).sort()).toEqual(Array.from({ length: n }, (_, i) => `after ${i}`).sort());
      expect(rest.slice(2 * n)).toEqual(["done"]);
    });
  }
});

describe("critical, lock/unlock, events", () => {
  for (const n of IMAGE_COUNTS) {
    it(`${n} image(s)`, async () => {
      const r = await runFixture("locks.mjs", n);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      const out = lines(r.stdout);
      expect(out).toContain(`critical total ${200 * n}`);
      expect(out).toContain(`lock total ${400 * n}`);
      expect(out).toContain("events received, count now 0");
      for (let i = 0; i < n; i++) expect(out).toContain(`image ${i}: query 1 then 0`);
    });
  }
});

describe("stop and the end-of-program synchronisation", () => {
  for (const n of IMAGE_COUNTS) {
    it(`${n} image(s)`, async () => {
      const r = await runFixture("stop.mjs", n);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      const out = lines(r.stdout);
      expect(out[0]).toBe("image 0 stops");
      if (n > 1) {
        expect(out.at(-1)).toBe("last image ends");
        for (let i = 1; i < n; i++) expect(out).toContain(`image ${i} reads 42 from the stopped image`);
      }
      expect(out.length).toBe(n === 1 ? 1 : n + 1);
    });
  }
});
