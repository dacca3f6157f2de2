// The Runtime of an observed run (`pgasc run --profile` / `--trace`): PgasRuntime with every
// operation that communicates or synchronises wrapped to tell an ImageRecorder what it did, where
// (the site) and to which image. An unobserved run uses PgasRuntime itself, so observing costs
// nothing unless asked for. Consumes the same as PgasRuntime plus a recorder; produces the ABI.
// Operations on the image's own memory are not communication and are not recorded.

import type { AllocElem, AtomicOp, CheckpointValue, CoarrayHandle, DataElem, Handle, LayoutSpec, Rect, ReduceOp, SharedHandle, TeamValue, TypedArray } from "../abi/abi.js";
import { CoarrayImpl, SharedImpl, elementBytes } from "../abi/handles.js";
import { PgasRuntime } from "../abi/runtime.js";
import type { ProgramInfo } from "../abi/runtime-base.js";
import type { Core } from "../core/core.js";
import type { Team } from "../extended/teams.js";
import { K, REDUCE_KIND } from "./op-kinds.js";
import type { ImageRecorder } from "./recorder.js";

export class ObservedRuntime extends PgasRuntime {
  constructor(
    core: Core,
    program: ProgramInfo,
    args: readonly string[],
    label: boolean,
    private readonly rec: ImageRecorder,
  ) {
    super(core, program, args, label);
  }

  // --- one element --------------------------------------------------------------------------

  override get(h: CoarrayHandle, image: number, offset: number, site: number): number {
    const part = (h as CoarrayImpl).parts[image];
    if (part === null) {
      const t0 = this.rec.start();
      const value = super.get(h, image, offset, site);
      this.rec.op(K.GET, site, this.team.members[image]!, elementBytes(h.elem), t0);
      return value;
    }
    if (image !== this.team.me && part !== undefined) this.rec.burst(K.GET, site, this.team.members[image]!, elementBytes(h.elem), false);
    return super.get(h, image, offset, site);
  }

  override put(h: CoarrayHandle, image: number, offset: number, value: number, site: number): void {
    const part = (h as CoarrayImpl).parts[image];
    // The hot path of fine-grained puts on this node, kept as short as PgasRuntime's own.
    if (part && offset >= 0 && offset < h.length) {
      part[offset] = value;
      if (image !== this.team.me) this.rec.burst(K.PUT, site, this.team.members[image]!, elementBytes(h.elem), false);
      return;
    }
    this.putElsewhere(h, image, offset, value, site);
  }

  /** A put to another node, or one the runtime refuses: out of the hot path (inlined callers stay small). */
  private putElsewhere(h: CoarrayHandle, image: number, offset: number, value: number, site: number): void {
    if ((h as CoarrayImpl).parts[image] === null) this.rec.burst(K.PUT, site, this.team.members[image]!, elementBytes(h.elem), true);
    super.put(h, image, offset, value, site);
  }

  override sget(h: SharedHandle, k: number, site: number): number {
    const owner = ownerOf(h as SharedImpl, k);
    if (owner === this.rank || owner < 0) return super.sget(h, k, site);
    if ((h as SharedImpl).parts[owner] !== null) {
      this.rec.burst(K.GET, site, owner, elementBytes(h.elem), false);
      return super.sget(h, k, site);
    }
    const t0 = this.rec.start();
    const value = super.sget(h, k, site);
    this.rec.op(K.GET, site, owner, elementBytes(h.elem), t0);
    return value;
  }

  override sput(h: SharedHandle, k: number, value: number, site: number): void {
    const owner = ownerOf(h as SharedImpl, k);
    if (owner !== this.rank && owner >= 0) this.rec.burst(K.PUT, site, owner, elementBytes(h.elem), (h as SharedImpl).parts[owner] === null);
    super.sput(h, k, value, site);
  }

  // --- sections -----------------------------------------------------------------------------

  override getRect(h: CoarrayHandle, image: number, src: Rect, dst: TypedArray, dstRect: Rect, site: number): void {
    if (image === this.team.me) return super.getRect(h, image, src, dst, dstRect, site);
    const t0 = this.rec.start();
    super.getRect(h, image, src, dst, dstRect, site);
    this.rec.op(K.GET_SECTION, site, this.team.members[image]!, src.n0 * src.n1 * elementBytes(h.elem), t0);
  }

  override putRect(h: CoarrayHandle, image: number, dst: Rect, src: TypedArray, srcRect: Rect, site: number): void {
    if (image === this.team.me) return super.putRect(h, image, dst, src, srcRect, site);
    const t0 = this.rec.start();
    super.putRect(h, image, dst, src, srcRect, site);
    this.rec.op(K.PUT_SECTION, site, this.team.members[image]!, dst.n0 * dst.n1 * elementBytes(h.elem), t0);
  }

  override sgetRect(h: SharedHandle, src: Rect, dst: TypedArray, dstRect: Rect, site: number): void {
    const t0 = this.rec.start();
    super.sgetRect(h, src, dst, dstRect, site);
    this.sectionDone(K.GET_SECTION, h as SharedImpl, src, site, t0);
  }

