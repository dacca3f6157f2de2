// The conduit-neutral core (GASNet-EX style): what the extended layer and the Runtime need from a
// conduit. Implemented by shared-memory-core.ts (worker threads + SharedArrayBuffers: every image
// of the node) and, over it, conduits/grpc (node processes). Every operation names its target image: same-node is memory, else a message.

import type { Rect, TypedArray } from "../abi/abi.js";

/** Per-image control words, addressed as (image, word). Indices are fixed for every conduit. */
export const Ctl = {
  /** 0 running, 1 stopped (ended normally or by `stop`). */
  STATUS: 0,
  /** Incremented (and notified) to wake the image when something it may wait for changed. */
  DOORBELL: 1,
  /** The wait key the image is parked on (0 when not parked): lets wakers ring only it. */
  PARKED_KEY: 2,
  /** Sequence number of the last collective allocation answered for this image. */
  ALLOC_READY: 3,
  /** Central barrier counter and generation (used on image 0). */
  BARRIER_COUNT: 4,
  BARRIER_GENERATION: 5,
  /** `critical` locks (used on image 0): holder + 1, 0 when free. Construct id modulo CRITICAL_SLOTS. */
  CRITICAL_BASE: 8,
  CRITICAL_SLOTS: 64,
  /**
   * Watchdog words (runtime/node/watchdog.ts): the image's current or last image control
   * statement (a WaitKind, its site + 1, its argument, its segment or construct id), written
   * with plain stores when the statement starts; WAITING is set (atomically, after them) only
   * while the image is parked in that statement, WAIT_ON names the image it waits for (sync
   * images partner, lock holder; -1 unknown), PROGRESS counts parked waits that ended, and
   * STOP_SITE is the site + 1 of the `stop` that ended the image (0: end of the program).
   */
  STMT_KIND: 72,
  STMT_SITE: 73,
  STMT_ARG: 74,
  STMT_SEGMENT: 75,
  WAITING: 76,
  WAIT_ON: 77,
  PROGRESS: 78,
  STOP_SITE: 79,
  /**
   * sync images: word SYNC_BASE + j on image i counts `sync images` by j that named i; then
   * (teamSyncWord) word SYNC_BASE + P + j counts the team barrier signals j sent to i.
   */
  SYNC_BASE: 80,
} as const;

/** The control word on image i that counts the team barrier signals image j sent it (of P images). */
export function teamSyncWord(images: number, j: number): number {
  return Ctl.SYNC_BASE + images + j;
}

/** What an image control statement is (Ctl.STMT_KIND); 0 before the first one. */
export const WaitKind = {
  NONE: 0,
  SYNC_ALL: 1,
  /** STMT_ARG: the partner, SYNC_IMAGES_STAR for `*`, SYNC_IMAGES_LIST for a list. */
  SYNC_IMAGES: 2,
  /** STMT_ARG: the threshold; STMT_SEGMENT: the event coarray. */
  EVENT_WAIT: 3,
  /** STMT_ARG: the image of the lock; STMT_SEGMENT: the lock coarray. */
  LOCK: 4,
  /** STMT_SEGMENT: the construct id. */
  CRITICAL: 5,
  /** A collective declaration (allocation and its barrier); STMT_SEGMENT: unused. */
  ALLOCATION: 6,
  /** co_sum & co: STMT_ARG is a CollectiveCode. */
  COLLECTIVE: 7,
  /** `checkpoint` (taken or resumed at); STMT_ARG: the statement id. */
  CHECKPOINT: 8,
  /** Teams (§7.1): STMT_ARG is the team number k (of the new team, of t, of the team left). */
  FORM_TEAM: 9,
  CHANGE_TEAM: 10,
  END_TEAM: 11,
} as const;
export const SYNC_IMAGES_STAR = -1;
export const SYNC_IMAGES_LIST = -2;
/** Collectives as STMT_ARG of WaitKind.COLLECTIVE (names in watchdog.ts). */
export const CollectiveCode = { co_sum: 1, co_min: 2, co_max: 3, co_broadcast: 4, co_reduce: 5 } as const;

export const STATUS_RUNNING = 0;
export const STATUS_STOPPED = 1;

/** Wait keys: a waker rings every image parked on the key (false wake-ups are harmless). */
export const WaitKey = {
  BARRIER: 1,
  SYNC_IMAGES: 2,
  EVENT: 3,
  ALLOC: 4,
  PRINT: 5,
  CRITICAL: 6,
  /** Locks: LOCK_BASE + a hash of (segment, image). */
  LOCK_BASE: 1024,
} as const;

