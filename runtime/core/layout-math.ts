// All layout and rectangle math, in one place: block-cyclic placement of shared arrays (LANGUAGE.md
// §3: block size, owner, local offset, part length, runs within one owner) and rectangular sections
// (abi.ts `Rect`: counts, bounds checks, conformance, copies between typed arrays and between the
// bytes of a part and a packed buffer, splitting into pieces for the wire). Used by the Runtime
// (abi/runtime.ts), the grpc image core and the node engine's RMA server. Pure functions.

import type { LayoutSpec, Rect, TypedArray } from "../abi/abi.js";
import { copyBytes } from "../support/byte-copy.js";

export type { LayoutSpec } from "../abi/abi.js";

/** Block size B: 1 for cyclic, ceil(N/P) for block (at least 1), B for cyclic(B). */
export function blockSizeOf(layout: LayoutSpec, total: number, images: number): number {
  if (layout === "cyclic") return 1;
  if (layout === "block") return Math.max(1, Math.ceil(total / images));
  return layout;
}

/** The image owning linear element k: floor(k/B) mod P. */
export function ownerOf(k: number, blockSize: number, images: number): number {
  return Math.floor(k / blockSize) % images;
}

/** Offset of element k inside its owner's part: floor(k/(B*P))*B + k mod B. */
export function localOffsetOf(k: number, blockSize: number, images: number): number {
  return Math.floor(k / (blockSize * images)) * blockSize + (k % blockSize);
}

/** Number of elements image `image` owns (its part's length). */
export function partLengthOf(image: number, total: number, blockSize: number, images: number): number {
  const cycle = blockSize * images;
  const fullCycles = Math.floor(total / cycle);
  const rest = total - fullCycles * cycle;
  return fullCycles * blockSize + Math.max(0, Math.min(blockSize, rest - image * blockSize));
}

// --- rectangular sections ----------------------------------------------------------------------

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

/**
 * The fast path of bulk transfers: both sections are one non-empty contiguous run of the same
 * length (`n1 === 1`, stride 1), with integer bounds inside both arrays. Everything else (and
 * every error) goes through the general path, which checks and reports as before.
 */
export function isSimpleRun(src: Rect, dst: Rect, srcLength: number, dstLength: number): boolean {
  const count = src.n0;
  return (
    src.n1 === 1 && dst.n1 === 1 && src.s0 === 1 && dst.s0 === 1 && dst.n0 === count &&
    (count | 0) === count && count > 0 &&
    (src.offset | 0) === src.offset && src.offset >= 0 && src.offset + count <= srcLength &&
    (dst.offset | 0) === dst.offset && dst.offset >= 0 && dst.offset + count <= dstLength
  );
}

/** Copies count elements between different buffers; short runs by a loop (no subarray object). */
export function copyRun(src: TypedArray, from: number, dst: TypedArray, to: number, count: number): void {
  if (count <= SHORT_RUN) {
    for (let i = 0; i < count; i++) dst[to + i] = src[from + i];
  } else {
    dst.set(src.subarray(from, from + count), to);
  }
}

/** Runs up to this many elements are copied element by element: cheaper than subarray + set. */
const SHORT_RUN = 16;

/** The owner of global elements k..k+count-1 of a block-cyclic array when one block holds them all; else -1. */
export function ownerOfRun(k: number, count: number, blockSize: number, images: number): number {
  const block = Math.floor(k / blockSize);
  if (Math.floor((k + count - 1) / blockSize) !== block) return -1;
  return block % images;
}

/** Shapes conform when they agree after dropping extents of 1; returns a description if not. */
export function sameShape(a: Rect, b: Rect): string | null {
  if (a.n0 === b.n0 && a.n1 === b.n1) return null;
  const shapeA = [a.n0, a.n1].filter((n) => n !== 1);
  const shapeB = [b.n0, b.n1].filter((n) => n !== 1);
  if (shapeA.length === shapeB.length && shapeA.every((n, i) => n === shapeB[i])) return null;
  return `${a.n0} x ${a.n1} and ${b.n0} x ${b.n1}`;
}

/**
 * True when both rectangles are contiguous along their rows and have the same shape, or are
 * both contiguous sequences: then a copy is a series of runs (see forEachSharedRun).
 */
export function rowRuns(shared: Rect, local: Rect): boolean {
  const sharedSeq = shared.n1 === 1 ? shared.n0 <= 1 || shared.s0 === 1 : shared.s1 === 1;
  if (!sharedSeq) return false;
  if (shared.n1 === 1) return local.n1 === 1 ? local.n0 <= 1 || local.s0 === 1 : local.n0 === 1 && local.s1 === 1;
  return local.n0 === shared.n0 && local.n1 === shared.n1 && local.s1 === 1;
}

