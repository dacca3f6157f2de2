// Collectives (co_sum/co_min/co_max, co_broadcast, co_reduce) over a per-image scratch segment
// and the barrier. Consumes a Core, a Barrier and a fail callback; produces results combined in
// image order 0..P-1 on every image, so float results never depend on how images map to nodes.
// Across nodes the scratch is mirrored: each barrier names the bytes it publishes (GatherRange)
// and the conduit copies them from every image into every node's mirrors before it completes.
//
// Scratch segment of each image (bytes): 4 Float64 header slots [scalar0, scalar1, length0,
// length1], then two data halves of `capacity` bytes. Collective number c uses parity c % 2:
// the next collective that reuses a half starts after a barrier every image passed only after
// finishing its reads of this one, so one barrier per scalar collective suffices.

import type { Core, GatherRange } from "../core/core.js";
import type { Barrier } from "./barrier.js";

export type Combine = (a: number, b: number) => number;
type Fail = (message: string) => never;
type NumericArray = Int32Array | Float64Array;

const HEADER_SLOTS = 4;
const HEADER_BYTES = HEADER_SLOTS * 8;
const INITIAL_CAPACITY = 8 * 1024;
/** Below this length one image folds all P contributions faster than a second barrier costs. */
const SPLIT_FOLD_MIN_ELEMENTS = 2048;

export const combiners = {
  int: {
    sum: (a: number, b: number) => (a + b) | 0,
    min: (a: number, b: number) => (a < b ? a : b),
    max: (a: number, b: number) => (a > b ? a : b),
  },
  float: {
    sum: (a: number, b: number) => a + b,
    min: (a: number, b: number) => Math.min(a, b),
    max: (a: number, b: number) => Math.max(a, b),
  },
} as const;

const BUILT_IN_COMBINERS: ReadonlySet<Combine> = new Set<Combine>([
  ...Object.values(combiners.int),
  ...Object.values(combiners.float),
]);

/**
 * halves[0][i] = halves[0][i] ⊕ halves[1][i] ⊕ … ⊕ halves[P-1][i] (left to right) for i in
 * [from, to). Sums get a loop of their own: the generic one calls `combine` per element.
 */
export function foldRange(halves: NumericArray[], from: number, to: number, combine: Combine): void {
  const target = halves[0];
  if (combine === combiners.float.sum) {
    for (let image = 1; image < halves.length; image++) {
      const theirs = halves[image];
      for (let i = from; i < to; i++) target[i] += theirs[i];
    }
    return;
  }
  if (combine === combiners.int.sum) {
    for (let image = 1; image < halves.length; image++) {
      const theirs = halves[image];
      for (let i = from; i < to; i++) target[i] = (target[i] + theirs[i]) | 0;
    }
    return;
  }
  for (let image = 1; image < halves.length; image++) {
    const theirs = halves[image];
    for (let i = from; i < to; i++) target[i] = combine(target[i], theirs[i]);
  }
}

interface ScratchViews {
  f64: Float64Array;
  i32: Int32Array;
}

export class Collectives {
  private scratch: ScratchViews[] | null = null;
  private scratchSegment = 0;
  private capacity = 0;
  private round = 0;
  /** The GatherRange of header slot `parity` (built once per scratch: scalar collectives are hot). */
  private scalarRanges: GatherRange[] = [];

  constructor(
    private readonly core: Core,
    private readonly barrier: Barrier,
  ) {}

  /** Scalar reduction; returns the result (on every image, or on `resultImage` only when >= 0). */
  reduce(what: string, value: number, combine: Combine, resultImage: number, fail: Fail): number {
    const scratch = this.ensureScratch(0, what, fail);
    const parity = this.round++ & 1;
    scratch[this.core.rank].f64[parity] = value;
    this.sync(what, fail, this.scalarRanges[parity]);
    if (resultImage >= 0 && resultImage !== this.core.rank) return value;
    let acc = scratch[0].f64[parity];
    for (let image = 1; image < scratch.length; image++) acc = combine(acc, scratch[image].f64[parity]);
    return acc;
  }

  /** Every image's `value`, in image order (`form team` gathers each image's k). */
  gather(what: string, value: number, fail: Fail): Float64Array {
    const scratch = this.ensureScratch(0, what, fail);
    const parity = this.round++ & 1;
    scratch[this.core.rank].f64[parity] = value;
    this.sync(what, fail, this.scalarRanges[parity]);
    return Float64Array.from(scratch, (views) => views.f64[parity]!);
  }

  broadcast(what: string, value: number, source: number, fail: Fail): number {
    const scratch = this.ensureScratch(0, what, fail);
    const parity = this.round++ & 1;
    if (this.core.rank === source) scratch[source].f64[parity] = value;
    this.sync(what, fail, this.scalarRanges[parity]);
    return scratch[source].f64[parity];
  }