  override sputRect(h: SharedHandle, dst: Rect, src: TypedArray, srcRect: Rect, site: number): void {
    const t0 = this.rec.start();
    super.sputRect(h, dst, src, srcRect, site);
    this.sectionDone(K.PUT_SECTION, h as SharedImpl, dst, site, t0);
  }

  /** A section of a shared array: one operation, the matrix by owner (this image's part left out). */
  private sectionDone(kind: number, h: SharedImpl, rect: Rect, site: number, t0: number): void {
    const size = elementBytes(h.elem);
    const counts = ownerCounts(h, rect);
    let bytes = 0;
    let only = -1;
    let owners = 0;
    for (const [owner, count] of counts) {
      if (owner === this.rank) continue;
      bytes += count * size;
      only = owner;
      owners++;
    }
    if (owners === 0) return;
    this.rec.op(kind, site, owners === 1 ? only : -1, bytes, t0);
    if (owners > 1) for (const [owner, count] of counts) if (owner !== this.rank) this.rec.matrix(owner, count * size, 1);
  }

  // --- image control --------------------------------------------------------------------------

  override syncAll(site: number): void {
    const t0 = this.rec.start();
    super.syncAll(site);
    this.rec.op(K.SYNC_ALL, site, -1, 0, t0);
  }

  override syncImages(images: number | Int32Array | null, site: number): void {
    const t0 = this.rec.start();
    super.syncImages(images, site);
    this.rec.op(K.SYNC_IMAGES, site, -1, 0, t0);
  }

  override syncMemory(site: number): void {
    const t0 = this.rec.start();
    super.syncMemory(site);
    this.rec.op(K.SYNC_MEMORY, site, -1, 0, t0);
  }

  override criticalEnter(id: number, site: number): void {
    const t0 = this.rec.start();
    super.criticalEnter(id, site);
    this.rec.op(K.CRITICAL, site, -1, 0, t0);
  }

  override lock(h: CoarrayHandle, image: number, site: number): void {
    const t0 = this.rec.start();
    super.lock(h, image, site);
    this.rec.op(K.LOCK, site, this.otherImage(image), 0, t0);
  }

  override unlock(h: CoarrayHandle, image: number, site: number): void {
    const t0 = this.rec.start();
    super.unlock(h, image, site);
    this.rec.op(K.UNLOCK, site, this.otherImage(image), 0, t0);
  }

  override eventPost(h: CoarrayHandle, image: number, site: number): void {
    const t0 = this.rec.start();
    super.eventPost(h, image, site);
    this.rec.op(K.EVENT_POST, site, this.otherImage(image), 0, t0);
  }

  override eventWait(h: CoarrayHandle, until: number, site: number): void {
    const t0 = this.rec.start();
    super.eventWait(h, until, site);
    this.rec.op(K.EVENT_WAIT, site, -1, 0, t0);
  }

  // --- atomics ----------------------------------------------------------------------------------

  private atomicTimed<T>(h: Handle, image: number, site: number, run: () => T): T {
    const impl = h as CoarrayImpl | SharedImpl;
    const part = impl.parts[image];
    // a coarray's image is the current team's; a shared element's owner is an initial number
    const target = h.kind === "coarray" ? this.team.members[image]! : image;
    if (target === this.rank || part === undefined) return run();
    if (part !== null) {
      this.rec.burst(K.ATOMIC, site, target, 4, false);
      return run();
    }
    const t0 = this.rec.start();
    const result = run();
    this.rec.op(K.ATOMIC, site, target, 4, t0);
    return result;
  }

  override atomicDefine(h: Handle, image: number, offset: number, value: number, site: number): void {
    this.atomicTimed(h, image, site, () => super.atomicDefine(h, image, offset, value, site));
  }

  override atomicRef(h: Handle, image: number, offset: number, site: number): number {
    return this.atomicTimed(h, image, site, () => super.atomicRef(h, image, offset, site));
  }

  override atomicOp(op: AtomicOp, h: Handle, image: number, offset: number, value: number, site: number): number {
    return this.atomicTimed(h, image, site, () => super.atomicOp(op, h, image, offset, value, site));
  }

  override atomicCas(h: Handle, image: number, offset: number, expected: number, desired: number, site: number): number {
    return this.atomicTimed(h, image, site, () => super.atomicCas(h, image, offset, expected, desired, site));
  }

  // --- collectives and allocation ---------------------------------------------------------------

  override coReduce(op: ReduceOp, elem: "int" | "float", value: number, resultImage: number, site: number): number {
    const t0 = this.rec.start();
    const result = super.coReduce(op, elem, value, resultImage, site);
    this.rec.op(REDUCE_KIND[op]!, site, -1, elem === "float" ? 8 : 4, t0);
    return result;
  }

