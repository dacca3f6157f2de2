// Events: `event post` (atomic increment on the target image + wake it), `event wait [until k]`
// (wait for the own count to reach k, then subtract k), `event_query`. Consumes a Core and the
// event word (AtomicWord: local or on another node); produces null or a message when the wait
// could never end.

import { WaitKey, type AtomicWord, type Core } from "../core/core.js";

export function postEvent(core: Core, word: AtomicWord, image: number): void {
  // Puts before the post are visible to the image that waits for it (§5.3).
  core.completePuts();
  word.add(1);
  core.ring(image);
}

export function waitEvent(core: Core, word: AtomicWord, until: number, what: string): string | null {
  core.completePuts();
  // Fortran: a threshold below 1 means 1.
  const threshold = until >= 1 ? until : 1;
  const problem = core.waitUntil(
    WaitKey.EVENT,
    () => word.load() >= threshold,
    () =>
      core.stoppedCount() >= core.size - 1
        ? `event wait on ${what} can never end: count ${word.load()}, waiting for ${threshold}, and every other image has stopped`
        : null,
  );
  if (problem !== null) return problem;
  word.add(-threshold);
  return null;
}
