// The handles generated code holds for collectively allocated variables (abi.ts CoarrayHandle,
// SharedHandle): every image's part, mapped when on this node and null otherwise, the segment id
// and, for shared arrays, the block-cyclic layout. Consumed by abi/runtime.ts.

import type { AllocElem, CoarrayHandle, DataElem, SharedHandle, TypedArray } from "./abi.js";
import type { ElemKind } from "../core/core.js";
import { ownerOfRun } from "../core/layout-math.js";

type PartArray = TypedArray;
/** A part mapped on this node, or null for an image on another node. */
export type Part = PartArray | null;

export class CoarrayImpl implements CoarrayHandle {
  readonly kind = "coarray" as const;
  /**
   * Every image's part by the current team's image numbers (§7.1: `c[p]` is image p of the
   * team): `initialParts` itself in the initial team, remapped when the team changes.
   */
  parts: Part[];
  constructor(
    readonly name: string,
    readonly elem: AllocElem,
    readonly dims: readonly number[],
    readonly length: number,
    readonly local: TypedArray,
    /** Every image's part by initial number: mapped directly for this node's images, null for remote ones. */
    readonly initialParts: Part[],
    readonly segment: number,
  ) {
    this.parts = initialParts;
  }
}

export class SharedImpl implements SharedHandle {
  readonly kind = "shared" as const;
  constructor(
    readonly name: string,
    readonly elem: DataElem,
    readonly dims: readonly number[],
    readonly length: number,
    readonly blockSize: number,
    readonly local: TypedArray,
    readonly parts: Part[],
    readonly segment: number,
    readonly images: number,
  ) {}
}

export function elementBytes(elem: AllocElem): number {
  return elem === "float" ? 8 : elem === "bool" ? 1 : 4;
}

export function storageOf(elem: AllocElem): ElemKind {
  return elem === "float" ? "float" : elem === "bool" ? "bool" : "int";
}

export function viewOf(elem: AllocElem, buffer: SharedArrayBuffer | null): Part {
  if (buffer === null) return null;
  if (elem === "float") return new Float64Array(buffer);
  if (elem === "bool") return new Uint8Array(buffer);
  return new Int32Array(buffer);
}

/** The mapped part holding global elements k..k+count-1 of a shared array when one block does; else null. */
export function partHoldingRun(h: SharedImpl, k: number, count: number): Part {
  const owner = ownerOfRun(k, count, h.blockSize, h.images);
  return owner < 0 ? null : h.parts[owner];
}
