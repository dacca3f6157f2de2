// The Runtime object that generated code calls (implements abi.ts), written once over the
// conduit-neutral Core and the extended layer; what needs no other image's memory (errors,
// arithmetic, arguments, output) is its base, runtime-base.ts. Consumes a Core, the compiled
// module's source map data (sourceFile, sourceLines, sites) and the program arguments; produces
// the ABI.
// Parts of images on this node are typed arrays (direct access); parts on other nodes are null
// and every access to them goes through the Core's remote operations. Checkpoints and restarts
// are checkpoint/image-checkpoint.ts's, enabled for a program that has `checkpoint` statements.

import {
  ABI_VERSION,
  type AllocElem,
  type AtomicOp,
  type CheckpointValue,
  type CoarrayHandle,
  type DataElem,
  type Handle,
  type LayoutSpec,
  type Rect,
  type ReduceOp,
  type ResumeState,
  type Runtime,
  type SharedHandle,
  type TypedArray,
} from "./abi.js";
import {
  AtomicCode,
  WaitKind,
  applyAtomic,
  localWord,
  remoteWord,
  type AtomicCodeValue,
  type AtomicWord,
  type Core,
} from "../core/core.js";
import { combiners } from "../extended/collectives.js";
import { acquireLock, lockKey, releaseLock } from "../extended/locks.js";
import { notifyEvent, postEvent, waitEvent } from "../extended/events.js";
import { reviveTeams, type Team } from "../extended/teams.js";
import { CoarrayImpl, SharedImpl, elementBytes, partHoldingRun, storageOf, viewOf, type Part } from "./handles.js";
import type { ProgramInfo } from "./runtime-base.js";
import { SyncRuntime } from "./runtime-sync.js";
import type { ImageCheckpoint } from "../checkpoint/image-checkpoint.js";
import type { CheckpointSettings } from "../checkpoint/storage.js";
import {
  blockSizeOf,
  copyRect,
  copyRun,
  forEachIndex,
  forEachPair,
  forEachSharedRun,
  gatherRect,
  isSimpleRun,
  localOffsetOf,
  packedOrView,
  packedRect,
  partLengthOf,
  rowRuns,
  sequenceRect,
} from "../core/layout-math.js";

export class PgasRuntime extends SyncRuntime implements Runtime {
  readonly abiVersion = ABI_VERSION;
  /** Present in a program with `checkpoint` statements (enableCheckpoints). */
  private ckpt: ImageCheckpoint | null = null;
  /** Every coarray (lock and event) handle: their parts follow the current team (teamChanged). */
  private readonly coarrays: CoarrayImpl[] = [];

  constructor(core: Core, program: ProgramInfo, args: readonly string[], label: boolean) {
    super(core, program, args, label);
  }

  /**
   * The program has `checkpoint` statements: hold its output, track allocations, save and restore.
   * `Checkpoints` is ImageCheckpoint, which image-runner.ts loads only for such a program (every
   * image thread of every other program is spared loading it).
   */
  enableCheckpoints(settings: CheckpointSettings, Checkpoints: typeof ImageCheckpoint): void {
    this.holdOutput();
    this.ckpt = new Checkpoints(settings, this.core, this.program, {
      barrier: () => this.barrier.wait(),
      minOverImages: (value) => this.collectives.reduce("co_min", value, combiners.int.min, -1, (m) => this.report(m, undefined)),
      randomState: () => this.randomState(),
      setRandomState: (state) => this.setRandomState(state),
      flushOutput: () => this.flushOutput(),
      heldOutput: () => this.heldOutput(),
    });
  }

  // --- collective allocation --------------------------------------------------------------------

  coarray(name: string, elem: AllocElem, dims: number[], site: number): CoarrayHandle {
    this.core.statement(WaitKind.ALLOCATION, site, 0, 0);
    const saved = this.ckpt?.savedAllocation("coarray", name, elem, this.failer(site));
    if (saved) dims = saved.dims;
    const length = this.checkedLength(name, dims, site);
    const exchange = this.core.exchangeSegment(name, length * elementBytes(elem), length);
    if (!exchange.ok) this.fail(`allocating '${name}': ${exchange.message}`, site);
    const parts = exchange.buffers.map((buffer) => viewOf(elem, buffer));
    const handle = new CoarrayImpl(name, elem, [...dims], length, parts[this.rank]!, parts, exchange.id);
    this.coarrays.push(handle);
    this.ckpt?.allocated("coarray", name, elem, dims, 1, handle.local);
    this.syncAfterAllocation(name, site);
    return handle;
  }

