// Layout of the node control block: one SharedArrayBuffer of Int32 words shared by the launcher's
// main thread and every image thread of a node. Consumed by shared-memory-core.ts (images) and
// the node engine (runtime/node, main thread); produces word indices.

import { Ctl } from "./core.js";

/** Global words. */
export const Global = {
  /** 0 normal; 1 once the job is aborting (runtime error, error stop, timeout). */
  ABORT: 0,
  /** Exit status chosen by the first abort. */
  EXIT_STATUS: 1,
  /** Node-wide output lock: holder + 1, 0 when free. */
  PRINT_LOCK: 2,
  /** Images that have stopped. */
  STOPPED_COUNT: 3,
  /** Images currently waiting for the print lock (so the releaser knows whether to ring). */
  PRINT_WAITERS: 4,
  COUNT: 16,
} as const;

/** Words per image: the fixed control words plus a sync-images and a team-barrier counter per image. */
export function imageWords(images: number): number {
  return Ctl.SYNC_BASE + 2 * images;
}

export function controlBlockWords(images: number): number {
  return Global.COUNT + images * imageWords(images);
}

/** Index of control word `word` of `image`. */
export function ctlIndex(images: number, image: number, word: number): number {
  return Global.COUNT + image * imageWords(images) + word;
}

export function createControlBlock(images: number): SharedArrayBuffer {
  return new SharedArrayBuffer(controlBlockWords(images) * 4);
}

/** Rings `image`'s doorbell: it wakes if parked, and re-checks what it waits for. */
export function ringDoorbell(words: Int32Array, images: number, image: number): void {
  const index = ctlIndex(images, image, Ctl.DOORBELL);
  Atomics.add(words, index, 1);
  Atomics.notify(words, index);
}

/** Rings the images first..end-1 (one node's) that are parked on `key`. */
export function ringParkedOn(words: Int32Array, images: number, first: number, end: number, key: number): void {
  for (let image = first; image < end; image++) {
    if (Atomics.load(words, ctlIndex(images, image, Ctl.PARKED_KEY)) === key) ringDoorbell(words, images, image);
  }
}
