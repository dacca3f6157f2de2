// `sync images(p | list | *)`: pairwise synchronisation with counts matched in order (Fortran).
// Consumes a Core; produces null or a message naming a partner that stopped before matching.
// Word SYNC_BASE + j on image i counts the `sync images` of j that named i.

import { Ctl, WaitKey, type Core } from "../core/core.js";

export class SyncImages {
  /** How many `sync images` this image has executed naming each image. */
  private readonly done: Int32Array;

  constructor(private readonly core: Core) {
    this.done = new Int32Array(core.size);
  }

  /** `partners` is validated (in range, no duplicates) and may contain this image (ignored). */
  sync(partners: readonly number[]): string | null {
    const core = this.core;
    const me = core.rank;
    core.completePuts();
    // Announce to every partner first, then wait: two images listing each other never deadlock.
    for (const partner of partners) {
      if (partner === me) continue;
      this.done[partner]++;
      core.ctlAdd(partner, Ctl.SYNC_BASE + me, 1);
      core.ring(partner);
    }
    for (const partner of partners) {
      if (partner === me) continue;
      const needed = this.done[partner];
      const word = Ctl.SYNC_BASE + partner;
      core.waitingOn(partner);
      const problem = core.waitUntil(
        WaitKey.SYNC_IMAGES,
        () => core.ctlLoad(me, word) >= needed,
        () => (core.isStopped(partner) ? `sync images: image ${partner} has stopped` : null),
      );
      if (problem !== null) return problem;
    }
    return null;
  }
}