  shared(name: string, elem: DataElem, dims: number[], layout: LayoutSpec, site: number): SharedHandle {
    this.core.statement(WaitKind.ALLOCATION, site, 0, 0);
    const saved = this.ckpt?.savedAllocation("shared", name, elem, this.failer(site));
    if (saved) [dims, layout] = [saved.dims, saved.blockSize];
    const length = this.checkedLength(name, dims, site);
    if (typeof layout === "number" && !(Number.isInteger(layout) && layout >= 1)) {
      this.fail(`the block size of '${name}' must be at least 1, not ${layout}`, site);
    }
    const blockSize = blockSizeOf(layout, length, this.size);
    const mine = partLengthOf(this.rank, length, blockSize, this.size);
    const exchange = this.core.exchangeSegment(name, mine * elementBytes(elem), length);
    if (!exchange.ok) this.fail(`allocating '${name}': ${exchange.message}`, site);
    const parts = exchange.buffers.map((buffer) => viewOf(elem, buffer));
    const handle = new SharedImpl(name, elem, [...dims], length, blockSize, parts[this.rank]!, parts, exchange.id, this.size);
    this.ckpt?.allocated("shared", name, elem, dims, blockSize, handle.local);
    this.syncAfterAllocation(name, site);
    return handle;
  }

  private checkedLength(name: string, dims: number[], site: number): number {
    let length = 1;
    for (const extent of dims) {
      if (!Number.isInteger(extent) || extent < 0) this.fail(`invalid size ${extent} for '${name}'`, site);
      length *= extent;
    }
    if (length > 2 ** 31 - 1) this.fail(`'${name}' is too large (${length} elements)`, site);
    return length;
  }

  private syncAfterAllocation(name: string, site: number): void {
    const problem = this.barrier.wait();
    if (problem !== null) this.fail(`allocating '${name}': ${problem}`, site);
  }

  // --- coarray access ---------------------------------------------------------------------------

  get(h: CoarrayHandle, image: number, offset: number, site: number): number {
    const part = (h as CoarrayImpl).parts[image];
    if (part && offset >= 0 && offset < h.length) return part[offset];
    if (part === undefined || !(offset >= 0 && offset < h.length)) this.accessError(h, image, offset, site);
    return this.core.remoteGet((h as CoarrayImpl).segment, this.team.members[image]!, storageOf(h.elem), offset);
  }

  put(h: CoarrayHandle, image: number, offset: number, value: number, site: number): void {
    const part = (h as CoarrayImpl).parts[image];
    if (part && offset >= 0 && offset < h.length) {
      part[offset] = value;
      return;
    }
    if (part === undefined || !(offset >= 0 && offset < h.length)) this.accessError(h, image, offset, site);
    this.core.remotePut((h as CoarrayImpl).segment, this.team.members[image]!, storageOf(h.elem), offset, value);
  }

  getRect(h: CoarrayHandle, image: number, src: Rect, dst: TypedArray, dstRect: Rect, site: number): void {
    const mapped = (h as CoarrayImpl).parts[image];
    if (mapped && isSimpleRun(src, dstRect, h.length, dst.length) && mapped.buffer !== dst.buffer) {
      copyRun(mapped, src.offset, dst, dstRect.offset, src.n0);
      return;
    }
    const part = this.partFor(h as CoarrayImpl, image, site);
    this.checkSections(h.name, src, h.length, dstRect, dst.length, site);
    if (part !== null) {
      copyRect(part, src, dst, dstRect);
      return;
    }
    const packed = this.core.remoteGetRect((h as CoarrayImpl).segment, this.team.members[image]!, storageOf(h.elem), src);
    copyRect(packed, packedRect(src), dst, dstRect);
  }

