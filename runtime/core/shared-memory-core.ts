// The shared-memory core, image side, under every conduit: implements the Core over the node
// control block and segment SharedArrayBuffers exchanged through the node's main thread. Consumes the control block and
// a MessagePort to the main thread; produces direct-memory RMA, atomics, waiting and output.

import { writeSync } from "node:fs";
import { availableParallelism } from "node:os";
import { receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import type { Rect, TypedArray } from "../abi/abi.js";
import type { ImageRecord } from "../observe/recorder.js";
import {
  AbortSignal,
  Ctl,
  STATUS_STOPPED,
  WaitKey,
  type AtomicCodeValue,
  type Core,
  type ElemKind,
  type GatherRange,
  type SegmentExchange,
} from "./core.js";
import { Global, ctlIndex, imageWords, ringDoorbell, ringParkedOn } from "./control-block.js";

/** Messages between an image thread and its node's main thread. */
export type ToMain =
  | { t: "alloc"; seq: number; name: string; sab: SharedArrayBuffer; agree: number; mirror: boolean }
  | { t: "abort" }
  | { t: "observed"; record: ImageRecord };
export type FromMain =
  | { t: "alloc"; seq: number; buffers: SharedArrayBuffer[]; id: number }
  | { t: "allocError"; seq: number; message: string };

export interface SharedMemoryCoreOptions {
  rank: number;
  size: number;
  control: SharedArrayBuffer;
  port: MessagePort;
  stdoutFd: number;
  stderrFd: number;
  /** This node's images (default: all of them, the one-node case). */
  nodeFirst?: number;
  nodeEnd?: number;
  /** Busy-wait budget before parking, µs (default: by the node's image count and cores). */
  spinMicros?: number;
}

/** A parked image re-checks its condition at least this often (a safety net, not the wake path). */
const PARK_TIMEOUT_MS = 1000;
const SPIN_MICROS_DEDICATED = 200;
const SPIN_MICROS_OVERSUBSCRIBED = 0;
/** Re-check interval of waitWhileWord (only matters when a stop or abort races with parking). */
const WATCH_TIMEOUT_MS = 20;
/** The control words any image may park on with waitWhileWord: rung on stop and abort. */
const WATCHED_BY_ALL = (size: number, leader: number) => [ctlIndex(size, leader, Ctl.BARRIER_GENERATION)];

export class SharedMemoryCore implements Core {
  readonly rank: number;
  readonly size: number;
  readonly nodeFirst: number;
  readonly nodeEnd: number;
  protected readonly words: Int32Array;
  protected readonly port: MessagePort;
  private readonly stdoutFd: number;
  private readonly stderrFd: number;
  private readonly stride: number;
  protected readonly myBase: number;
  private allocSeq = 0;
  /** Busy-wait budget before parking (µs): see spin(). */
  protected readonly spinMicros: number;

  constructor(opts: SharedMemoryCoreOptions) {
    this.rank = opts.rank;
    this.size = opts.size;
    this.nodeFirst = opts.nodeFirst ?? 0;
    this.nodeEnd = opts.nodeEnd ?? opts.size;
    this.words = new Int32Array(opts.control);
    this.port = opts.port;
    this.stdoutFd = opts.stdoutFd;
    this.stderrFd = opts.stderrFd;
    this.stride = imageWords(opts.size);
    this.myBase = ctlIndex(opts.size, opts.rank, 0);
    this.spinMicros =
      opts.spinMicros ?? (this.nodeEnd - this.nodeFirst <= availableParallelism() ? SPIN_MICROS_DEDICATED : SPIN_MICROS_OVERSUBSCRIBED);
  }

  protected index(image: number, word: number): number {
    return Global.COUNT + image * this.stride + word;
  }

  // --- segments ---------------------------------------------------------------------------------

  exchangeSegment(name: string, bytes: number, agree: number, mirror = false): SegmentExchange {
    const seq = ++this.allocSeq;
    const sab = new SharedArrayBuffer(bytes);
    const request: ToMain = { t: "alloc", seq, name, sab, agree, mirror };
    this.port.postMessage(request);
    const readyWord = this.myBase + Ctl.ALLOC_READY;
    // The main thread posts the answer before it stores ALLOC_READY, so once we see the
    // sequence number the message is already in our port's queue.
    this.waitUntil(WaitKey.ALLOC, () => Atomics.load(this.words, readyWord) >= seq);
    const received = receiveMessageOnPort(this.port);
    const answer = received?.message as FromMain | undefined;
    if (!answer || answer.seq !== seq) {
      return { ok: false, message: `internal error: lost the answer to allocation of '${name}'` };
    }
    if (answer.t === "allocError") return { ok: false, message: answer.message };
    return { ok: true, id: answer.id, buffers: answer.buffers };
  }

  completeNodeArrival(_gather: GatherRange | null): void {
    // One node: every image's scratch is mapped directly, nothing to bring over.
    this.ctlAdd(this.nodeFirst, Ctl.BARRIER_GENERATION, 1);
    this.notifyWord(this.nodeFirst, Ctl.BARRIER_GENERATION);
  }

  // --- remote memory: one node maps every image, so these are never reached (grpc overrides) ---

  remoteGet(_segment: number, image: number, _elem: ElemKind, _offset: number): number {
    return this.notOnThisNode(image);
  }
  remotePut(_segment: number, image: number, _elem: ElemKind, _offset: number, _value: number): void {
    this.notOnThisNode(image);
  }
  remoteGetRect(_segment: number, image: number, _elem: ElemKind, _rect: Rect): TypedArray {
    return this.notOnThisNode(image);
  }
  remotePutRect(_segment: number, image: number, _elem: ElemKind, _rect: Rect, _packed: TypedArray): void {
    this.notOnThisNode(image);
  }
  remoteAtomic(_segment: number, image: number, _index: number, _op: AtomicCodeValue, _value: number, _expected: number): number {
    return this.notOnThisNode(image);
  }
  nodeOf(_image: number): number {
    // this core alone is one node: every image is on it (the grpc conduit overrides this)
    return 0;
  }
  ctlSignal(image: number, word: number): void {
    this.ctlAdd(image, word, 1);
    this.ring(image);
  }
  remoteNotify(_segment: number, image: number, _index: number): void {
    this.notOnThisNode(image);
  }
  completePuts(): void {
    // Puts on one node are plain stores, complete when they return.
  }
  private notOnThisNode(image: number): never {
    throw new Error(`internal error: image ${image} is not mapped on this node`);
  }

  // --- control words --------------------------------------------------------------------------

  ctlLoad(image: number, word: number): number {
    return Atomics.load(this.words, this.index(image, word));
  }
  ctlStore(image: number, word: number, value: number): void {
    Atomics.store(this.words, this.index(image, word), value);
  }
  ctlAdd(image: number, word: number, delta: number): number {
    return Atomics.add(this.words, this.index(image, word), delta);
  }
  ctlCas(image: number, word: number, expected: number, desired: number): number {
    return Atomics.compareExchange(this.words, this.index(image, word), expected, desired);
  }

  // --- waiting ----------------------------------------------------------------------------------

  waitUntil(key: number, ready: () => boolean, blocked?: () => string | null): string | null {
    const words = this.words;
    if (this.spin(ready)) return null;
    const bellIndex = this.myBase + Ctl.DOORBELL;
    const parkedIndex = this.myBase + Ctl.PARKED_KEY;
    // Publish the key before reading the doorbell and re-checking: a waker that changes the
    // condition after our check then sees the key and rings (all accesses are seq-cst atomics).
    Atomics.store(words, parkedIndex, key);
    // Waits for the print lock are not image control statements: the watchdog sees them as running.
    const watched = key !== WaitKey.PRINT;
    let published = false;
    try {
      for (;;) {
        const bell = Atomics.load(words, bellIndex);
        if (ready()) return null;
        if (Atomics.load(words, Global.ABORT) !== 0) throw new AbortSignal();
        if (blocked) {
          const problem = blocked();
          if (problem !== null) return ready() ? null : problem;
        }
        if (watched) published = this.publishWaiting(published);
        Atomics.wait(words, bellIndex, bell, PARK_TIMEOUT_MS);
      }
    } finally {
      Atomics.store(words, parkedIndex, 0);
      if (published) this.endWaiting();
    }
  }

  waitWhileWord(image: number, word: number, value: number, blocked?: () => string | null): string | null {
    const words = this.words;
    const index = this.index(image, word);
    if (this.spinWhileWord(index, value)) return null;
    let published = false;
    try {
      for (;;) {
        if (Atomics.load(words, index) !== value) return null;
        if (Atomics.load(words, Global.ABORT) !== 0) throw new AbortSignal();
        if (blocked) {
          const problem = blocked();
          if (problem !== null) return Atomics.load(words, index) !== value ? null : problem;
        }
        published = this.publishWaiting(published);
        // Stops and aborts notify watched words too, but cannot change them: a short timeout
        // covers the window between our checks above and the wait.
        Atomics.wait(words, index, value, WATCH_TIMEOUT_MS);
      }
    } finally {
      if (published) this.endWaiting();
    }
  }

  // --- watchdog: what this image is blocked in (read by the node's main thread) -----------------

  private waitOn = -1;

  statement(kind: number, site: number, arg: number, segment: number): void {
    // Plain stores: the main thread reads them only after WAITING (a seq-cst store) is set, or
    // as a hint of where a running image last synchronised.
    const words = this.words;
    const base = this.myBase;
    words[base + Ctl.STMT_KIND] = kind;
    words[base + Ctl.STMT_SITE] = site + 1;
    words[base + Ctl.STMT_ARG] = arg;
    words[base + Ctl.STMT_SEGMENT] = segment;
    this.waitOn = -1;
  }

  waitingOn(image: number): void {
    this.waitOn = image;
  }

  stoppingAt(site: number): void {
    Atomics.store(this.words, this.myBase + Ctl.STOP_SITE, site + 1);
  }

  /** Marks this image as parked in its statement (once per wait; WAIT_ON may change each time). */
  private publishWaiting(already: boolean): boolean {
    Atomics.store(this.words, this.myBase + Ctl.WAIT_ON, this.waitOn);
    if (!already) Atomics.store(this.words, this.myBase + Ctl.WAITING, 1);
    return true;
  }

  /** The wait ended: running again, and one more step of progress for the watchdog. */
  private endWaiting(): void {
    Atomics.store(this.words, this.myBase + Ctl.WAITING, 0);
    Atomics.add(this.words, this.myBase + Ctl.PROGRESS, 1);
  }

  notifyWord(image: number, word: number): void {
    Atomics.notify(this.words, this.index(image, word));
  }

  /**
   * Busy-waits up to spinMicros for `ready()`: waking a parked thread costs tens of µs, so when
   * every image has a core a short spin is much faster; oversubscribed, spinning only steals the
   * core from the image we wait for, so the budget is then (almost) zero.
   */
  protected spin(ready: () => boolean): boolean {
    if (ready()) return true;
    if (this.spinMicros <= 0) return false;
    const deadline = performance.now() + this.spinMicros / 1000;
    for (let i = 1; ; i++) {
      if (ready()) return true;
      if ((i & 63) === 0) {
        if (Atomics.load(this.words, Global.ABORT) !== 0) throw new AbortSignal();
        if (performance.now() > deadline) return false;
      }
    }
  }

  /**
   * spin() for the commonest condition, a control word leaving a value, without a closure: the
   * barrier's path, where a closure per call is garbage for the collector and one
   * more function for the JIT to compile while the program's first barriers run.
   */
  private spinWhileWord(index: number, value: number): boolean {
    const words = this.words;
    if (Atomics.load(words, index) !== value) return true;
    if (this.spinMicros <= 0) return false;
    const deadline = performance.now() + this.spinMicros / 1000;
    for (let i = 1; ; i++) {
      if (Atomics.load(words, index) !== value) return true;
      if ((i & 63) === 0) {
        if (Atomics.load(words, Global.ABORT) !== 0) throw new AbortSignal();
        if (performance.now() > deadline) return false;
      }
    }
  }

  ring(image: number): void {
    ringDoorbell(this.words, this.size, image);
  }

  ringKey(key: number): void {
    ringParkedOn(this.words, this.size, this.nodeFirst, this.nodeEnd, key);
  }

  ringAll(): void {
    for (let image = this.nodeFirst; image < this.nodeEnd; image++) this.ring(image);
    for (const index of WATCHED_BY_ALL(this.size, this.nodeFirst)) Atomics.notify(this.words, index);
  }

  // --- job state --------------------------------------------------------------------------------

  stoppedCount(): number {
    return Atomics.load(this.words, Global.STOPPED_COUNT);
  }
  isStopped(image: number): boolean {
    return Atomics.load(this.words, this.index(image, Ctl.STATUS)) === STATUS_STOPPED;
  }
  markStopped(): void {
    Atomics.store(this.words, this.myBase + Ctl.STATUS, STATUS_STOPPED);
    Atomics.add(this.words, Global.STOPPED_COUNT, 1);
    this.ringAll();
  }
  aborted(): boolean {
    return Atomics.load(this.words, Global.ABORT) !== 0;
  }
  beginAbort(status: number): boolean {
    if (Atomics.compareExchange(this.words, Global.ABORT, 0, 1) !== 0) return false;
    Atomics.store(this.words, Global.EXIT_STATUS, status);
    return true;
  }
  finishAbort(): void {
    this.ringAll();
    const message: ToMain = { t: "abort" };
    this.port.postMessage(message);
  }

  // --- output -------------------------------------------------------------------------------------

  writeOut(text: string): void {
    this.lockedWrite(this.stdoutFd, text, false);
  }
  writeErr(text: string, evenIfAborted: boolean): void {
    this.lockedWrite(this.stderrFd, text, evenIfAborted);
  }

  /**
   * One synchronous write under the node-wide print lock: lines are never interleaved, and a
   * line is in the file before the image goes on (so real-time order across images holds).
   * Once the job aborts, nothing more is written except the aborting image's own message.
   */
  private lockedWrite(fd: number, text: string, evenIfAborted: boolean): void {
    const words = this.words;
    const me = this.rank + 1;
    // (A stack overflow can unwind an image past its own release; then the lock is still ours.)
    if (Atomics.compareExchange(words, Global.PRINT_LOCK, 0, me) !== 0 && Atomics.load(words, Global.PRINT_LOCK) !== me) {
      if (evenIfAborted) {
        // The aborting image cannot use waitUntil (it throws once aborted): poll instead.
        const bellIndex = this.myBase + Ctl.DOORBELL;
        while (Atomics.compareExchange(words, Global.PRINT_LOCK, 0, me) !== 0) {
          Atomics.wait(words, bellIndex, Atomics.load(words, bellIndex), 1);
        }
      } else {
        Atomics.add(words, Global.PRINT_WAITERS, 1);
        try {
          this.waitUntil(WaitKey.PRINT, () => Atomics.compareExchange(words, Global.PRINT_LOCK, 0, me) === 0);
        } finally {
          Atomics.sub(words, Global.PRINT_WAITERS, 1);
        }
      }
    }
    let readerGone = false;
    try {
      if (evenIfAborted || Atomics.load(words, Global.ABORT) === 0) writeFully(fd, text, words, this.myBase + Ctl.DOORBELL);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EPIPE") throw error;
      readerGone = true;
    } finally {
      Atomics.store(words, Global.PRINT_LOCK, 0);
      if (Atomics.load(words, Global.PRINT_WAITERS) > 0) this.ringKey(WaitKey.PRINT);
    }
    if (readerGone && !evenIfAborted) {
      // The reader of the output went away (`pgasc run ... | head`): end the job quietly with
      // the status a shell gives a process killed by SIGPIPE, as the multi-node launcher does.
      if (this.beginAbort(EXIT_READER_GONE)) this.finishAbort();
      throw new AbortSignal();
    }
  }
}

/** Exit status when the output's reader has gone: 128 + SIGPIPE, as a shell reports it. */
const EXIT_READER_GONE = 141;

/** writeSync until every byte is out; a non-blocking pipe that is full (EAGAIN) is retried. */
function writeFully(fd: number, text: string, words: Int32Array, sleepWord: number): void {
  const bytes = Buffer.from(text, "utf8");
  let done = 0;
  while (done < bytes.length) {
    try {
      done += writeSync(fd, bytes, done, bytes.length - done);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
      Atomics.wait(words, sleepWord, Atomics.load(words, sleepWord), 1);
    }
  }
}
