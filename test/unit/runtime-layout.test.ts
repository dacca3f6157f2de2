// Unit tests for runtime/core/layout-math.ts: block sizes, owners, local offsets and part lengths
// of shared-array layouts, checked against a brute-force deal of the elements; packed sections.
// Consumes the TypeScript sources.

import { describe, expect, it } from "vitest";
import type { Rect } from "../../runtime/abi/abi.js";
import { blockSizeOf, localOffsetOf, ownerOf, packRect, packedOrView, partLengthOf } from "../../runtime/core/layout-math.js";

describe("blockSizeOf", () => {
  it("cyclic, block, cyclic(B)", () => {
    expect(blockSizeOf("cyclic", 10, 4)).toBe(1);
    expect(blockSizeOf("block", 10, 4)).toBe(3);
    expect(blockSizeOf("block", 8, 4)).toBe(2);
    expect(blockSizeOf("block", 0, 4)).toBe(1);
    expect(blockSizeOf(4, 10, 3)).toBe(4);
  });
});

describe("owner / local offset / part length", () => {
  it("examples from LANGUAGE.md", () => {
    expect(ownerOf(5, 1, 4)).toBe(1); // cyclic: k mod P
    expect(ownerOf(5, 3, 4)).toBe(1); // block of 3
    expect(ownerOf(9, 3, 4)).toBe(3);
    expect(ownerOf(13, 4, 3)).toBe(0); // cyclic(4) on 3 images: block 3 -> image 0
    expect(localOffsetOf(13, 4, 3)).toBe(5);
  });
  for (const images of [1, 2, 3, 4, 16]) {
    for (const total of [0, 1, 7, 10, 64, 100]) {
      for (const layout of ["cyclic", "block", 3, 4] as const) {
        it(`N=${total} P=${images} ${layout}: a bijection onto the parts`, () => {
          const b = blockSizeOf(layout, total, images);
          const next = new Array(images).fill(0);
          for (let k = 0; k < total; k++) {
            const owner = ownerOf(k, b, images);
            // Elements of one image appear in increasing k at consecutive local offsets.
            expect(localOffsetOf(k, b, images)).toBe(next[owner]);
            next[owner]++;
          }
          for (let i = 0; i < images; i++) expect(partLengthOf(i, total, b, images)).toBe(next[i]);
        });
      }
    }
  }
});

describe("packedOrView", () => {
  it("a view exactly when the section already lies packed, else a copy; the values always packRect's", () => {
    const src = Float64Array.from({ length: 60 }, (_, i) => i);
    const cases: [Rect, boolean][] = [
      [{ offset: 3, n0: 10, s0: 1, n1: 1, s1: 0 }, true], // a run
      [{ offset: 5, n0: 1, s0: 99, n1: 1, s1: 0 }, true], // one element
      [{ offset: 0, n0: 10, s0: 2, n1: 1, s1: 0 }, false], // every second element
      [{ offset: 6, n0: 4, s0: 6, n1: 6, s1: 1 }, true], // whole rows of a 6-wide array
      [{ offset: 7, n0: 1, s0: 6, n1: 5, s1: 1 }, true], // part of one row
      [{ offset: 7, n0: 4, s0: 6, n1: 5, s1: 1 }, false], // rows cut short
      [{ offset: 0, n0: 3, s0: 3, n1: 3, s1: 2 }, false], // strided columns
    ];
    for (const [rect, view] of cases) {
      const got = packedOrView(src, rect);
      expect(got.buffer === src.buffer, JSON.stringify(rect)).toBe(view);
      expect(Array.from(got)).toEqual(Array.from(packRect(src, rect)));
    }
  });
});