  putRect(h: CoarrayHandle, image: number, dst: Rect, src: TypedArray, srcRect: Rect, site: number): void {
    const mapped = (h as CoarrayImpl).parts[image];
    if (mapped && isSimpleRun(srcRect, dst, src.length, h.length) && mapped.buffer !== src.buffer) {
      copyRun(src, srcRect.offset, mapped, dst.offset, dst.n0);
      return;
    }
    const part = this.partFor(h as CoarrayImpl, image, site);
    this.checkSections(h.name, srcRect, src.length, dst, h.length, site);
    if (part !== null) {
      copyRect(src, srcRect, part, dst);
      return;
    }
    this.core.remotePutRect((h as CoarrayImpl).segment, this.team.members[image]!, storageOf(h.elem), dst, packedOrView(src, srcRect));
  }

  /** The part of `image` (null when it lives on another node); checks the image index. */
  private partFor(h: CoarrayImpl, image: number, site: number): Part {
    const part = h.parts[image];
    if (part === undefined) this.imageError(h.name, image, site);
    return part;
  }

  // --- shared arrays ----------------------------------------------------------------------------

  sget(h: SharedHandle, k: number, site: number): number {
    if (!(k >= 0 && k < h.length)) this.sharedIndexError(h, k, site);
    const block = Math.floor(k / h.blockSize);
    const impl = h as SharedImpl;
    const size = impl.images;
    const blockRound = Math.floor(block / size);
    const owner = block - blockRound * size;
    const offset = blockRound * h.blockSize + (k - block * h.blockSize);
    const part = impl.parts[owner];
    if (part !== null) return part[offset];
    return this.core.remoteGet(impl.segment, owner, storageOf(h.elem), offset);
  }

  sput(h: SharedHandle, k: number, value: number, site: number): void {
    if (!(k >= 0 && k < h.length)) this.sharedIndexError(h, k, site);
    const block = Math.floor(k / h.blockSize);
    const impl = h as SharedImpl;
    const size = impl.images;
    const blockRound = Math.floor(block / size);
    const owner = block - blockRound * size;
    const offset = blockRound * h.blockSize + (k - block * h.blockSize);
    const part = impl.parts[owner];
    if (part !== null) part[offset] = value;
    else this.core.remotePut(impl.segment, owner, storageOf(h.elem), offset, value);
  }

  owner(h: SharedHandle, k: number, site: number): number {
    return this.team.indexOf[this.layoutOwner(h, k, site)]!;
  }

  layoutOwner(h: SharedHandle, k: number, site: number): number {
    if (!(k >= 0 && k < h.length)) this.sharedIndexError(h, k, site);
    return Math.floor(k / h.blockSize) % this.size;
  }

  localOffset(h: SharedHandle, k: number): number {
    const block = Math.floor(k / h.blockSize);
    return Math.floor(block / this.size) * h.blockSize + (k - block * h.blockSize);
  }

  sgetRect(h: SharedHandle, src: Rect, dst: TypedArray, dstRect: Rect, site: number): void {
    const impl = h as SharedImpl;
    if (isSimpleRun(src, dstRect, h.length, dst.length)) {
      const part = partHoldingRun(impl, src.offset, src.n0);
      if (part && part.buffer !== dst.buffer) {
        copyRun(part, localOffsetOf(src.offset, impl.blockSize, impl.images), dst, dstRect.offset, src.n0);
        return;
      }
    }
    this.checkSections(h.name, src, h.length, dstRect, dst.length, site);
    if (rowRuns(src, dstRect)) {
      // Row by row, each row split at block boundaries into contiguous runs of one owner's part.
      const rows = src.n1 === 1 ? 1 : src.n0;
      const rowLength = src.n1 === 1 ? src.n0 : src.n1;
      for (let a = 0; a < rows; a++) {
        const d0 = dstRect.offset + (src.n1 === 1 ? 0 : a * dstRect.s0);
        forEachSharedRun(src.offset + (src.n1 === 1 ? 0 : a * src.s0), rowLength, impl.blockSize, impl.images, (owner, from, count, done) => {
          const part = impl.parts[owner];
          if (part !== null) dst.set(part.subarray(from, from + count), d0 + done);
          else dst.set(this.core.remoteGetRect(impl.segment, owner, storageOf(impl.elem), sequenceRect(from, count)), d0 + done);
        });
      }
      return;
    }
    forEachPair(src, dstRect, (k, d) => {
      const block = Math.floor(k / impl.blockSize);
      const round = Math.floor(block / impl.images);
      const owner = block - round * impl.images;
      const offset = round * impl.blockSize + (k - block * impl.blockSize);
      const part = impl.parts[owner];
      dst[d] = part !== null ? part[offset] : this.core.remoteGet(impl.segment, owner, storageOf(impl.elem), offset);
    });
  }

