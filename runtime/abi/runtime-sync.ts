// The Runtime's image numbers, image control statements, collectives and teams (§5.2, §5.5, §7.1),
// written once over the Core and the extended layer. In the initial team they are v1's (the
// hierarchical barrier, the mirrored collectives); inside a team they use the team's own barrier
// and collectives (extended/teams.ts, team-collectives.ts), so no image outside the team takes
// part. Consumes a Core; PgasRuntime (runtime.ts) extends it with memory, locks, events, atomics
// and checkpoints, and maps its coarrays' parts to each new team (teamChanged).

import type { TeamValue } from "./abi.js";
import { CollectiveCode, SYNC_IMAGES_LIST, SYNC_IMAGES_STAR, WaitKind, type Core } from "../core/core.js";
import { Barrier } from "../extended/barrier.js";
import { Collectives, combiners, type Combine } from "../extended/collectives.js";
import { Critical } from "../extended/locks.js";
import { SyncImages } from "../extended/sync-images.js";
import type { Team } from "../extended/teams.js";
import { TeamBarrier } from "../extended/team-barrier.js";
import { TeamCollectives } from "../extended/team-collectives.js";
import { RuntimeBase, type ProgramInfo } from "./runtime-base.js";

type ReduceOp = "sum" | "min" | "max";
type NumericArray = Int32Array | Float64Array;

export abstract class SyncRuntime extends RuntimeBase {
  protected readonly barrier: Barrier;
  private readonly syncer: SyncImages;
  private readonly critical: Critical;
  protected readonly collectives: Collectives;
  private readonly teamBarrier: TeamBarrier;
  private readonly teamCollectives: TeamCollectives;
  /** The teams this image is inside of, outermost first (the current one is `team`). */
  private readonly outerTeams: Team[] = [];

  constructor(core: Core, program: ProgramInfo, args: readonly string[], label: boolean) {
    super(core, program, args, label);
    this.barrier = new Barrier(core);
    this.syncer = new SyncImages(core);
    this.critical = new Critical(core);
    this.collectives = new Collectives(core, this.barrier);
    this.teamBarrier = new TeamBarrier(core);
    this.teamCollectives = new TeamCollectives(core, this.teamBarrier);
  }

  /** The current team changed: image numbers now mean the team's. */
  protected abstract teamChanged(team: Team): void;

  // --- images -----------------------------------------------------------------------------------

  thisImage(): number {
    return this.team.me;
  }
  numImages(): number {
    return this.team.members.length;
  }
  layoutImage(): number {
    return this.rank;
  }
  layoutImages(): number {
    return this.size;
  }
  teamNumber(): number {
    return this.team.teamNumber;
  }
  initialImage(p: number, site: number): number {
    this.checkImageArgument("initial_image", p, site, false);
    return this.team.members[p]!;
  }

  // --- teams ------------------------------------------------------------------------------------

  formTeam(k: number, site: number): TeamValue {
    const team = this.team;
    this.core.statement(WaitKind.FORM_TEAM, site, k, teamTag(this.team));
    if (!(Number.isInteger(k) && k >= 1)) this.fail(`form team: the team number must be at least 1, not ${k}`, site);
    let ks: Float64Array;
    if (team.parent === null) {
      this.teamCollectives.allocate(this.failer(site));
      ks = this.collectives.gather("form team", k, this.failer(site));
    } else {
      ks = this.teamCollectives.gather(team, "form team", k, this.failer(site));
    }
    return team.child(k, ks, this.size);
  }

  changeTeam(t: TeamValue | null, name: string, site: number): void {
    if (t === null) this.fail(`change team: '${name}' has not been set by form team`, site);
    const team = t as Team;
    if (team.parent === null || team.parent.key !== this.team.key) {
      this.fail(`change team: '${name}' was formed in another team (team number ${team.parent?.teamNumber ?? "none"}), not in the current one`, site);
    }
    this.core.statement(WaitKind.CHANGE_TEAM, site, team.teamNumber, teamTag(this.team));
    this.outerTeams.push(this.team);
    this.setTeam(team);
    const problem = this.teamBarrier.wait(team);
    if (problem !== null) this.fail(`change team: ${problem}`, site);
  }

  endTeam(site: number): void {
    const team = this.team;
    const outer = this.outerTeams.pop();
    if (outer === undefined) this.fail("internal error: end of a change team block outside any", site);
    this.core.statement(WaitKind.END_TEAM, site, team.teamNumber, teamTag(outer));
    const problem = this.teamBarrier.wait(team);
    if (problem !== null) this.fail(`end of change team: ${problem}`, site);
    this.setTeam(outer);
  }

  /** A restart brought back team values: allocate what the first `form team` would have (collective). */
  protected teamsRevived(): void {
    this.teamCollectives.allocate((message) => this.report(message, undefined));
  }

  private setTeam(team: Team): void {
    this.team = team;
    this.teamChanged(team);
  }

  // --- image control --------------------------------------------------------------------------

