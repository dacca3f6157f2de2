// Rectangular sections (abi.ts `Rect`): element counts, bounds checks and copies between typed
// arrays. Consumes two rectangles that conform (checked by the caller); produces the copy, with
// fast paths for contiguous runs and a temporary when source and destination share memory.

import type { Rect, TypedArray } from "./abi.js";

export function rectCount(rect: Rect): number {
  return rect.n0 * rect.n1;
}

export interface RectProblem {
  /** A linear index the rectangle reaches outside 0..length-1. */
  index: number;
}

/** Null when every element of a non-empty rectangle lies in 0..length-1. */
export function checkRect(rect: Rect, length: number): RectProblem | null {
  if (rect.n0 <= 0 || rect.n1 <= 0) return null;
  const lastA = (rect.n0 - 1) * rect.s0;
  const lastB = (rect.n1 - 1) * rect.s1;
  const low = rect.offset + Math.min(0, lastA) + Math.min(0, lastB);
  const high = rect.offset + Math.max(0, lastA) + Math.max(0, lastB);
  if (!Number.isInteger(low) || low < 0) return { index: low };
  if (!Number.isInteger(high) || high >= length) return { index: high };
  return null;
}

/** The start and stride of a rectangle read as one sequence, or null if it is truly 2-D. */
function asSequence(rect: Rect): { start: number; stride: number } | null {
  if (rect.n1 === 1) return { start: rect.offset, stride: rect.s0 };
  if (rect.n0 === 1) return { start: rect.offset, stride: rect.s1 };
  return null;
}

/**
 * Copies the elements of `srcRect` in `src` to `dstRect` in `dst`, in (a, b) order. When both
 * live in the same memory (e.g. `c(0:5)[me] = c(1:6)`), the source is read completely first.
 */
export function copyRect(src: TypedArray, srcRect: Rect, dst: TypedArray, dstRect: Rect): void {
  const count = rectCount(srcRect);
  if (count === 0) return;
  if (src.buffer === dst.buffer) {
    const temp = new (src.constructor as new (n: number) => TypedArray)(count);
    copyRect(src, srcRect, temp, { offset: 0, n0: srcRect.n0, s0: srcRect.n1, n1: srcRect.n1, s1: 1 });
    copyRect(temp, { offset: 0, n0: srcRect.n0, s0: srcRect.n1, n1: srcRect.n1, s1: 1 }, dst, dstRect);
    return;
  }
  const srcSeq = asSequence(srcRect);
  const dstSeq = asSequence(dstRect);
  if (srcSeq && dstSeq) {
    if (srcSeq.stride === 1 && dstSeq.stride === 1) {
      dst.set(src.subarray(srcSeq.start, srcSeq.start + count), dstSeq.start);
      return;
    }
    for (let t = 0, s = srcSeq.start, d = dstSeq.start; t < count; t++, s += srcSeq.stride, d += dstSeq.stride) dst[d] = src[s];
    return;
  }
  // Truly 2-D on both sides, same shape (conformance was checked): row by row.
  for (let a = 0; a < srcRect.n0; a++) {
    const s0 = srcRect.offset + a * srcRect.s0;
    const d0 = dstRect.offset + a * dstRect.s0;
    if (srcRect.s1 === 1 && dstRect.s1 === 1) {
      dst.set(src.subarray(s0, s0 + srcRect.n1), d0);
    } else {
      for (let b = 0; b < srcRect.n1; b++) dst[d0 + b * dstRect.s1] = src[s0 + b * srcRect.s1];
    }
  }
}