  /** Elementwise reduction in place (only on `resultImage` when >= 0). */
  reduceArray(what: string, data: NumericArray, combine: Combine, resultImage: number, fail: Fail): void {
    const parity = this.round++ & 1;
    const scratch = this.agreeOnLength(what, data, parity, fail);
    const mine = this.half(scratch[this.core.rank], data, parity);
    mine.set(data);
    this.sync(what, fail, this.halfRange(data, parity));
    if (this.splitsFold(data.length, combine)) {
      // Image k folds elements [k·L/P, (k+1)·L/P) over images 0..P-1 in order into image 0's half
      // (each element keeps the image order, so results are bit-identical to the whole fold);
      // after a second barrier every image copies the folded half. P·L work in all, not P²·L.
      const size = scratch.length;
      const from = Math.floor((this.core.rank * data.length) / size);
      const to = Math.floor(((this.core.rank + 1) * data.length) / size);
      const halves = scratch.map((views) => this.half(views, data, parity));
      foldRange(halves, from, to, combine);
      this.sync(what, fail, this.halfRange(data, parity));
      if (resultImage >= 0 && resultImage !== this.core.rank) return;
      data.set(halves[0]);
      return;
    }
    if (resultImage >= 0 && resultImage !== this.core.rank) return;
    data.set(this.half(scratch[0], data, parity));
    for (let image = 1; image < scratch.length; image++) {
      const theirs = this.half(scratch[image], data, parity);
      for (let i = 0; i < data.length; i++) data[i] = combine(data[i], theirs[i]);
    }
  }

  /**
   * Whether reduceArray folds by element ranges: only on one node (every image's half is the
   * real memory, not a mirror), for the built-in combiners (a user's co_reduce function runs on
   * every image exactly as before), and when the saved folding outweighs the second barrier.
   */
  private splitsFold(length: number, combine: Combine): boolean {
    const core = this.core;
    return (
      core.size > 1 &&
      core.nodeFirst === 0 &&
      core.nodeEnd === core.size &&
      length >= SPLIT_FOLD_MIN_ELEMENTS &&
      BUILT_IN_COMBINERS.has(combine)
    );
  }

  broadcastArray(what: string, data: NumericArray, source: number, fail: Fail): void {
    const parity = this.round++ & 1;
    const scratch = this.agreeOnLength(what, data, parity, fail);
    if (this.core.rank === source) this.half(scratch[source], data, parity).set(data);
    this.sync(what, fail, this.halfRange(data, parity));
    if (this.core.rank !== source) data.set(this.half(scratch[source], data, parity));
  }

  /** Publishes the array length, checks every image passed the same length, grows the scratch. */
  private agreeOnLength(what: string, data: NumericArray, parity: number, fail: Fail): ScratchViews[] {
    let scratch = this.ensureScratch(0, what, fail);
    scratch[this.core.rank].f64[2 + parity] = data.length;
    this.sync(what, fail, this.range((2 + parity) * 8, 8));
    for (let image = 0; image < scratch.length; image++) {
      const theirs = scratch[image].f64[2 + parity];
      if (theirs !== data.length) {
        fail(`${what}: the array has ${data.length} elements on image ${this.core.rank} but ${theirs} on image ${image}`);
      }
    }
    // Every image has the same length, so every image takes the same decision to grow.
    if (data.length * 8 > this.capacity) scratch = this.ensureScratch(data.length * 8, what, fail);
    return scratch;
  }

  private range(byteOffset: number, byteLength: number): GatherRange {
    return { segment: this.scratchSegment, byteOffset, byteLength };
  }

  private halfRange(like: NumericArray, parity: number): GatherRange {
    return this.range(HEADER_BYTES + parity * this.capacity, like.length * like.BYTES_PER_ELEMENT);
  }

  private half(views: ScratchViews, like: NumericArray, parity: number): NumericArray {
    const byteOffset = HEADER_BYTES + parity * this.capacity;
    if (like instanceof Int32Array) return views.i32.subarray(byteOffset / 4, byteOffset / 4 + like.length);
    return views.f64.subarray(byteOffset / 8, byteOffset / 8 + like.length);
  }

  private ensureScratch(bytesNeeded: number, what: string, fail: Fail): ScratchViews[] {
    if (this.scratch !== null && bytesNeeded <= this.capacity) return this.scratch;
    let capacity = Math.max(this.capacity, INITIAL_CAPACITY);
    while (capacity < bytesNeeded) capacity *= 2;
    const exchange = this.core.exchangeSegment(`${what} scratch`, HEADER_BYTES + 2 * capacity, capacity, true);
    if (!exchange.ok) fail(`${what}: ${exchange.message}`);
    const buffers = exchange.buffers;
    this.scratch = buffers.map((buffer) => {
      if (buffer === null) throw new Error("internal error: the collective scratch must be mirrored on every node");
      return { f64: new Float64Array(buffer), i32: new Int32Array(buffer) };
    });
    this.capacity = capacity;
    this.scratchSegment = exchange.id;
    this.scalarRanges = [this.range(0, 8), this.range(8, 8)];
    return this.scratch;
  }

  private sync(what: string, fail: Fail, gather: GatherRange): void {
    const problem = this.barrier.wait(gather);
    if (problem !== null) fail(`${what}: ${problem}`);
  }
}
