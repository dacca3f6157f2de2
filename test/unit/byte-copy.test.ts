// Unit tests for runtime/support/byte-copy.ts: every byte arrives, whatever the alignment, length
// and direction between shared and unshared memory, NaN bit patterns included (the word loop goes
// through Float64Array views). Consumes the TypeScript sources.

import { randomFillSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { copyBytes } from "../../runtime/support/byte-copy.js";

function randomBytes(length: number, shared: boolean): Uint8Array {
  const bytes = new Uint8Array(shared ? new SharedArrayBuffer(length) : new ArrayBuffer(length));
  for (let at = 0; at < length; at += 65536) randomFillSync(bytes.subarray(at, Math.min(length, at + 65536)));
  // many NaN patterns, signalling ones included, at every alignment
  for (let at = 0; at + 8 <= length; at += 24) {
    bytes[at + 7] = (bytes[at + 7]! & 0x80) | 0x7f;
    bytes[at + 6] |= 0xf0;
  }
  return bytes;
}

describe("copyBytes", () => {
  it("copies exactly, shared to unshared and back, at every relative alignment and many lengths", () => {
    for (const [fromShared, toShared] of [[true, false], [false, true], [true, true], [false, false]]) {
      for (const length of [1, 7, 4095, 4096, 4097, 65_543, 1024 * 1024 + 13, 2 * 1024 * 1024 + 5]) {
        for (const [srcAt, dstAt] of [[0, 0], [3, 3], [0, 4], [20, 25], [5, 0], [1, 7]]) {
          const src = randomBytes(length + 32, fromShared!);
          const dst = randomBytes(length + 32, toShared!);
          const before = dst.slice();
          copyBytes(dst, dstAt!, src, srcAt!, length);
          const label = `${fromShared ? "shared" : "unshared"} -> ${toShared ? "shared" : "unshared"}, ${length} bytes, ${srcAt} -> ${dstAt}`;
          expect(Buffer.from(dst.subarray(dstAt!, dstAt! + length)).equals(Buffer.from(src.subarray(srcAt!, srcAt! + length))), label).toBe(true);
          expect(Buffer.from(dst.subarray(0, dstAt!)).equals(Buffer.from(before.subarray(0, dstAt!))), label).toBe(true);
          expect(Buffer.from(dst.subarray(dstAt! + length)).equals(Buffer.from(before.subarray(dstAt! + length))), label).toBe(true);
        }
      }
    }
  });

  it("views with their own offsets into a larger buffer, and a copy within one buffer that overlaps", () => {
    const whole = randomBytes(1 << 20, true);
    const view = whole.subarray(12_345, 12_345 + 300_000);
    const out = new Uint8Array(new ArrayBuffer(300_021)).subarray(21);
    copyBytes(out, 0, view, 0, 300_000);
    expect(Buffer.from(out).equals(Buffer.from(view))).toBe(true);
    const expected = Buffer.from(whole.subarray(0, 100_000));
    copyBytes(whole, 8, whole, 0, 100_000); // overlapping, forwards
    expect(Buffer.from(whole.subarray(8, 100_008)).equals(expected)).toBe(true);
  });
});