  syncAll(site: number): void {
    const team = this.team;
    this.core.statement(WaitKind.SYNC_ALL, site, 0, teamTag(this.team));
    const problem = team.parent === null ? this.barrier.wait() : this.teamBarrier.wait(team);
    if (problem !== null) this.fail(`sync all: ${problem}`, site);
  }

  syncImages(images: number | Int32Array | null, site: number): void {
    const team = this.team;
    let partners: number[];
    if (images === null) partners = Array.from(team.members.keys());
    else if (typeof images === "number") partners = [images];
    else partners = Array.from(images);
    const seen = new Uint8Array(team.size);
    for (const image of partners) {
      if (!(Number.isInteger(image) && image >= 0 && image < team.size)) {
        this.fail(`sync images: image index ${image} is out of range (valid 0..${team.size - 1})`, site);
      }
      if (seen[image]) this.fail(`sync images: image ${image} appears twice in the list`, site);
      seen[image] = 1;
    }
    const kind = typeof images === "number" ? team.members[images]! : images === null ? SYNC_IMAGES_STAR : SYNC_IMAGES_LIST;
    this.core.statement(WaitKind.SYNC_IMAGES, site, kind, teamTag(this.team));
    const problem = this.syncer.sync(partners.map((index) => team.members[index]!));
    if (problem !== null) this.fail(problem, site);
  }

  syncMemory(_site: number): void {
    // Puts to this node's images are plain stores that are already done; a seq-cst atomic
    // read-modify-write orders them before anything this image does next. Puts to other
    // nodes are waited for.
    this.core.completePuts();
    this.core.ctlAdd(this.rank, 0, 0);
  }

  criticalEnter(id: number, site: number): void {
    this.core.statement(WaitKind.CRITICAL, site, 0, id);
    const problem = this.critical.enter(id, this.team.members[0]!);
    if (problem !== null) this.fail(problem, site);
  }

  criticalExit(id: number, _site: number): void {
    this.critical.exit(id, this.team.members[0]!);
  }

  // --- collectives ------------------------------------------------------------------------------

  protected failer(site: number): (message: string) => never {
    return (message: string) => this.fail(message, site);
  }

  coReduce(op: ReduceOp, elem: "int" | "float", value: number, resultImage: number, site: number): number {
    return this.reduceScalar(`co_${op}`, value, combiners[elem][op], resultImage, site);
  }

  coReduceArray(op: ReduceOp, data: NumericArray, resultImage: number, site: number): void {
    this.reduceArray(`co_${op}`, data, combiners[data instanceof Int32Array ? "int" : "float"][op], resultImage, site);
  }

  coReduceFn(_elem: "int" | "float", value: number, f: Combine, site: number): number {
    return this.reduceScalar("co_reduce", value, f, -1, site);
  }

  coReduceFnArray(data: NumericArray, f: Combine, site: number): void {
    this.reduceArray("co_reduce", data, f, -1, site);
  }

  coBroadcast(_elem: "int" | "float", value: number, source: number, site: number): number {
    this.checkImageArgument("co_broadcast", source, site, false);
    this.core.statement(WaitKind.COLLECTIVE, site, CollectiveCode.co_broadcast, teamTag(this.team));
    const team = this.team;
    if (team.parent === null) return this.collectives.broadcast("co_broadcast", value, source, this.failer(site));
    return this.teamCollectives.broadcast(team, "co_broadcast", value, source, this.failer(site));
  }

  coBroadcastArray(data: NumericArray, source: number, site: number): void {
    this.checkImageArgument("co_broadcast", source, site, false);
    this.core.statement(WaitKind.COLLECTIVE, site, CollectiveCode.co_broadcast, teamTag(this.team));
    const team = this.team;
    if (team.parent === null) this.collectives.broadcastArray("co_broadcast", data, source, this.failer(site));
    else this.teamCollectives.broadcastArray(team, "co_broadcast", data, source, this.failer(site));
  }

  private reduceScalar(what: string, value: number, combine: Combine, resultImage: number, site: number): number {
    this.checkImageArgument(what, resultImage, site, true);
    this.core.statement(WaitKind.COLLECTIVE, site, CollectiveCode[what as keyof typeof CollectiveCode], teamTag(this.team));
    const team = this.team;
    if (team.parent === null) return this.collectives.reduce(what, value, combine, resultImage, this.failer(site));
    return this.teamCollectives.reduce(team, what, value, combine, resultImage, this.failer(site));
  }

  private reduceArray(what: string, data: NumericArray, combine: Combine, resultImage: number, site: number): void {
    this.checkImageArgument(what, resultImage, site, true);
    this.core.statement(WaitKind.COLLECTIVE, site, CollectiveCode[what as keyof typeof CollectiveCode], teamTag(this.team));
    const team = this.team;
    if (team.parent === null) this.collectives.reduceArray(what, data, combine, resultImage, this.failer(site));
    else this.teamCollectives.reduceArray(team, what, data, combine, resultImage, this.failer(site));
  }
}

/** A team's number for the watchdog's STMT_SEGMENT: 0 for the initial team (k >= 1 for the others). */
function teamTag(team: Team): number {
  return team.parent === null ? 0 : team.teamNumber;
}