  sputRect(h: SharedHandle, dst: Rect, src: TypedArray, srcRect: Rect, site: number): void {
    const impl = h as SharedImpl;
    if (isSimpleRun(srcRect, dst, src.length, h.length)) {
      const part = partHoldingRun(impl, dst.offset, dst.n0);
      if (part && part.buffer !== src.buffer) {
        copyRun(src, srcRect.offset, part, localOffsetOf(dst.offset, impl.blockSize, impl.images), dst.n0);
        return;
      }
    }
    this.checkSections(h.name, srcRect, src.length, dst, h.length, site);
    if (rowRuns(dst, srcRect) && !impl.parts.some((part) => part !== null && part.buffer === src.buffer)) {
      const rows = dst.n1 === 1 ? 1 : dst.n0;
      const rowLength = dst.n1 === 1 ? dst.n0 : dst.n1;
      for (let a = 0; a < rows; a++) {
        const s0 = srcRect.offset + (dst.n1 === 1 ? 0 : a * srcRect.s0);
        forEachSharedRun(dst.offset + (dst.n1 === 1 ? 0 : a * dst.s0), rowLength, impl.blockSize, impl.images, (owner, from, count, done) => {
          const part = impl.parts[owner];
          const run = src.subarray(s0 + done, s0 + done + count);
          if (part !== null) part.set(run, from);
          else this.core.remotePutRect(impl.segment, owner, storageOf(impl.elem), sequenceRect(from, count), run);
        });
      }
      return;
    }
    // Read the whole source first: the source may be this image's own part of the same array.
    const values = gatherRect(src, srcRect);
    let t = 0;
    forEachIndex(dst, (k) => {
      const block = Math.floor(k / impl.blockSize);
      const round = Math.floor(block / impl.images);
      const owner = block - round * impl.images;
      const offset = round * impl.blockSize + (k - block * impl.blockSize);
      const part = impl.parts[owner];
      if (part !== null) part[offset] = values[t++];
      else this.core.remotePut(impl.segment, owner, storageOf(impl.elem), offset, values[t++]);
    });
  }

  lock(h: CoarrayHandle, image: number, site: number): void {
    const word = this.syncWord(h, image, "lock", site);
    this.core.statement(WaitKind.LOCK, site, image, (h as CoarrayImpl).segment);
    const problem = acquireLock(this.core, word, lockKey((h as CoarrayImpl).segment, image), `lock '${h.name}'[${image}]`);
    if (problem !== null) this.fail(problem, site);
  }

  unlock(h: CoarrayHandle, image: number, site: number): void {
    const word = this.syncWord(h, image, "lock", site);
    const problem = releaseLock(this.core, word, lockKey((h as CoarrayImpl).segment, image), `lock '${h.name}'[${image}]`);
    if (problem !== null) this.fail(problem, site);
  }

  eventPost(h: CoarrayHandle, image: number, site: number): void {
    postEvent(this.core, this.syncWord(h, image, "event", site), this.team.members[image]!);
  }

  eventWait(h: CoarrayHandle, until: number, site: number): void {
    const word = this.syncWord(h, this.team.me, "event", site);
    this.core.statement(WaitKind.EVENT_WAIT, site, until >= 1 ? until : 1, (h as CoarrayImpl).segment);
    const problem = waitEvent(this.core, word, until, `'${h.name}'`);
    if (problem !== null) this.fail(problem, site);
  }

  eventQuery(h: CoarrayHandle, site: number): number {
    return this.syncWord(h, this.team.me, "event", site).load();
  }

  notifyPut(h: CoarrayHandle, image: number, putImage: number, site: number): void {
    if (h.elem !== "event") this.fail(`'${h.name}' is not an event`, site);
    const part = this.partFor(h as CoarrayImpl, image, site);
    if (image !== putImage) this.fail(`notify ${h.name}[${image}]: the event must be on the image the put went to, image ${putImage}`, site);
    notifyEvent(this.core, part as Int32Array | null, (h as CoarrayImpl).segment, this.team.members[image]!);
  }

