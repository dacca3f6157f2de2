// Collectives inside a team that is not the initial one (LANGUAGE.md §7.1): combined in team image
// order, synchronised by the team's own barrier, so no image outside the team takes part.
// Scratch: one segment allocated by the initial team at its first `form team` (a team never
// allocates), one region per nesting depth: an image of a parent team may still be reading this
// image's contribution to a parent collective while this image, already in a child team, writes
// its next one; the regions keep them apart. A region: two scalar slots, then two halves of
// HALF_BYTES, used by alternate rounds (a round writes a half only after a barrier every member
// passed after reading that half two rounds ago). Contributions on this node are read from memory,
// others with remote gets; arrays go in chunks of a half. Consumes a Core and a TeamBarrier;
// produces the collectives' results.

import type { Core, ElemKind } from "../core/core.js";
import { sequenceRect } from "../core/layout-math.js";
import { foldRange, type Combine } from "./collectives.js";
import type { Team } from "./teams.js";
import type { TeamBarrier } from "./team-barrier.js";

type Fail = (message: string) => never;
type NumericArray = Int32Array | Float64Array;

/** Nesting depths with a region of their own (the initial team uses collectives.ts's scratch). */
export const MAX_TEAM_DEPTH = 8;
const SLOT_BYTES = 16;
const HALF_BYTES = 8 * 1024;
const REGION_BYTES = SLOT_BYTES + 2 * HALF_BYTES;
const CHUNK = HALF_BYTES / 8;

export class TeamCollectives {
  private segment = -1;
  /** Each image's scratch on this node (null: another node's). */
  private views: ({ f64: Float64Array; i32: Int32Array } | null)[] = [];

  constructor(
    private readonly core: Core,
    private readonly barrier: TeamBarrier,
  ) {}

  /** Collective over every image (the initial team's first `form team`); once. */
  allocate(fail: Fail): void {
    if (this.segment >= 0) return;
    const exchange = this.core.exchangeSegment("team scratch", MAX_TEAM_DEPTH * REGION_BYTES, REGION_BYTES);
    if (!exchange.ok) fail(`form team: ${exchange.message}`);
    this.segment = exchange.id;
    this.views = exchange.buffers.map((b) => (b === null ? null : { f64: new Float64Array(b), i32: new Int32Array(b) }));
  }

  /** Every member's `value`, in team order (`form team` gathers each member's k). */
  gather(team: Team, what: string, value: number, fail: Fail): Float64Array {
    const parity = this.publishScalar(team, value, true, what, fail);
    const out = new Float64Array(team.size);
    for (let index = 0; index < team.size; index++) out[index] = this.slot(team, team.members[index]!, parity);
    return out;
  }

  reduce(team: Team, what: string, value: number, combine: Combine, resultIndex: number, fail: Fail): number {
    const parity = this.publishScalar(team, value, true, what, fail);
    if (resultIndex >= 0 && resultIndex !== team.me) return value;
    let acc = this.slot(team, team.members[0]!, parity);
    for (let index = 1; index < team.size; index++) acc = combine(acc, this.slot(team, team.members[index]!, parity));
    return acc;
  }

  broadcast(team: Team, what: string, value: number, source: number, fail: Fail): number {
    const parity = this.publishScalar(team, value, team.me === source, what, fail);
    return this.slot(team, team.members[source]!, parity);
  }

  /** Elementwise in place, in team order (only on `resultIndex` when >= 0). */
  reduceArray(team: Team, what: string, data: NumericArray, combine: Combine, resultIndex: number, fail: Fail): void {
    this.agreeOnLength(team, what, data, fail);
    const keep = resultIndex < 0 || resultIndex === team.me;
    this.chunks(team, what, data, fail, (parity, from, count) => {
      if (!keep) return;
      const halves = Array.from(team.members, (initial) => this.half(team, initial, data, parity, count));
      halves[0] = halves[0]!.slice(); // folded into a copy: the first member's half is read by the others too
      foldRange(halves, 0, count, combine);
      data.set(halves[0], from);
    });
  }

  broadcastArray(team: Team, what: string, data: NumericArray, source: number, fail: Fail): void {
    this.agreeOnLength(team, what, data, fail);
    this.chunks(team, what, data, fail, (parity, from, count) => {
      if (team.me !== source) data.set(this.half(team, team.members[source]!, data, parity, count), from);
    });
  }

  private publishScalar(team: Team, value: number, write: boolean, what: string, fail: Fail): number {
    const parity = team.round++ & 1;
    if (write) this.own(team, fail).f64[this.regionOffset(team) / 8 + parity] = value;
    this.sync(team, what, fail);
    return parity;
  }

  /** One round per chunk: publish this image's chunk in the round's half, wait for the team, use it. */
  private chunks(team: Team, what: string, data: NumericArray, fail: Fail, use: (parity: number, from: number, count: number) => void): void {
    const mine = this.own(team, fail);
    for (let from = 0; from < data.length; from += CHUNK) {
      const count = Math.min(CHUNK, data.length - from);
      const parity = team.round++ & 1;
      this.halfOf(mine, team, data, parity, count).set(data.subarray(from, from + count));
      this.sync(team, what, fail);
      use(parity, from, count);
    }
  }

  private agreeOnLength(team: Team, what: string, data: NumericArray, fail: Fail): void {
    const lengths = this.gather(team, what, data.length, fail);
    lengths.forEach((theirs, index) => {
      if (theirs !== data.length) {
        fail(`${what}: the array has ${data.length} elements on image ${team.me} but ${theirs} on image ${index} of the team`);
      }
    });
  }

  private sync(team: Team, what: string, fail: Fail): void {
    const problem = this.barrier.wait(team);
    if (problem !== null) fail(`${what}: ${problem}`);
  }

  private own(team: Team, fail: Fail): { f64: Float64Array; i32: Int32Array } {
    if (team.depth > MAX_TEAM_DEPTH) fail(`teams are nested ${team.depth} deep; this pgasc allows ${MAX_TEAM_DEPTH}`);
    const views = this.views[this.core.rank];
    if (!views) return fail("internal error: the team scratch was not allocated by the first form team");
    return views;
  }

  private regionOffset(team: Team): number {
    return (team.depth - 1) * REGION_BYTES;
  }

  private slot(team: Team, initial: number, parity: number): number {
    const index = this.regionOffset(team) / 8 + parity;
    const views = this.views[initial];
    return views ? views.f64[index]! : this.core.remoteGet(this.segment, initial, "float", index);
  }

  /** Where half `parity` of the team's region starts, in elements of `like`'s kind. */
  private halfStart(team: Team, like: NumericArray, parity: number): number {
    return (this.regionOffset(team) + SLOT_BYTES + parity * HALF_BYTES) / like.BYTES_PER_ELEMENT;
  }

  private halfOf(views: { f64: Float64Array; i32: Int32Array }, team: Team, like: NumericArray, parity: number, count: number): NumericArray {
    const start = this.halfStart(team, like, parity);
    return (like instanceof Int32Array ? views.i32 : views.f64).subarray(start, start + count);
  }

  /** `count` elements of member `initial`'s half (its memory, or a copy fetched from its node). */
  private half(team: Team, initial: number, like: NumericArray, parity: number, count: number): NumericArray {
    const views = this.views[initial];
    if (views) return this.halfOf(views, team, like, parity, count);
    const elem: ElemKind = like instanceof Int32Array ? "int" : "float";
    const start = this.halfStart(team, like, parity);
    // copied: the conduit's reply buffer is reused by the next remote get
    return (this.core.remoteGetRect(this.segment, initial, elem, sequenceRect(start, count)) as NumericArray).slice();
  }
}
