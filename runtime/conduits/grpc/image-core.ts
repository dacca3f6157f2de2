// The grpc conduit, image side: the SharedMemoryCore for this node's images plus remote operations
// that post wire-encoded requests to the node engine on the main thread and block in Atomics.wait
// on this image's reply slot. Consumes the shared-memory options, the reply slot and the node
// layout; produces the Core. Non-blocking puts are aggregated per destination node.

import type { Rect, TypedArray } from "../../abi/abi.js";
import { AbortSignal, AtomicCode, elemSize, type AtomicCodeValue, type ElemKind, type GatherRange } from "../../core/core.js";
import { splitRect } from "../../core/layout-math.js";
import { nodeOfImage } from "../../core/placement.js";
import { Global } from "../../core/control-block.js";
import { SharedMemoryCore, type SharedMemoryCoreOptions } from "../../core/shared-memory-core.js";
import { INLINE_CAPACITY, INLINE_OFFSET, Link, ReplyStatus, VALUE_OFFSET, nextTag, type RemoteToMain } from "../../core/reply-slot.js";
import { HAND_OVER_BYTES, OpWriter } from "../../transport/wire.js";
import { receiveMessageOnPort } from "node:worker_threads";

/** Flush a destination's put buffer beyond this many bytes. */
const PUT_BUFFER_BYTES = 64 * 1024;
/** Largest payload of one operation: bigger transfers are split. */
export const CHUNK_BYTES = 4 * 1024 * 1024;
/**
 * A get larger than this is asked for in pieces of this size, up to LANDING_MAX_BYTES of them in
 * flight at once: the target serves piece k + 1 while piece k crosses the wire and lands.
 */
const GET_PIECE_BYTES = 1024 * 1024;
/** The landing zone's largest size: the bytes of one get in flight at a time. */
const LANDING_MAX_BYTES = 8 * 1024 * 1024;
/**
 * Wait for acknowledgements once this many put bytes are unacknowledged (bounds memory), until
 * half as many are: a sliding window, so the wire and the target keep working while the image
 * waits (draining it to zero each time idled both ends once per window).
 */
const MAX_UNACKED_BYTES = 32 * 1024 * 1024;
/** The window's steps: smaller put pieces are counted together up to this many bytes. */
const ACK_STEP_BYTES = 1024 * 1024;
const MAX_UNACKED_PUTS = 200_000;
const REPLY_SPIN_MICROS = 30;
const NODE_WAIT_SPIN_MICROS = 30;
const CLAIM_TIMEOUT_MS = 5000;

export interface GrpcCoreOptions extends SharedMemoryCoreOptions {
  nodeFirst: number;
  nodeEnd: number;
  nodeCount: number;
  link: SharedArrayBuffer;
}

export class GrpcCore extends SharedMemoryCore {
  private readonly nodeCount: number;
  private readonly link: Int32Array;
  private readonly linkView: DataView;
  private readonly linkBytes: Uint8Array;
  private readonly node: number;
  private readonly putWriters: OpWriter[];
  private putsSent = 0;
  private unackedBytes = 0;
  /** Unacknowledged put pieces in steps of ≥ ACK_STEP_BYTES, oldest first: the put count once the step was sent, its bytes. */
  private readonly unackedPieces: { puts: number; bytes: number }[] = [];
  private nextTag = 0;
  /**
   * Where the progress engine copies get replies larger than the inline slot (status LANDED):
   * one copy instead of a copy, a message clone and another copy. Grown on demand; the engine
   * learns of a new one with the request that needs it.
   */
  private landing: SharedArrayBuffer | null = null;
  private landingAnnounced = false;

  constructor(opts: GrpcCoreOptions) {
    // Across nodes most waits end through the progress engine and the network (≥ 100 µs): a long
    // spin would only take the core the main thread needs to finish them.
    super(opts.nodeCount > 1 ? { ...opts, spinMicros: Math.min(opts.spinMicros ?? NODE_WAIT_SPIN_MICROS, NODE_WAIT_SPIN_MICROS) } : opts);
    this.nodeCount = opts.nodeCount;
    this.link = new Int32Array(opts.link);
    this.linkView = new DataView(opts.link);
    this.linkBytes = new Uint8Array(opts.link);
    this.node = nodeOfImage(this.size, this.nodeCount, this.rank);
    this.putWriters = Array.from({ length: this.nodeCount }, () => new OpWriter(1024));
  }

