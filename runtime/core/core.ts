// The conduit-neutral core (GASNet-EX style): what the extended layer and the Runtime need from a
// conduit. Implemented by conduits/smp (worker threads + SharedArrayBuffers) and later grpc.
// Every operation names its target image, so a conduit decides same-node (memory) vs. remote.

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
  /** sync images: word SYNC_BASE + j on image i counts `sync images` by j that named i. */
  SYNC_BASE: 72,
} as const;

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

  /**
   * Collective: every image contributes a segment of `bytes` (zero-filled). `agree` must be the
   * same on every image (else an error naming both values). Returns each image's segment:
   * a SharedArrayBuffer for images on this node (direct access), null for remote ones.
   */
  exchangeSegment(name: string, bytes: number, agree: number): SegmentExchange;

  // --- control words of any image (remote atomics) ---------------------------------------------
  ctlLoad(image: number, word: number): number;
  ctlStore(image: number, word: number, value: number): void;
  /** Returns the old value. */
  ctlAdd(image: number, word: number, delta: number): number;
  /** Returns the old value. */
  ctlCas(image: number, word: number, expected: number, desired: number): number;

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
