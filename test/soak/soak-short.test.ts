// The short soak in the default suite: bench/soak.ts for 14 s (16 images over 4 node processes,
// random puts, gets, atomics, locks, events and barriers, every result checked, VmRSS of each node
// sampled). Consumes the built CLI (dist/); asserts no lost update, no hang, no growth after warm-up
// (judged by rounds completed, so a loaded machine's slow start-up is not taken for growth).

import { expect, it } from "vitest";
import { runSoak } from "../../bench/soak.js";

it("16 images over 4 nodes for 14 s: no lost update, no hang, memory flat after warm-up", { timeout: 300_000 }, async () => {
  const result = await runSoak({ seconds: 14, images: 16, nodes: 4, sampleMs: 500 });
  console.log(result.summary);
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  expect(result.noLostUpdate).toBe(true);
  expect(result.noHang).toBe(true);
  expect(result.nodes).toHaveLength(4);
  expect(result.noGrowth).toBe(true);
});