  private isLocal(image: number): boolean {
    return image >= this.nodeFirst && image < this.nodeEnd;
  }

  override nodeOf(image: number): number {
    return nodeOfImage(this.size, this.nodeCount, image);
  }

  private post(message: RemoteToMain, transfer: ArrayBuffer[] = []): void {
    this.port.postMessage(message, transfer);
  }

  /**
   * Hands operations for `node` to the progress engine (the bytes are transferred, not copied),
   * saying how many puts they hold and which reply the image waits for: the engine accepts
   * acknowledgements and replies only from the node asked (reply-guard.ts).
   */
  private sendOps(node: number, writer: OpWriter, expect: { puts?: number; replyTag?: number; pieces?: number[] } = {}): void {
    const bytes = writer.take();
    // A large take() is the writer's own buffer: transfer it as it is; small ones live in Node's
    // shared Buffer pool and are copied into a buffer of their own first.
    let owned = bytes as Uint8Array<ArrayBuffer>;
    if (bytes.length < HAND_OVER_BYTES) {
      owned = new Uint8Array(bytes.length);
      owned.set(bytes);
    }
    if (this.landing !== null && !this.landingAnnounced) {
      this.landingAnnounced = true;
      this.post({ t: "send", node, ops: owned, landing: this.landing, ...expect }, [owned.buffer]);
      return;
    }
    this.post({ t: "send", node, ops: owned, ...expect }, [owned.buffer]);
  }

  /** Makes the landing zone hold at least `bytes` (announced with the next request). */
  private ensureLanding(bytes: number): void {
    if (bytes <= INLINE_CAPACITY || (this.landing !== null && this.landing.byteLength >= bytes)) return;
    let size = Math.max(64 * 1024, this.landing?.byteLength ?? 0);
    while (size < bytes) size *= 2;
    this.landing = new SharedArrayBuffer(Math.min(size, LANDING_MAX_BYTES));
    this.landingAnnounced = false;
  }

  private flushPuts(node: number): void {
    const writer = this.putWriters[node];
    if (writer.count > 0) this.sendOps(node, writer, { puts: writer.count });
  }

  /** A blocking request: earlier puts to the node go first (same stream, so they land first). */
  private request(node: number, write: (w: OpWriter, tag: number) => void): void {
    this.flushPuts(node);
    const tag = (this.nextTag = nextTag(this.nextTag));
    const writer = new OpWriter(64);
    write(writer, tag);
    this.sendOps(node, writer, { replyTag: tag });
    this.waitReply(tag, true);
    this.throwIfRefused(node);
  }

  private throwIfRefused(node: number): void {
    if (Atomics.load(this.link, Link.REPLY_STATUS) === ReplyStatus.ERROR) {
      const message = receiveMessageOnPort(this.port)?.message as string | undefined;
      throw new Error(`remote operation refused by node ${node}: ${message ?? "(no message)"}`);
    }
  }

  /**
   * A pipelined get: every piece asked for at once (one frame each, so the target answers each
   * on its own), the replies landed one after the other in the landing zone, one wait for the last.
   */
  private requestPieces(node: number, segment: number, image: number, size: number, pieces: Rect[], bytes: number): void {
    this.ensureLanding(bytes);
    this.flushPuts(node);
    const lengths = pieces.map((piece) => pieceBytes(piece, size));
    let tag = 0;
    for (let k = 0; k < pieces.length; k++) {
      tag = this.nextTag = nextTag(this.nextTag);
      const writer = new OpWriter(64);
      writeGet(writer, this.rank, tag, size, segment, image, pieces[k]!);
      this.sendOps(node, writer, k === 0 ? { replyTag: tag, pieces: lengths } : {});
    }
    this.waitReply(tag, true);
    this.throwIfRefused(node);
    if (Atomics.load(this.link, Link.REPLY_STATUS) !== ReplyStatus.LANDED || Atomics.load(this.link, Link.REPLY_LENGTH) !== bytes) {
      throw new Error(`internal error: a get of ${bytes} bytes in ${pieces.length} pieces did not land`);
    }
  }