  private syncWord(h: CoarrayHandle, image: number, kind: "lock" | "event", site: number): AtomicWord {
    if (h.elem !== kind) this.fail(`'${h.name}' is not a ${kind}`, site);
    const part = this.partFor(h as CoarrayImpl, image, site);
    return part !== null ? localWord(part as Int32Array, 0) : remoteWord(this.core, (h as CoarrayImpl).segment, this.team.members[image]!, 0);
  }

  protected teamChanged(team: Team): void {
    for (const h of this.coarrays) h.parts = team.parent === null ? h.initialParts : Array.from(team.members, (initial) => h.initialParts[initial] ?? null);
  }

  // --- checkpoint and restart (checkpoint/image-checkpoint.ts) ---------------------------------

  resumeState(): ResumeState | null {
    const state = this.ckpt?.resumeState() ?? null;
    // every image restarts here: teams saved in variables get their scratch as a first form team would
    if (state !== null && reviveTeams(state.vars, this.team, this.size)) this.teamsRevived();
    return state;
  }
  checkpoint(id: number, vars: Record<string, CheckpointValue>, site: number): void {
    this.core.statement(WaitKind.CHECKPOINT, site, id, 0);
    (this.ckpt ?? this.noCheckpoints(site)).checkpoint(id, vars, this.failer(site));
  }
  resumeAt(id: number, site: number): void {
    this.core.statement(WaitKind.CHECKPOINT, site, id, 0);
    (this.ckpt ?? this.noCheckpoints(site)).resumeAt(id, this.failer(site));
  }
  private noCheckpoints(site: number): never {
    this.fail("internal error: a checkpoint in a module that exports no checkpoints", site);
  }

  // --- atomics ----------------------------------------------------------------------------------

  /** The part holding an atomic int element (null: on another node) after every check. */
  private atomicPart(h: Handle, image: number, offset: number, site: number): Int32Array | null {
    const impl = h as CoarrayImpl | SharedImpl;
    const part = impl.parts[image];
    if (part === undefined) this.imageError(h.name, image, site);
    const length = this.partLength(impl, image);
    if (!(offset >= 0 && offset < length)) {
      this.fail(`index ${offset} is out of bounds for '${h.name}' on image ${image} (valid 0..${length - 1})`, site);
    }
    if (h.elem !== "int") this.fail(`atomic operations need an int variable; '${h.name}' is ${h.elem}`, site);
    return part as Int32Array | null;
  }

  /** Elements of `image`'s part (known without mapping it). */
  private partLength(h: CoarrayImpl | SharedImpl, image: number): number {
    if (h.kind === "coarray") return h.length;
    return partLengthOf(image, h.length, h.blockSize, h.images);
  }

  private atomic(h: Handle, image: number, offset: number, op: AtomicCodeValue, value: number, expected: number, site: number): number {
    const part = this.atomicPart(h, image, offset, site);
    if (part !== null) return applyAtomic(part, offset, op, value, expected);
    // a coarray's image is the current team's; a shared element's owner is an initial number
    const target = h.kind === "coarray" ? this.team.members[image]! : image;
    return this.core.remoteAtomic((h as CoarrayImpl | SharedImpl).segment, target, offset, op, value, expected);
  }

  atomicDefine(h: Handle, image: number, offset: number, value: number, site: number): void {
    this.atomic(h, image, offset, AtomicCode.STORE, value, 0, site);
  }

  atomicRef(h: Handle, image: number, offset: number, site: number): number {
    return this.atomic(h, image, offset, AtomicCode.LOAD, 0, 0, site);
  }

  atomicOp(op: AtomicOp, h: Handle, image: number, offset: number, value: number, site: number): number {
    const code = ATOMIC_CODES[op];
    if (code === undefined) this.fail(`unknown atomic operation '${op as string}'`, site);
    return this.atomic(h, image, offset, code, value, 0, site);
  }

  atomicCas(h: Handle, image: number, offset: number, expected: number, desired: number, site: number): number {
    return this.atomic(h, image, offset, AtomicCode.CAS, desired, expected, site);
  }

}

const ATOMIC_CODES: Record<AtomicOp, AtomicCodeValue> = {
  add: AtomicCode.ADD,
  and: AtomicCode.AND,
  or: AtomicCode.OR,
  xor: AtomicCode.XOR,
};
