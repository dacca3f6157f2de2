// Teams (LANGUAGE.md §7.1): the team an image works in, and the barrier of a team that is not the
// initial one. Consumes a Core; produces Team values (what `form team` gives generated code) and a
// barrier that involves only a team's images: a dissemination barrier over per-pair counters
// (control word teamSyncWord(P, j) on image i counts the signals j sent i; this image counts what
// it consumed), so sibling teams, and a parent and its children, never share a counter's meaning:
// two images signal each other only in the barriers of the teams they are both in, which they
// pass in the same order.

import { WaitKey, teamSyncWord, type Core } from "../core/core.js";
import type { TeamValue } from "../abi/abi.js";

export class Team implements TeamValue {
  /** `form team` statements this team has executed (names its children: `key`). */
  formed = 0;
  /** Collectives run in this team (their scratch parity, agreed by its images). */
  round = 0;
  /** initial image → index in this team, or -1. */
  readonly indexOf: Int32Array;
  /** 0 for the initial team, its parent's + 1 for the others. */
  readonly depth: number;

  constructor(
    /** k of `form team`; -1 for the initial team. */
    readonly teamNumber: number,
    /** Initial-team indices of the team's images, in team order. */
    readonly members: Int32Array,
    /** This image's index in the team. */
    readonly me: number,
    readonly parent: Team | null,
    /** Where the team was formed: the parent's key, the formation and k ("" for the initial team). */
    readonly key: string,
    images: number,
  ) {
    this.depth = parent === null ? 0 : parent.depth + 1;
    this.indexOf = new Int32Array(images).fill(-1);
    members.forEach((initial, index) => (this.indexOf[initial] = index));
  }

  get size(): number {
    return this.members.length;
  }

  /** The team made of the images of this one that gave the same `k` (ks: every member's, in team order). */
  child(k: number, ks: ArrayLike<number>, images: number): Team {
    const members: number[] = [];
    let me = -1;
    for (let index = 0; index < this.members.length; index++) {
      if (ks[index] !== k) continue;
      if (index === this.me) me = members.length;
      members.push(this.members[index]!);
    }
    return new Team(k, Int32Array.from(members), me, this, `${this.key}/${this.formed++}:${k}`, images);
  }

  static initial(rank: number, size: number): Team {
    const members = new Int32Array(size);
    for (let i = 0; i < size; i++) members[i] = i;
    return new Team(-1, members, rank, null, "", size);
  }
}

/**
 * Team values saved by a checkpoint come back as plain objects (structured clone keeps the links
 * between them): rebuilds them as Teams, sharing parents by key, the initial team being `initial`,
 * whose formation count moves past every restored child's so new teams get new keys. True when
 * there were any.
 */
export function reviveTeams(vars: Record<string, unknown>, initial: Team, images: number): boolean {
  const known = new Map<string, Team>([["", initial]]);
  type Saved = { key: string; teamNumber: number; members: ArrayLike<number>; me: number; parent: Saved; formed: number; round: number };
  const revive = (saved: Saved): Team => {
    const found = known.get(saved.key);
    if (found) return found;
    const parent = revive(saved.parent);
    const team = new Team(saved.teamNumber, Int32Array.from(saved.members), saved.me, parent, saved.key, images);
    team.formed = saved.formed;
    team.round = saved.round;
    known.set(saved.key, team);
    const formation = Number(/\/(\d+):\d+$/.exec(saved.key)?.[1] ?? -1);
    parent.formed = Math.max(parent.formed, formation + 1);
    return team;
  };
  for (const [name, value] of Object.entries(vars)) {
    if (value !== null && typeof value === "object" && "key" in value && "members" in value) vars[name] = revive(value as Saved);
  }
  return known.size > 1;
}

/** `image 1 (initial 3)` inside a team, `image 3` in the initial team. */
export function imageName(team: Team, index: number): string {
  return team.parent === null ? `image ${index}` : `image ${index} (initial ${team.members[index]})`;
}

export class TeamBarrier {
  /** Signals consumed from each image (initial index). */
  private readonly consumed: Int32Array;

  constructor(private readonly core: Core) {
    this.consumed = new Int32Array(core.size);
  }

  /**
   * Waits until every image of `team` arrived; null, or a message naming a team image that stopped
   * before it could signal this one. Round r signals the image 2^r ahead and waits for the one
   * 2^r behind: after ceil(log2 n) rounds every image has heard from every other.
   */
  wait(team: Team): string | null {
    const core = this.core;
    core.completePuts();
    const n = team.size;
    const me = team.me;
    const images = core.size;
    const self = team.members[me]!;
    for (let distance = 1; distance < n; distance *= 2) {
      const to = team.members[(me + distance) % n]!;
      const fromIndex = (me - distance + n) % n;
      const from = team.members[fromIndex]!;
      core.ctlSignal(to, teamSyncWord(images, self));
      const needed = ++this.consumed[from]!;
      const word = teamSyncWord(images, from);
      if (core.ctlLoad(self, word) >= needed) continue;
      core.waitingOn(from);
      const problem = core.waitUntil(
        WaitKey.BARRIER,
        () => core.ctlLoad(self, word) >= needed,
        () => (core.isStopped(from) ? `${imageName(team, fromIndex)} has stopped` : null),
      );
      if (problem !== null) return problem;
    }
    return null;
  }
}
