// Mutual exclusion: `lock`/`unlock` on lock coarrays and `critical` constructs. A lock word holds
// holder + 1 (0 when free); waiters park and are rung by the unlocker (on every node). Consumes a
// Core and the lock word (AtomicWord: local memory or a remote image); produces null or the
// misuse/stopped-holder message.

import { Ctl, WaitKey, type AtomicWord, type Core } from "../core/core.js";

/** Acquire a lock word (an element of the target image's segment). */
export function acquireLock(core: Core, word: AtomicWord, key: number, what: string): string | null {
  core.completePuts();
  const me = core.rank + 1;
  const old = word.cas(0, me);
  if (old === 0) return null;
  if (old === me) return `${what} is already locked by this image`;
  return core.waitUntil(
    key,
    () => word.cas(0, me) === 0,
    () => {
      const holder = word.load() - 1;
      core.waitingOn(holder);
      return holder >= 0 && core.isStopped(holder) ? `${what} is held by image ${holder}, which has stopped` : null;
    },
  );
}

export function releaseLock(core: Core, word: AtomicWord, key: number, what: string): string | null {
  core.completePuts();
  const me = core.rank + 1;
  const old = word.cas(me, 0);
  if (old === me) {
    core.ringKey(key);
    return null;
  }
  if (old === 0) return `cannot unlock ${what}: it is not locked`;
  return `cannot unlock ${what}: it is locked by image ${old - 1}`;
}

/** A wait key for the lock of segment `segment` on `image` (collisions only cause extra wake-ups). */
export function lockKey(segment: number, image: number): number {
  return WaitKey.LOCK_BASE + ((segment * 4099 + image) & 0xffffff);
}

/**
 * `critical` constructs: one lock per construct id in the control words of the current team's
 * first image (`leader`: image 0 in the initial team), so sibling teams do not exclude each other.
 */
export class Critical {
  constructor(private readonly core: Core) {}

  enter(id: number, leader: number): string | null {
    const core = this.core;
    core.completePuts();
    const me = core.rank + 1;
    const word = Ctl.CRITICAL_BASE + (id % Ctl.CRITICAL_SLOTS);
    const old = core.ctlCas(leader, word, 0, me);
    if (old === 0) return null;
    if (old === me) return "critical construct entered again while this image is inside it";
    return core.waitUntil(
      WaitKey.CRITICAL,
      () => core.ctlCas(leader, word, 0, me) === 0,
      () => {
        const holder = core.ctlLoad(leader, word) - 1;
        core.waitingOn(holder);
        return holder >= 0 && core.isStopped(holder) ? `critical construct held by image ${holder}, which has stopped` : null;
      },
    );
  }

  exit(id: number, leader: number): void {
    const core = this.core;
    core.completePuts();
    const word = Ctl.CRITICAL_BASE + (id % Ctl.CRITICAL_SLOTS);
    if (core.ctlCas(leader, word, core.rank + 1, 0) === core.rank + 1) core.ringKey(WaitKey.CRITICAL);
  }
}
