// Atomics (with contention on one counter from up to 16 images) and collectives (values combined
// in image order) through real worker threads. Consumes fixtures atomics.mjs and collectives.mjs
// via dist/ (harness.ts); expected floats are computed here in image order and formatted by repr.

import { describe, expect, it } from "vitest";
import { reprFloat } from "../../runtime/support/format.js";
import { IMAGE_COUNTS, lines, runFixture } from "./harness.js";

describe("atomics", () => {
  for (const n of IMAGE_COUNTS) {
    it(`${n} image(s)`, async () => {
      const r = await runFixture("atomics.mjs", n);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      let bits = 4; // atomic_define(5), then bit 0 cleared by atomic_and
      for (let i = 0; i < n; i++) bits |= 1 << ((i % 31) + 1);
      expect(lines(r.stdout)).toEqual([
        `add ${2000 * n} cas ${2000 * n} fetch ${2000 * n}`,
        `bits ${bits}`,
        "shared ok",
        "fetch-and old has bit 0: 1",
      ]);
    });
  }
});

/** What collectives.mjs prints on image `me` of `n`, computed sequentially in image order. */
function expectedCollectives(me: number, n: number): string {
  const images = Array.from({ length: n }, (_, i) => i);
  const fsum = images.reduce((acc, i) => (i === 0 ? 0.1 : acc + 0.1 * (i + 1)), 0);
  const isum = images.reduce((acc, i) => acc + i + 1, 0);
  const wrap = images.reduce((acc, _i) => (acc + (1 << 30)) | 0, 0);
  let reduceFn = 1;
  for (let i = 1; i < n; i++) reduceFn = (reduceFn * 3 + i + 1) | 0;
  const iarr = [0, 0, 0, 0, 0];
  for (const i of images) [i, -i, 1, i * i, 7].forEach((v, k) => (iarr[k] = (iarr[k] + v) | 0));
  const fmax = [n - 1, n === 1 ? -0 : -0, 0.1, 2.5];
  const fminMine = [me, -me, 0.1, 2.5];
  const fmin0 = me === 0 ? [0, -(n - 1), 0.1, 2.5] : fminMine;
  let ra = [1, 2];
  for (let i = 1; i < n; i++) ra = [ra[0] * 2 + (i + 1), ra[1] * 2 + 2];
  const big = new Float64Array(5000);
  for (const i of images) for (let k = 0; k < big.length; k++) big[k] = i === 0 ? 0.1 + k : big[k] + ((i + 1) * 0.1 + k);
  let sumBig = 0;
  for (const v of big) sumBig += v;
  let many = 0;
  for (let k = 0; k < 200; k++) many += images.reduce((acc, i) => acc + k + i, 0);
  const f = reprFloat;
  return [
    `image ${me}: isum ${isum}`,
    `imin ${10 - (n - 1)} imax 10`,
    `fsum ${f(fsum)}`,
    `fmin -0.5 fmax ${f((n - 1) * 1.5)}`,
    `wrap ${n === 1 ? 1 << 30 : wrap}`,
    `to-last ${me === n - 1 ? isum : me + 1}`,
    `bcast ${(n - 1) * 11} 0.5`,
    `reduce-fn ${reduceFn}`,
    `iarr-sum ${iarr.join(",")}`,
    `farr-max ${fmax.map(f).join(",")}`,
    `farr-min-to-0 ${fmin0.map(f).join(",")}`,
    `arr-bcast ${n - 1},${n},${n + 1}`,
    `arr-reduce-fn ${ra.map(f).join(",")}`,
    `big ${f(sumBig)}`,
    `many ${many}`,
  ].join(" | ");
}

describe("collectives", () => {
  for (const n of IMAGE_COUNTS) {
    it(`${n} image(s)`, async () => {
      const r = await runFixture("collectives.mjs", n);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      const want = Array.from({ length: n }, (_, i) => expectedCollectives(i, n)).sort();
      expect(lines(r.stdout).sort()).toEqual(want);
    });
  }
});
