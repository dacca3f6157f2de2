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

/**
 * The signal of a notified put (§7.2) on `image`, whose event word is `part[0]` on this node or
 * word 0 of `segment` on another: unlike `event post`, it completes no other puts. On this node
 * the put was a store, so the atomic increment after it publishes it; on another node the signal
 * travels behind the put on the same stream.
 */
export function notifyEvent(core: Core, part: Int32Array | null, segment: number, image: number): void {
  if (part === null) {
    core.remoteNotify(segment, image, 0);
    return;
  }
  Atomics.add(part, 0, 1);
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