  /** Waits until the reply slot shows `tag`; throws AbortSignal once the job aborts (if asked). */
  private waitReply(tag: number, abortable: boolean, timeoutMs = Infinity): boolean {
    const link = this.link;
    if (Atomics.load(link, Link.REPLY_TAG) === tag) return true;
    if (this.spinMicros > 0) {
      const deadline = performance.now() + REPLY_SPIN_MICROS / 1000;
      while (performance.now() < deadline) if (Atomics.load(link, Link.REPLY_TAG) === tag) return true;
    }
    const giveUp = performance.now() + timeoutMs;
    for (;;) {
      const seen = Atomics.load(link, Link.REPLY_TAG);
      if (seen === tag) return true;
      if (abortable && Atomics.load(this.words, Global.ABORT) !== 0) throw new AbortSignal();
      if (performance.now() > giveUp) return false;
      Atomics.wait(link, Link.REPLY_TAG, seen, 200);
    }
  }

  /** The reply's data: inline in the slot, or a message on the port for large replies. */
  /** The reply's data: inline in the slot, in the landing zone (a view: read it before the next request), or on the port. */
  private replyBytes(): Uint8Array {
    const status = Atomics.load(this.link, Link.REPLY_STATUS);
    if (status === ReplyStatus.ON_PORT) {
      return receiveMessageOnPort(this.port)!.message as Uint8Array;
    }
    const length = Atomics.load(this.link, Link.REPLY_LENGTH);
    if (status === ReplyStatus.LANDED) return new Uint8Array(this.landing!, 0, length);
    return this.linkBytes.subarray(INLINE_OFFSET, INLINE_OFFSET + length);
  }

  private replyValue(): number {
    return this.linkView.getFloat64(VALUE_OFFSET, true);
  }

  // --- remote memory ------------------------------------------------------------------------

  override remoteGet(segment: number, image: number, elem: ElemKind, offset: number): number {
    const size = elemSize(elem);
    this.request(this.nodeOf(image), (w, tag) => w.get(this.rank, tag, size, segment, image, offset, 1));
    const view = this.linkView;
    if (Atomics.load(this.link, Link.REPLY_LENGTH) !== size) throw new Error("internal error: short reply to a get");
    return size === 8 ? view.getFloat64(INLINE_OFFSET, true) : size === 4 ? view.getInt32(INLINE_OFFSET, true) : view.getUint8(INLINE_OFFSET);
  }

  override remotePut(segment: number, image: number, elem: ElemKind, offset: number, value: number): void {
    const node = this.nodeOf(image);
    const writer = this.putWriters[node];
    writer.putScalar(this.rank, elemSize(elem), segment, image, offset, value);
    this.putsSent++;
    if (writer.length >= PUT_BUFFER_BYTES) this.flushPuts(node);
    if (this.putsSent - Atomics.load(this.link, Link.ACKED) > MAX_UNACKED_PUTS) this.completePuts();
  }

  override remoteGetRect(segment: number, image: number, elem: ElemKind, rect: Rect): TypedArray {
    const size = elemSize(elem);
    const node = this.nodeOf(image);
    const count = rect.n0 * rect.n1;
    if (count * size <= GET_PIECE_BYTES) {
      this.ensureLanding(count * size);
      this.request(node, (w, tag) => writeGet(w, this.rank, tag, size, segment, image, rect));
      const bytes = this.replyBytes();
      if (bytes.length !== count * size) throw new Error(`internal error: reply of ${bytes.length} bytes, expected ${count * size}`);
      // Landed: hand out a view of the landing zone (every caller copies the packed values out
      // at once, before its next remote operation) instead of another copy.
      if (bytes.buffer === this.landing) return viewOf(elem, this.landing, count);
      const single = newArray(elem, count);
      new Uint8Array(single.buffer).set(bytes);
      return single;
    }
    const pieces = splitRect(rect, Math.max(1, Math.floor(GET_PIECE_BYTES / size)));
    // As many pieces at a time as the landing zone holds; one window: a view of it, as above.
    const result = count * size <= LANDING_MAX_BYTES ? null : newArray(elem, count);
    let done = 0;
    for (let first = 0; first < pieces.length; ) {
      let end = first;
      let bytes = 0;
      while (end < pieces.length && (end === first || bytes + pieceBytes(pieces[end]!, size) <= LANDING_MAX_BYTES)) bytes += pieceBytes(pieces[end++]!, size);
      this.requestPieces(node, segment, image, size, pieces.slice(first, end), bytes);
      if (result === null) return viewOf(elem, this.landing!, count);
      new Uint8Array(result.buffer).set(new Uint8Array(this.landing!, 0, bytes), done);
      done += bytes;
      first = end;
    }
    return result!;
  }