/** Element storage kinds of segments, as the wire names them (bytes per element). */
export type ElemKind = "int" | "float" | "bool";
export function elemSize(elem: ElemKind): 1 | 4 | 8 {
  return elem === "float" ? 8 : elem === "bool" ? 1 : 4;
}

/** Operations on one Int32 word (control words and int segment elements). */
export const AtomicCode = { LOAD: 0, STORE: 1, ADD: 2, AND: 3, OR: 4, XOR: 5, CAS: 6 } as const;
export type AtomicCodeValue = (typeof AtomicCode)[keyof typeof AtomicCode];

/** Applies an AtomicCode to words[index]; returns the old value (STORE returns the old value too). */
export function applyAtomic(words: Int32Array, index: number, op: number, value: number, expected: number): number {
  switch (op) {
    case AtomicCode.LOAD:
      return Atomics.load(words, index);
    case AtomicCode.STORE:
      return Atomics.exchange(words, index, value);
    case AtomicCode.ADD:
      return Atomics.add(words, index, value);
    case AtomicCode.AND:
      return Atomics.and(words, index, value);
    case AtomicCode.OR:
      return Atomics.or(words, index, value);
    case AtomicCode.XOR:
      return Atomics.xor(words, index, value);
    case AtomicCode.CAS:
      return Atomics.compareExchange(words, index, expected, value);
  }
  throw new RangeError(`unknown atomic operation ${op}`);
}

/** One Int32 word that may live on another node: what locks and events operate on. */
export interface AtomicWord {
  load(): number;
  add(delta: number): number;
  cas(expected: number, desired: number): number;
}

/** An AtomicWord over memory this thread maps. */
export function localWord(words: Int32Array, index: number): AtomicWord {
  return {
    load: () => Atomics.load(words, index),
    add: (delta) => Atomics.add(words, index, delta),
    cas: (expected, desired) => Atomics.compareExchange(words, index, expected, desired),
  };
}

/** An AtomicWord on a segment element of an image on another node (each call is a round trip). */
export function remoteWord(core: Core, segment: number, image: number, index: number): AtomicWord {
  return {
    load: () => core.remoteAtomic(segment, image, index, AtomicCode.LOAD, 0, 0),
    add: (delta) => core.remoteAtomic(segment, image, index, AtomicCode.ADD, delta, 0),
    cas: (expected, desired) => core.remoteAtomic(segment, image, index, AtomicCode.CAS, desired, expected),
  };
}

/**
 * Bytes [byteOffset, byteOffset + byteLength) of every image's part of a mirrored segment, brought
 * to every node by a barrier (collectives: each image's contribution, read by every image).
 */
export interface GatherRange {
  segment: number;
  byteOffset: number;
  byteLength: number;
}

/** The result of a collective segment allocation. */
export type SegmentExchange =
  | { ok: true; id: number; buffers: (SharedArrayBuffer | null)[] }
  | { ok: false; message: string };

/** Thrown to unwind an image after the job was aborted (by another image's error, error stop, timeout). */
export class AbortSignal {
  readonly pgasSignal = "abort";
}

/** Thrown by `stop` to unwind the image's program normally. */
export class StopSignal {
  readonly pgasSignal = "stop";
}

export interface Core {
  readonly rank: number;
  readonly size: number;
  /** This node's images are nodeFirst..nodeEnd-1 (contiguous); they share memory. */
  readonly nodeFirst: number;
  readonly nodeEnd: number;
  /** The node process that holds `image` (images are dealt out in contiguous ranges). */
  nodeOf(image: number): number;

  /**
   * Collective: every image contributes a segment of `bytes` (zero-filled). `agree` must be the
   * same on every image (else an error naming both values). Returns each image's segment:
   * a SharedArrayBuffer for images on this node (direct access), null for remote ones — or,
   * with `mirror`, a local copy that barriers with a GatherRange refresh (collective scratch).
   */
  exchangeSegment(name: string, bytes: number, agree: number, mirror?: boolean): SegmentExchange;

  /**
   * Called by the last image of this node to arrive at a barrier (after it reset the node's
   * counter on image nodeFirst): completes the barrier with the other nodes (bringing `gather`
   * of every remote image into the mirrors), then advances BARRIER_GENERATION of image
   * nodeFirst and wakes its waiters.
   */
  completeNodeArrival(gather: GatherRange | null): void;

