// What one image records while it runs observed (`pgasc run --profile` / `--trace`): exact totals
// per source site and operation, the image × image matrix, the time spent communicating and
// waiting, and (tracing only) a bounded buffer of events and the arrivals at the first collective
// synchronisations. Fine-grained operations that cost nanoseconds (puts, and gets and atomics on
// this node) are merged into bursts (same site, operation and target) so that recording them
// costs a comparison and two additions, not a clock read each. Consumes calls from
// observed-runtime.ts; produces an ImageRecord (structured-clonable) at the end.

import { nowUs } from "./clock.js";
import { K, KIND_COUNT, OP_KINDS } from "./op-kinds.js";
import { SYNC_INSTANCES_KEPT } from "./trace-format.js";

/** Fields of one event in ImageRecord.events. */
/** (END, not a duration: the end of one span and the start of the next are then the same number.) */
export const EV = { TS: 0, END: 1, KIND: 2, SITE: 3, TARGET: 4, COUNT: 5, BYTES: 6, SIZE: 7 } as const;
/** The kind of a counter event: COUNT holds the number of outstanding puts. */
export const COUNTER_KIND = -1;
/** Fields of one collective synchronisation in ImageRecord.syncs. */
export const SY = { KIND: 0, SITE: 1, ARRIVAL: 2, LEAVE: 3, SIZE: 4 } as const;

/** Events kept per image unless PGASC_TRACE_EVENTS says otherwise. */
export const DEFAULT_EVENT_CAPACITY = 32768;

export interface ImageRecord {
  image: number;
  startUs: number;
  endUs: number;
  communicateUs: number;
  waitUs: number;
  /** Per (site, kind) seen: parallel arrays. */
  statSite: number[];
  statKind: number[];
  statOps: number[];
  statBytes: number[];
  statTimeUs: number[];
  /** Per target image: bytes and operations sent to or read from it. */
  matrixBytes: Float64Array;
  matrixOps: Float64Array;
  /** eventCount events of EV.SIZE numbers (tracing only). */
  events: Float64Array;
  eventCount: number;
  dropped: number;
  /** syncCount collective synchronisations of SY.SIZE numbers (tracing only). */
  syncs: Float64Array;
  syncCount: number;
}

let warmedUp = false;

export class ImageRecorder {
  private readonly startUs = nowUs();
  private communicateUs = 0;
  private waitUs = 0;
  private readonly statIndex = new Map<number, number>();
  private readonly statSite: number[] = [];
  private readonly statKind: number[] = [];
  private readonly statOps: number[] = [];
  private readonly statBytes: number[] = [];
  private readonly statTimeUs: number[] = [];
  private readonly matrixBytes: Float64Array;
  private readonly matrixOps: Float64Array;
  private readonly events: Float64Array;
  private eventCount = 0;
  private dropped = 0;
  private readonly syncs: Float64Array;
  private syncCount = 0;
  /**
   * Inside `change team` (§7.1): sync all and collectives then synchronise the team only, each
   * team at its own pace, so they are not instances of a synchronisation of every image.
   */
  inTeam = false;
  /** Puts to other nodes issued and not yet completed by an image control statement. */
  private outstanding = 0;
  // The open burst (site -1 and count 0: none); all its operations move elements of one size.
  private burstKind = -1;
  private burstSite = -1;
  private burstTarget = -1;
  private burstCount = 0;
  private burstElementBytes = 0;
  private burstStartUs = 0;
  private burstRemote = false;

  constructor(
    readonly image: number,
    images: number,
    readonly tracing: boolean,
    eventCapacity: number = DEFAULT_EVENT_CAPACITY,
  ) {
    this.matrixBytes = new Float64Array(images);
    this.matrixOps = new Float64Array(images);
    this.events = new Float64Array(tracing ? eventCapacity * EV.SIZE : 0);
    this.syncs = new Float64Array(tracing ? SYNC_INSTANCES_KEPT * SY.SIZE : 0);
  }

  /**
   * Runs the recorder's paths on a scratch recorder before the program does, so that V8 has type
   * feedback for all of them when it optimises the program's loops: without it, the first burst
   * opened after a synchronisation deoptimises a hot loop that had only ever joined bursts (V8
   * allocates feedback only after a function's first calls). Once per thread.
   */
  static warmUp(images: number): void {
    if (warmedUp) return;
    warmedUp = true;
    // As a program's loops call it: long runs of joins, a burst opened now and then. Feedback
    // that made opening look frequent would have V8 inline the cold path into every hot loop.
    const scratch = new ImageRecorder(0, Math.max(2, images), true, 64);
    for (let round = 0; round < 8; round++) {
      for (let i = 0; i < 1000; i++) scratch.burst(K.PUT, round, 1, 8, false);
      scratch.op(round & 1 ? K.SYNC_ALL : K.GET, round, round & 1 ? -1 : 1, 8, scratch.start());
    }
    scratch.finish();
  }

