// `sync all` (and the synchronisation inside collectives and allocations): hierarchical. Inside a
// node a central counter and generation word on the node's first image (shared memory); the last
// arriver of the node hands over to the conduit (core.completeNodeArrival), which joins the other
// nodes (dissemination among node processes) and then advances the generation.
// Consumes a Core; produces null on success or a message naming an image that stopped.

import { Ctl, type Core, type GatherRange } from "../core/core.js";

export class Barrier {
  /** Made once: a closure per barrier would be garbage on the hottest path there is. */
  private readonly blocked: () => string | null;

  constructor(private readonly core: Core) {
    this.blocked = () => firstStoppedImage(core);
  }

  /**
   * Waits until every image has arrived. Returns null, or a message when an image has stopped
   * (it can never arrive, so waiting would hang). The last arriver resets the counter before the
   * generation advances, so an image leaving this barrier always finds a fresh counter.
   * `gather`: collectives' contributions that every node must see when the barrier completes.
   */
  wait(gather: GatherRange | null = null): string | null {
    const core = this.core;
    // Puts issued before the barrier are complete before anyone leaves it (§5.3).
    core.completePuts();
    if (core.size === 1) return null;
    const leader = core.nodeFirst;
    const generation = core.ctlLoad(leader, Ctl.BARRIER_GENERATION);
    const arrived = core.ctlAdd(leader, Ctl.BARRIER_COUNT, 1) + 1;
    if (arrived === core.nodeEnd - core.nodeFirst) {
      core.ctlStore(leader, Ctl.BARRIER_COUNT, 0);
      core.completeNodeArrival(gather);
      if (core.ctlLoad(leader, Ctl.BARRIER_GENERATION) !== generation) return null;
    }
    return core.waitWhileWord(leader, Ctl.BARRIER_GENERATION, generation, this.blocked);
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