  override remotePutRect(segment: number, image: number, elem: ElemKind, rect: Rect, packed: TypedArray): void {
    const size = elemSize(elem);
    const node = this.nodeOf(image);
    const writer = this.putWriters[node];
    const bytes = new Uint8Array(packed.buffer, packed.byteOffset, packed.byteLength);
    let done = 0;
    for (const piece of splitRect(rect, Math.max(1, Math.floor(CHUNK_BYTES / size)))) {
      const length = piece.n0 * piece.n1 * size;
      const payload = bytes.subarray(done, done + length);
      done += length;
      if (piece.n1 === 1 && (piece.n0 <= 1 || piece.s0 === 1)) writer.put(this.rank, size, segment, image, piece.offset, payload);
      else writer.putRect(this.rank, size, segment, image, piece, payload);
      this.putsSent++;
      this.unackedBytes += length;
      const last = this.unackedPieces[this.unackedPieces.length - 1];
      if (last !== undefined && last.bytes < ACK_STEP_BYTES) {
        last.puts = this.putsSent;
        last.bytes += length;
      } else this.unackedPieces.push({ puts: this.putsSent, bytes: length });
      if (writer.length >= PUT_BUFFER_BYTES) this.flushPuts(node);
      if (this.unackedBytes > MAX_UNACKED_BYTES) this.awaitAcks(MAX_UNACKED_BYTES / 2);
    }
  }

  override remoteAtomic(segment: number, image: number, index: number, op: AtomicCodeValue, value: number, expected: number): number {
    this.request(this.nodeOf(image), (w, tag) => w.atomic(this.rank, tag, op, segment, image, index, value, expected));
    return this.replyValue();
  }

  override ctlSignal(image: number, word: number): void {
    if (this.isLocal(image)) {
      super.ctlSignal(image, word);
      return;
    }
    // as remoteNotify: a control-word add without reply (tag 0) and the doorbell, behind the puts
    const node = this.nodeOf(image);
    const writer = this.putWriters[node];
    const puts = writer.count;
    writer.ctl(this.rank, 0, AtomicCode.ADD, image, word, 1, 0);
    writer.ring(this.rank, image);
    this.sendOps(node, writer, puts > 0 ? { puts } : {});
  }

  override remoteNotify(segment: number, image: number, index: number): void {
    // Behind the puts already buffered for that node, in the same frame: an atomic add with no
    // reply (tag 0), then the doorbell of the image that may be waiting for it.
    const node = this.nodeOf(image);
    const writer = this.putWriters[node];
    const puts = writer.count; // the buffer holds only puts until now: those are acknowledged
    writer.atomic(this.rank, 0, AtomicCode.ADD, segment, image, index, 1, 0);
    writer.ring(this.rank, image);
    this.sendOps(node, writer, puts > 0 ? { puts } : {});
  }

  private flushAllPuts(): void {
    for (let node = 0; node < this.nodeCount; node++) this.flushPuts(node);
  }

  override completePuts(): void {
    this.flushAllPuts();
    this.awaitAcked(this.putsSent);
    this.unackedBytes = 0;
    this.unackedPieces.length = 0;
  }

  /**
   * Waits until at most `bytes` of bulk puts are unacknowledged, oldest pieces first. ACKED counts
   * acknowledgements from every node, so with several destinations this bounds memory only
   * approximately (completePuts is what waits for all of them).
   */
  private awaitAcks(bytes: number): void {
    this.flushAllPuts();
    const pieces = this.unackedPieces;
    let oldest = 0;
    while (this.unackedBytes > bytes && oldest < pieces.length) {
      this.awaitAcked(pieces[oldest]!.puts);
      this.unackedBytes -= pieces[oldest++]!.bytes;
    }
    pieces.splice(0, oldest);
  }

