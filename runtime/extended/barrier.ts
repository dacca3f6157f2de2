// `sync all` (and the synchronisation inside collectives and allocations): a central
// sense-reversing barrier (a counter and a generation word on image 0) over the Core's atomics.
// Consumes a Core; produces null on success or a message naming an image that stopped.

import { Ctl, type Core } from "../core/core.js";

export class Barrier {
  constructor(private readonly core: Core) {}

  /**
   * Waits until every image has arrived. Returns null, or a message when an image has stopped
   * (it can never arrive, so waiting would hang). The last arriver resets the counter before it
   * bumps the generation, so an image leaving this barrier always finds a fresh counter.
   */
  wait(): string | null {
    const core = this.core;
    if (core.size === 1) return null;
    const generation = core.ctlLoad(0, Ctl.BARRIER_GENERATION);
    const arrived = core.ctlAdd(0, Ctl.BARRIER_COUNT, 1) + 1;
    if (arrived === core.size) {
      core.ctlStore(0, Ctl.BARRIER_COUNT, 0);
      core.ctlAdd(0, Ctl.BARRIER_GENERATION, 1);
      core.notifyWord(0, Ctl.BARRIER_GENERATION);
      return null;
    }
    return core.waitWhileWord(0, Ctl.BARRIER_GENERATION, generation, () => firstStoppedImage(core));
  }
}

/** "image 3 has stopped" for the lowest stopped image, or null. */
export function firstStoppedImage(core: Core): string | null {
  if (core.stoppedCount() === 0) return null;
  for (let image = 0; image < core.size; image++) {
    if (core.isStopped(image)) return `image ${image} has stopped`;
  }
  return null;
}
