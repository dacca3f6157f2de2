// Teams (LANGUAGE.md §7.1): the team an image works in. Consumes nothing but the ABI's TeamValue;
// produces Team values (what `form team` gives generated code, kept by change team and the
// runtime), their revival after a restart, and how messages name a team's images. The barrier
// of a team is team-barrier.ts's, its collectives team-collectives.ts's.

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
