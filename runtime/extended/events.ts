// Events: `event post` (atomic increment on the target image + wake it), `event wait [until k]`
// (wait for the own count to reach k, then subtract k), `event_query`. Consumes a Core and the
// event word's Int32Array view; produces null or a message when the wait could never end.

import { WaitKey, type Core } from "../core/core.js";

export function postEvent(core: Core, word: Int32Array, index: number, image: number): void {
  Atomics.add(word, index, 1);
  core.ring(image);
}

export function waitEvent(core: Core, word: Int32Array, index: number, until: number, what: string): string | null {
  // Fortran: a threshold below 1 means 1.
  const threshold = until >= 1 ? until : 1;
  const problem = core.waitUntil(
    WaitKey.EVENT,
    () => Atomics.load(word, index) >= threshold,
    () =>
      core.stoppedCount() >= core.size - 1
        ? `event wait on ${what} can never end: count ${Atomics.load(word, index)}, waiting for ${threshold}, and every other image has stopped`
        : null,
  );
  if (problem !== null) return problem;
  Atomics.sub(word, index, threshold);
  return null;
}