/** Splits global elements k0..k0+count-1 into runs that are contiguous in one owner's part. */
export function forEachSharedRun(
  k0: number,
  count: number,
  b: number,
  images: number,
  visit: (owner: number, from: number, length: number, done: number) => void,
): void {
  let done = 0;
  while (done < count) {
    const k = k0 + done;
    const block = Math.floor(k / b);
    const round = Math.floor(block / images);
    const inBlock = k - block * b;
    const length = Math.min(count - done, b - inBlock);
    visit(block - round * images, round * b + inBlock, length, done);
    done += length;
  }
}

/** Calls visit(k) for every element of `rect`, in (a, b) order. */
export function forEachIndex(rect: Rect, visit: (k: number) => void): void {
  for (let a = 0; a < rect.n0; a++) {
    const row = rect.offset + a * rect.s0;
    for (let b = 0; b < rect.n1; b++) visit(row + b * rect.s1);
  }
}

/** Calls visit(srcIndex, dstIndex) for conforming rectangles, element by element in order. */
export function forEachPair(src: Rect, dst: Rect, visit: (s: number, d: number) => void): void {
  const dstIndices: number[] = [];
  forEachIndex(dst, (d) => dstIndices.push(d));
  let t = 0;
  forEachIndex(src, (s) => visit(s, dstIndices[t++]));
}

export function gatherRect(src: TypedArray, rect: Rect): number[] {
  const values: number[] = [];
  forEachIndex(rect, (k) => values.push(src[k]));
  return values;
}


/** The packed (a, b)-order layout of a rectangle's elements. */
export function packedRect(rect: Rect): Rect {
  return { offset: 0, n0: rect.n0, s0: rect.n1, n1: rect.n1, s1: 1 };
}

/** A copy of a rectangle's elements, packed in (a, b) order. */
export function packRect(src: TypedArray, rect: Rect): TypedArray {
  const packed = new (src.constructor as new (n: number) => TypedArray)(rectCount(rect));
  copyRect(src, rect, packed, packedRect(rect));
  return packed;
}

/**
 * The rectangle's elements packed in (a, b) order: a view of `src` when they already lie so (a
 * contiguous section), else a packed copy. A view is only for a callee that reads it at once.
 */
export function packedOrView(src: TypedArray, rect: Rect): TypedArray {
  const contiguous = rect.n1 === 1 ? rect.n0 <= 1 || rect.s0 === 1 : rect.s1 === 1 && (rect.n0 <= 1 || rect.s0 === rect.n1);
  return contiguous ? src.subarray(rect.offset, rect.offset + rectCount(rect)) : packRect(src, rect);
}

/** count contiguous elements from `offset`. */
export function sequenceRect(offset: number, count: number): Rect {
  return { offset, n0: count, s0: 1, n1: 1, s1: 0 };
}

/**
 * Splits a rectangle into pieces of at most maxElems elements, in (a, b) order: whole rows when
 * rows fit, else runs along a row. Each piece is again a Rect of the same array.
 */
export function splitRect(rect: Rect, maxElems: number): Rect[] {
  const count = rect.n0 * rect.n1;
  if (count <= maxElems) return [rect];
  const pieces: Rect[] = [];
  if (rect.n1 === 1) {
    for (let a = 0; a < rect.n0; a += maxElems) {
      pieces.push({ offset: rect.offset + a * rect.s0, n0: Math.min(maxElems, rect.n0 - a), s0: rect.s0, n1: 1, s1: 0 });
    }
    return pieces;
  }
  if (rect.n1 <= maxElems) {
    const rows = Math.floor(maxElems / rect.n1);
    for (let a = 0; a < rect.n0; a += rows) {
      pieces.push({ offset: rect.offset + a * rect.s0, n0: Math.min(rows, rect.n0 - a), s0: rect.s0, n1: rect.n1, s1: rect.s1 });
    }
    return pieces;
  }
  for (let a = 0; a < rect.n0; a++) {
    for (let b = 0; b < rect.n1; b += maxElems) {
      pieces.push({ offset: rect.offset + a * rect.s0 + b * rect.s1, n0: Math.min(maxElems, rect.n1 - b), s0: rect.s1, n1: 1, s1: 0 });
    }
  }
  return pieces;
}

/**
 * Copies between rectangle `rect` of `bytes` (elements of `size` bytes) and the packed (a, b)-order
 * `packed`: into the part when `toPart`, out of it otherwise. The RMA server's section transfer.
 */
export function copyRectBytes(bytes: Uint8Array, rect: Rect, size: number, packed: Uint8Array, toPart: boolean): void {
  let t = 0;
  const { offset, n0, s0, n1, s1 } = rect;
  for (let a = 0; a < n0; a++) {
    const row = offset + a * s0;
    if (s1 === 1 || n1 === 1) {
      const from = row * size;
      if (toPart) copyBytes(bytes, from, packed, t, n1 * size);
      else copyBytes(packed, t, bytes, from, n1 * size);
      t += n1 * size;
      continue;
    }
    for (let b = 0; b < n1; b++, t += size) {
      const at = (row + b * s1) * size;
      if (toPart) bytes.set(packed.subarray(t, t + size), at);
      else packed.set(bytes.subarray(at, at + size), t);
    }
  }
}
