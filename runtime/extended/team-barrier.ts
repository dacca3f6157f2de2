// The barrier of a team that is not the initial one (LANGUAGE.md §7.1: sync all inside a team,
// entering and leaving change team, the team's collectives), involving only the team's images.
// Hierarchical, as the whole job's barrier is: on each node the team's first image there (its
// node leader) collects one signal from each of the team's other images on the node, the node
// leaders run a dissemination barrier among themselves (round r: signal the leader 2^r ahead,
// wait for the one 2^r behind), then each leader releases its node's images with a signal each.
// (Not one word they all park on, bumped by the leader: the leader may still be finishing a
// barrier of an earlier team that this image is not in, and its bump would release it early.)
// Every signal is an add to a per-pair counter (control word teamSyncWord(P, j) on image i counts
// what j sent i) and this image counts what it consumed from each, so teams never share a
// counter's meaning: two images signal each other only in the barriers of the teams they are both
// in, which they pass in the same order, and in each such barrier each sends the other at most
// one signal. Consumes a Core; produces null or a message naming a team image that stopped.

import { WaitKey, teamSyncWord, type Core } from "../core/core.js";
import { imageName, type Team } from "./teams.js";

/** Where this image stands in a team's barrier (per team, computed once). */
interface Shape {
  /** Team index of this node's leader. */
  leader: number;
  /** Team indices of the team's other images on this node (when this image is the leader: it waits for them). */
  locals: number[];
  /** Team indices of every node's leader, in team order, and this image's place among them (-1: not a leader). */
  leaders: number[];
  place: number;
}

export class TeamBarrier {
  /** Signals consumed from each image (initial index). */
  private readonly consumed: Int32Array;
  private readonly shapes = new WeakMap<Team, Shape>();

  constructor(private readonly core: Core) {
    this.consumed = new Int32Array(core.size);
  }

  wait(team: Team): string | null {
    const core = this.core;
    core.completePuts();
    if (team.size === 1) return null;
    const shape = this.shapeOf(team);
    if (shape.place < 0) {
      this.signal(team, shape.leader);
      return this.await(team, shape.leader);
    }
    for (const index of shape.locals) {
      const problem = this.await(team, index);
      if (problem !== null) return problem;
    }
    const leaders = shape.leaders;
    const n = leaders.length;
    for (let distance = 1; distance < n; distance *= 2) {
      this.signal(team, leaders[(shape.place + distance) % n]!);
      const problem = this.await(team, leaders[(shape.place - distance + n) % n]!);
      if (problem !== null) return problem;
    }
    for (const index of shape.locals) this.signal(team, index);
    return null;
  }

  private signal(team: Team, index: number): void {
    this.core.ctlSignal(team.members[index]!, teamSyncWord(this.core.size, this.core.rank));
  }

  /** Waits for the next signal from team image `index`. */
  private await(team: Team, index: number): string | null {
    const core = this.core;
    const from = team.members[index]!;
    const needed = ++this.consumed[from]!;
    const word = teamSyncWord(core.size, from);
    const self = core.rank;
    if (core.ctlLoad(self, word) >= needed) return null;
    core.waitingOn(from);
    return core.waitUntil(
      WaitKey.BARRIER,
      () => core.ctlLoad(self, word) >= needed,
      () => (core.isStopped(from) ? `${imageName(team, index)} has stopped` : null),
    );
  }

  private shapeOf(team: Team): Shape {
    let shape = this.shapes.get(team);
    if (shape) return shape;
    // members are in ascending initial order and nodes hold contiguous ranges: each node's images
    // are consecutive in the team
    const core = this.core;
    const myNode = core.nodeOf(core.rank);
    const leaders: number[] = [];
    let lastNode = -1;
    let leader = -1;
    const locals: number[] = [];
    for (let index = 0; index < team.size; index++) {
      const node = core.nodeOf(team.members[index]!);
      if (node !== lastNode) {
        leaders.push(index);
        lastNode = node;
      }
      if (node === myNode) {
        if (leader < 0) leader = index;
        else locals.push(index);
      }
    }
    const place = leader === team.me ? leaders.indexOf(leader) : -1;
    shape = { leader, locals: place >= 0 ? locals : [], leaders, place };
    this.shapes.set(team, shape);
    return shape;
  }
}