  // --- memory of images on other nodes (parts that exchangeSegment returned as null) ----------
  /** Blocking read of one element (offset in elements). */
  remoteGet(segment: number, image: number, elem: ElemKind, offset: number): number;
  /** Non-blocking write: complete at the next completePuts (image control statement). */
  remotePut(segment: number, image: number, elem: ElemKind, offset: number, value: number): void;
  /** Blocking read of a rectangle, packed in (a, b) order. */
  remoteGetRect(segment: number, image: number, elem: ElemKind, rect: Rect): TypedArray;
  /**
   * Non-blocking write of a rectangle from packed values in (a, b) order. `packed` may be a view
   * of the program's own array: read it before returning (the program may change it next).
   */
  remotePutRect(segment: number, image: number, elem: ElemKind, rect: Rect, packed: TypedArray): void;
  /** Blocking atomic on Int32 element `index`; returns the old value. */
  remoteAtomic(segment: number, image: number, index: number, op: AtomicCodeValue, value: number, expected: number): number;
  /**
   * A notified put's signal (§7.2): after the puts this image issued to `image`, add 1 to Int32
   * element `index` of `segment` there and wake that image. Sent at once, in order behind those
   * puts (the same stream), and not waited for; other puts stay outstanding.
   */
  remoteNotify(segment: number, image: number, index: number): void;
  /** Every put this image issued is complete and visible at its target (§5.3). */
  completePuts(): void;

  // --- control words of any image (remote atomics) ---------------------------------------------
  ctlLoad(image: number, word: number): number;
  ctlStore(image: number, word: number, value: number): void;
  /** Returns the old value. */
  ctlAdd(image: number, word: number, delta: number): number;
  /** Returns the old value. */
  ctlCas(image: number, word: number, expected: number, desired: number): number;
  /**
   * Adds 1 to control word `word` of `image` and wakes it, not waiting for either (a team
   * barrier's signal): to another node one message, in order behind this image's puts there.
   */
  ctlSignal(image: number, word: number): void;

  // --- watchdog --------------------------------------------------------------------------------
  /**
   * The image control statement this image is executing (WaitKind, site, argument, segment):
   * cheap plain stores; published as "waiting" only if the image parks in it.
   */
  statement(kind: number, site: number, arg: number, segment: number): void;
  /** The image the current wait depends on (sync images partner, lock holder; -1 unknown). */
  waitingOn(image: number): void;
  /** The `stop` statement at `site` ends this image (reported as "stopped at ..."). */
  stoppingAt(site: number): void;

  // --- waiting ----------------------------------------------------------------------------------
  /**
   * Spins briefly, then parks until `ready()` holds. Wakes on rings for `key`, on rings of this
   * image, and on abort (throws AbortSignal). While parked it calls `blocked()`: a non-null
   * message means the wait can never end (e.g. the partner stopped); waitUntil then re-checks
   * `ready()` once more and returns the message instead of waiting on.
   */
  waitUntil(key: number, ready: () => boolean, blocked?: () => string | null): string | null;
  /**
   * Like waitUntil for a condition that only changes when control word (image, word) changes
   * away from `value` (e.g. a barrier generation): every waiter parks on that one word, so the
   * image that changes it wakes them all with one notify (`notifyWord`).
   */
  waitWhileWord(image: number, word: number, value: number, blocked?: () => string | null): string | null;
  /** Wake every image parked in waitWhileWord on (image, word). */
  notifyWord(image: number, word: number): void;
  /** Wake `image` (if parked). */
  ring(image: number): void;
  /** Wake every image parked on `key`. */
  ringKey(key: number): void;
  /** Wake every image. */
  ringAll(): void;

  // --- job state ----------------------------------------------------------------------------------
  /** Number of images that have stopped. */
  stoppedCount(): number;
  isStopped(image: number): boolean;
  /** This image ends normally: mark it stopped and wake every waiter (they re-check). */
  markStopped(): void;
  aborted(): boolean;
  /**
   * Begin aborting the job with `status`. True for the first caller (who then reports the
   * error), false when the job is already aborting.
   */
  beginAbort(status: number): boolean;
  /** After the first caller reported its message: tell the launcher to end every image. */
  finishAbort(): void;

  // --- output -------------------------------------------------------------------------------------
  /** Writes whole text (one or more complete lines) atomically with respect to other images. */
  writeOut(text: string): void;
  /** Same for the error stream; `evenIfAborted` for the aborting image's own message. */
  writeErr(text: string, evenIfAborted: boolean): void;
}