  /**
   * A fine-grained operation of `elementBytes` on `target` (not this image): joins the open burst
   * when site, kind and target match (the hot path: three comparisons and an increment), else
   * closes it and opens another. `remote`: a put to another node (it stays outstanding until an
   * image control statement completes it).
   */
  burst(kind: number, site: number, target: number, elementBytes: number, remote: boolean): void {
    if (site === this.burstSite && target === this.burstTarget && kind === this.burstKind) {
      this.burstCount++;
      return;
    }
    this.openBurst(kind, site, target, elementBytes, remote);
  }

  private openBurst(kind: number, site: number, target: number, elementBytes: number, remote: boolean): void {
    const now = this.tracing ? nowUs() : 0;
    if (this.burstCount > 0) this.closeBurst(now);
    this.burstKind = kind;
    this.burstSite = site;
    this.burstTarget = target;
    this.burstCount = 1;
    this.burstElementBytes = elementBytes;
    this.burstStartUs = now;
    this.burstRemote = remote;
  }

  private closeBurst(now: number): void {
    const count = this.burstCount;
    const site = this.burstSite;
    const bytes = count * this.burstElementBytes;
    this.burstCount = 0;
    this.burstSite = -1;
    this.addStat(site, this.burstKind, count, bytes, 0);
    this.matrixBytes[this.burstTarget] += bytes;
    this.matrixOps[this.burstTarget] += count;
    if (!this.tracing) return;
    this.event(this.burstStartUs, now, this.burstKind, site, this.burstTarget, count, bytes);
    if (this.burstRemote) {
      this.outstanding += count;
      this.event(now, now, COUNTER_KIND, -1, -1, this.outstanding, 0);
    }
  }

  /** The start of a timed operation: closes the open burst; returns the time. */
  start(): number {
    const now = nowUs();
    if (this.burstCount > 0) this.closeBurst(now);
    return now;
  }

  /**
   * A timed operation that began at `t0` ended now. `target`: the image it reached (-1: several
   * or none; the matrix then comes from matrix()).
   */
  op(kind: number, site: number, target: number, bytes: number, t0: number): void {
    const t1 = nowUs();
    const spent = t1 - t0;
    const info = OP_KINDS[kind]!;
    if (info.category === "wait") this.waitUs += spent;
    else this.communicateUs += spent;
    this.addStat(site, kind, 1, bytes, spent);
    if (target >= 0) {
      this.matrixBytes[target] += bytes;
      this.matrixOps[target] += 1;
    }
    if (!this.tracing) return;
    this.event(t0, t1, kind, site, target, 1, bytes);
    if (info.collective && !this.inTeam && this.syncCount < SYNC_INSTANCES_KEPT) {
      const at = this.syncCount++ * SY.SIZE;
      this.syncs[at + SY.KIND] = kind;
      this.syncs[at + SY.SITE] = site;
      this.syncs[at + SY.ARRIVAL] = t0;
      this.syncs[at + SY.LEAVE] = t1;
    }
    if (info.completesPuts && this.outstanding > 0) {
      this.outstanding = 0;
      this.event(t1, t1, COUNTER_KIND, -1, -1, 0, 0);
    }
  }

  /** Part of a section operation that reached several images. */
  matrix(target: number, bytes: number, ops: number): void {
    this.matrixBytes[target] += bytes;
    this.matrixOps[target] += ops;
  }

  private addStat(site: number, kind: number, ops: number, bytes: number, timeUs: number): void {
    const key = site * KIND_COUNT + kind;
    let index = this.statIndex.get(key);
    if (index === undefined) {
      index = this.statSite.length;
      this.statIndex.set(key, index);
      this.statSite.push(site);
      this.statKind.push(kind);
      this.statOps.push(0);
      this.statBytes.push(0);
      this.statTimeUs.push(0);
    }
    this.statOps[index] += ops;
    this.statBytes[index] += bytes;
    this.statTimeUs[index] += timeUs;
  }

  private event(ts: number, end: number, kind: number, site: number, target: number, count: number, bytes: number): void {
    if (this.eventCount * EV.SIZE >= this.events.length) {
      this.dropped++;
      return;
    }
    const at = this.eventCount++ * EV.SIZE;
    const e = this.events;
    e[at + EV.TS] = ts;
    e[at + EV.END] = end;
    e[at + EV.KIND] = kind;
    e[at + EV.SITE] = site;
    e[at + EV.TARGET] = target;
    e[at + EV.COUNT] = count;
    e[at + EV.BYTES] = bytes;
  }

  /** The image has ended (normally or not): everything it recorded. */
  finish(): ImageRecord {
    const endUs = this.start();
    return {
      image: this.image,
      startUs: this.startUs,
      endUs,
      communicateUs: this.communicateUs,
      waitUs: this.waitUs,
      statSite: this.statSite,
      statKind: this.statKind,
      statOps: this.statOps,
      statBytes: this.statBytes,
      statTimeUs: this.statTimeUs,
      matrixBytes: this.matrixBytes,
      matrixOps: this.matrixOps,
      events: this.events.slice(0, this.eventCount * EV.SIZE),
      eventCount: this.eventCount,
      dropped: this.dropped,
      syncs: this.syncs.slice(0, this.syncCount * SY.SIZE),
      syncCount: this.syncCount,
    };
  }
}