  /** Waits until ACKED reaches `puts`; throws AbortSignal once the job aborts. */
  private awaitAcked(puts: number): void {
    const link = this.link;
    for (;;) {
      const acked = Atomics.load(link, Link.ACKED);
      if (acked >= puts) return;
      if (Atomics.load(this.words, Global.ABORT) !== 0) throw new AbortSignal();
      Atomics.wait(link, Link.ACKED, acked, 200);
    }
  }

  // --- control words of remote images ---------------------------------------------------------

  private remoteCtl(image: number, word: number, op: AtomicCodeValue, value: number, expected: number): number {
    this.request(this.nodeOf(image), (w, tag) => w.ctl(this.rank, tag, op, image, word, value, expected));
    return this.replyValue();
  }

  override ctlLoad(image: number, word: number): number {
    return this.isLocal(image) ? super.ctlLoad(image, word) : this.remoteCtl(image, word, 0, 0, 0);
  }
  override ctlStore(image: number, word: number, value: number): void {
    if (this.isLocal(image)) super.ctlStore(image, word, value);
    else this.remoteCtl(image, word, 1, value, 0);
  }
  override ctlAdd(image: number, word: number, delta: number): number {
    return this.isLocal(image) ? super.ctlAdd(image, word, delta) : this.remoteCtl(image, word, 2, delta, 0);
  }
  override ctlCas(image: number, word: number, expected: number, desired: number): number {
    return this.isLocal(image) ? super.ctlCas(image, word, expected, desired) : this.remoteCtl(image, word, 6, desired, expected);
  }

  override ring(image: number): void {
    if (this.isLocal(image)) {
      super.ring(image);
      return;
    }
    const node = this.nodeOf(image);
    this.flushPuts(node);
    const writer = new OpWriter(32);
    writer.ring(this.rank, image);
    this.sendOps(node, writer);
  }

  override ringKey(key: number): void {
    super.ringKey(key);
    if (this.nodeCount > 1) this.post({ t: "ringKeyAll", key });
  }

  // --- segments and barriers ------------------------------------------------------------------

  override completeNodeArrival(gather: GatherRange | null): void {
    // The progress engine joins the other nodes, fills the mirrors, then advances the generation.
    this.post({ t: "barrier", gather });
  }

  // --- job state ------------------------------------------------------------------------------

  override markStopped(): void {
    this.completePuts();
    super.markStopped();
    this.post({ t: "stopped" });
  }

  /**
   * First abort of the whole job: locally first (compare-exchange on ABORT), then node 0 decides
   * between the nodes, so the message of exactly one image or node is printed.
   */
  override beginAbort(status: number): boolean {
    if (!super.beginAbort(status)) return false;
    if (this.nodeCount === 1) return true;
    const tag = (this.nextTag = nextTag(this.nextTag));
    this.post({ t: "abortClaim", status, tag });
    // Node 0 unreachable: report anyway (the lost-node path ends the job).
    if (!this.waitReply(tag, false, CLAIM_TIMEOUT_MS)) return true;
    return this.replyValue() === 1;
  }
}

function pieceBytes(piece: Rect, size: number): number {
  return piece.n0 * piece.n1 * size;
}

/** A get of `piece`: a plain GET when its elements are consecutive, else GET_RECT. */
function writeGet(w: OpWriter, rank: number, tag: number, size: number, segment: number, image: number, piece: Rect): void {
  if (piece.n1 === 1 && (piece.n0 <= 1 || piece.s0 === 1)) w.get(rank, tag, size, segment, image, piece.offset, piece.n0);
  else w.getRect(rank, tag, size, segment, image, piece);
}

function viewOf(elem: ElemKind, buffer: SharedArrayBuffer, count: number): TypedArray {
  if (elem === "float") return new Float64Array(buffer, 0, count);
  if (elem === "bool") return new Uint8Array(buffer, 0, count);
  return new Int32Array(buffer, 0, count);
}

function newArray(elem: ElemKind, count: number): TypedArray {
  if (elem === "float") return new Float64Array(count);
  if (elem === "bool") return new Uint8Array(count);
  return new Int32Array(count);
}