  override coReduceArray(op: ReduceOp, data: Int32Array | Float64Array, resultImage: number, site: number): void {
    const t0 = this.rec.start();
    super.coReduceArray(op, data, resultImage, site);
    this.rec.op(REDUCE_KIND[op]!, site, -1, data.byteLength, t0);
  }

  override coBroadcast(elem: "int" | "float", value: number, source: number, site: number): number {
    const t0 = this.rec.start();
    const result = super.coBroadcast(elem, value, source, site);
    this.rec.op(K.CO_BROADCAST, site, -1, elem === "float" ? 8 : 4, t0);
    return result;
  }

  override coBroadcastArray(data: Int32Array | Float64Array, source: number, site: number): void {
    const t0 = this.rec.start();
    super.coBroadcastArray(data, source, site);
    this.rec.op(K.CO_BROADCAST, site, -1, data.byteLength, t0);
  }

  override coReduceFn(elem: "int" | "float", value: number, f: (a: number, b: number) => number, site: number): number {
    const t0 = this.rec.start();
    const result = super.coReduceFn(elem, value, f, site);
    this.rec.op(K.CO_REDUCE, site, -1, elem === "float" ? 8 : 4, t0);
    return result;
  }

  override coReduceFnArray(data: Int32Array | Float64Array, f: (a: number, b: number) => number, site: number): void {
    const t0 = this.rec.start();
    super.coReduceFnArray(data, f, site);
    this.rec.op(K.CO_REDUCE, site, -1, data.byteLength, t0);
  }

  override coarray(name: string, elem: AllocElem, dims: number[], site: number): CoarrayHandle {
    const t0 = this.rec.start();
    const handle = super.coarray(name, elem, dims, site);
    this.rec.op(K.ALLOCATION, site, -1, 0, t0);
    return handle;
  }

  override shared(name: string, elem: DataElem, dims: number[], layout: LayoutSpec, site: number): SharedHandle {
    const t0 = this.rec.start();
    const handle = super.shared(name, elem, dims, layout, site);
    this.rec.op(K.ALLOCATION, site, -1, 0, t0);
    return handle;
  }

  // --- checkpoints: collective waits (the time spent writing or reading the files included) ------

  // --- teams (§7.1) -----------------------------------------------------------------------------

  override formTeam(k: number, site: number): TeamValue {
    const t0 = this.rec.start();
    const team = super.formTeam(k, site);
    this.rec.op(K.FORM_TEAM, site, -1, 0, t0);
    return team;
  }

  override changeTeam(t: TeamValue | null, name: string, site: number): void {
    const t0 = this.rec.start();
    super.changeTeam(t, name, site);
    this.rec.op(K.CHANGE_TEAM, site, -1, 0, t0);
  }

  override endTeam(site: number): void {
    const t0 = this.rec.start();
    super.endTeam(site);
    this.rec.op(K.END_TEAM, site, -1, 0, t0);
  }

  protected override teamChanged(team: Team): void {
    super.teamChanged(team);
    this.rec.inTeam = team.parent !== null;
  }

  /** The initial number of coarray image `image` of the current team; -1 for this image. */
  private otherImage(image: number): number {
    return image === this.team.me ? -1 : this.team.members[image]!;
  }

  override notifyPut(h: CoarrayHandle, image: number, putImage: number, site: number): void {
    const t0 = this.rec.start();
    super.notifyPut(h, image, putImage, site);
    this.rec.op(K.NOTIFY, site, this.otherImage(image), 0, t0);
  }

  override checkpoint(id: number, vars: Record<string, CheckpointValue>, site: number): void {
    const t0 = this.rec.start();
    super.checkpoint(id, vars, site);
    this.rec.op(K.CHECKPOINT, site, -1, 0, t0);
  }

  override resumeAt(id: number, site: number): void {
    const t0 = this.rec.start();
    super.resumeAt(id, site);
    this.rec.op(K.CHECKPOINT, site, -1, 0, t0);
  }
}

/** The image owning element k of a shared array (-1 when k is out of range: the runtime reports it). */
function ownerOf(h: SharedImpl, k: number): number {
  if (!(k >= 0 && k < h.length)) return -1;
  return Math.floor(k / h.blockSize) % h.images;
}

/** Elements of `rect` per owning image, walking whole blocks of each row where the row is contiguous. */
function ownerCounts(h: SharedImpl, rect: Rect): Map<number, number> {
  const counts = new Map<number, number>();
  const add = (owner: number, count: number) => counts.set(owner, (counts.get(owner) ?? 0) + count);
  for (let a = 0; a < rect.n1; a++) {
    const row = rect.offset + a * rect.s1;
    if (rect.s0 === 1) {
      const end = row + rect.n0;
      for (let k = row; k < end; ) {
        const block = Math.floor(k / h.blockSize);
        const next = Math.min(end, (block + 1) * h.blockSize);
        add(block % h.images, next - k);
        k = next;
      }
    } else {
      for (let b = 0; b < rect.n0; b++) add(Math.floor((row + b * rect.s0) / h.blockSize) % h.images, 1);
    }
  }
  return counts;
}
