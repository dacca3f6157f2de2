// The binary framing between node engines, whatever the transport (docs/wire-protocol.md): a frame is
// a 4-byte header and a sequence of self-delimiting operations. Consumes typed fields; produces
// Buffers (OpWriter) and validated, decoded operations (parseFrame + decode*) or an error text.

import { copyBytes } from "../support/byte-copy.js";

/** Frame header: 'P' 'G', version, reserved. */
export const FRAME_MAGIC0 = 0x50;
export const FRAME_MAGIC1 = 0x47;
export const WIRE_VERSION = 2;
export const FRAME_HEADER_BYTES = 4;
/** Every operation: u8 op, u8 sub, u16 reserved, u32 bodyLength, u32 requester, u32 tag. */
export const OP_HEADER_BYTES = 16;
/**
 * Where a frame starts in the buffer its receiver holds it in, modulo 8: grpc-js hands each
 * message over 5 bytes into a buffer of its own (behind its length prefix). OpWriter starts its
 * frames at the same place, and a bulk payload (PUT, PUT_RECT, DATA) is padded to start on 8 bytes
 * there: the copies between it and shared memory on both nodes then need no bounce through a
 * scratch buffer (support/byte-copy.ts). The pad is in the operation, so any placement is correct.
 */
const FRAME_LEAD = 5;
/** Where OpWriter's operations start: the frame lead and the frame header's room before them. */
const OPS_AT = FRAME_LEAD + FRAME_HEADER_BYTES;
/** Payloads from this size on are padded (shorter ones are copied with set() anyway). */
const PAD_MIN_BYTES = 4096;
/** The most pad bytes before a payload. */
const MAX_PAD = 7;

/**
 * The pad before a payload of `payloadBytes` in a body of `bodyBytes` that starts with
 * `fixedBytes` of fields, or -1 when the rest is not 0..MAX_PAD bytes (a body of the wrong shape).
 */
export function payloadPad(bodyBytes: number, fixedBytes: number, payloadBytes: number): number {
  const pad = bodyBytes - fixedBytes - payloadBytes;
  return pad >= 0 && pad <= MAX_PAD ? pad : -1;
}

/** `requester` of operations that the progress engine itself issues (not an image). */
export const NO_IMAGE = 0xffffffff;

export const Op = {
  // one-sided requests (sub = element size for data ops, an AtomicCode for atomics)
  PUT: 1,
  GET: 2,
  PUT_RECT: 3,
  GET_RECT: 4,
  ATOMIC: 5,
  CTL: 6,
  RING: 7,
  RING_KEY: 8,
  // replies, routed to (requester, tag)
  VALUE: 16,
  DATA: 17,
  ERROR: 18,
  PUT_ACK: 19,
  // job control between progress engines
  STOPPED: 32,
  ABORT: 33,
  ABORT_CLAIM: 34,
  GATHER: 35,
  BYE: 36,
  PING: 37,
  PONG: 38,
  // deadlock watchdog: node 0 asks, every node answers with its images' states (node/watchdog.ts)
  WATCH_QUERY: 39,
  WATCH_STATE: 40,
  // liveness between progress engines: every 0.5 s on every node link, never answered (heartbeat.ts)
  HEARTBEAT: 41,
} as const;

const KNOWN_OPS = new Set<number>(Object.values(Op));

/** BARRIER: a barrier between nodes; ALLOC: a collective allocation; OBSERVED: the records of an observed run, at its end. */
export const GatherKind = { BARRIER: 1, ALLOC: 2, OBSERVED: 3 } as const;

/** A rectangle of elements (abi.ts Rect) as it travels: five i32. */
export interface WireRect {
  offset: number;
  n0: number;
  s0: number;
  n1: number;
  s1: number;
}

/** A growable little-endian buffer of operations (no frame header: see frameOf). */
/** OpWriter.take() hands over its buffer instead of copying from this many bytes on (≥ Node's pool size). */
export const HAND_OVER_BYTES = 64 * 1024;

export class OpWriter {
  private buffer: Buffer;
  /**
   * The operations start after FRAME_LEAD + FRAME_HEADER_BYTES of room: a large take() (bulk
   * payloads, handed over whole) can then become a frame by writing the header in place
   * (frameOf), not by copying megabytes behind one, at the place its receiver will hold it.
   */
  private used = OPS_AT;
  /** Operations written since the last take(). */
  count = 0;

  constructor(private readonly initialBytes = 256) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  get length(): number {
    return this.used - OPS_AT;
  }

  /** Pad bytes that put a payload of `length` bytes, `headerBytes` into the next operation's body, on 8 bytes. */
  private padFor(headerBytes: number, length: number): number {
    return length >= PAD_MIN_BYTES ? -(this.used + OP_HEADER_BYTES + headerBytes) & 7 : 0;
  }

  private reserve(bytes: number): number {
    const at = this.used;
    if (at + bytes > this.buffer.length) {
      // Geometric growth, but a bulk payload gets just its room: a 4 MiB put into a fresh writer
      // made an 8 MiB buffer, half of it never used, all of it handed over and freed again.
      const size = Math.max(this.buffer.length * 2, at + bytes);
      const bigger = Buffer.allocUnsafe(size);
      this.buffer.copy(bigger, 0, 0, at);
      this.buffer = bigger;
    }
    this.used = at + bytes;
    return at;
  }

  /**
   * Starts an operation with a body of bodyLength bytes; returns the body's offset. It may
   * replace this.buffer: call it before reading this.buffer for the body's writes.
   */
  private begin(op: number, sub: number, bodyLength: number, requester: number, tag: number): number {
    const at = this.reserve(OP_HEADER_BYTES + bodyLength);
    const b = this.buffer;
    b.writeUInt8(op, at);
    b.writeUInt8(sub, at + 1);
    b.writeUInt16LE(0, at + 2);
    b.writeUInt32LE(bodyLength, at + 4);
    b.writeUInt32LE(requester >>> 0, at + 8);
    b.writeUInt32LE(tag >>> 0, at + 12);
    this.count++;
    return at + OP_HEADER_BYTES;
  }

  put(requester: number, size: number, segment: number, image: number, offset: number, payload: Uint8Array): void {
    const pad = this.padFor(16, payload.length);
    const at = this.begin(Op.PUT, size, 16 + pad + payload.length, requester, 0);
    this.u32s(at, segment, image, offset, payload.length / size);
    this.buffer.set(payload, at + 16 + pad);
  }

  /** A scalar put without a temporary payload array. */
  putScalar(requester: number, size: 1 | 4 | 8, segment: number, image: number, offset: number, value: number): void {
    const at = this.begin(Op.PUT, size, 16 + size, requester, 0);
    this.u32s(at, segment, image, offset, 1);
    if (size === 8) this.buffer.writeDoubleLE(value, at + 16);
    else if (size === 4) this.buffer.writeInt32LE(value | 0, at + 16);
    else this.buffer.writeUInt8(value & 0xff, at + 16);
  }

  get(requester: number, tag: number, size: number, segment: number, image: number, offset: number, count: number): void {
    const at = this.begin(Op.GET, size, 16, requester, tag);
    this.u32s(at, segment, image, offset, count);
  }

  putRect(requester: number, size: number, segment: number, image: number, rect: WireRect, payload: Uint8Array): void {
    const pad = this.padFor(28, payload.length);
    const at = this.begin(Op.PUT_RECT, size, 28 + pad + payload.length, requester, 0);
    this.u32s(at, segment, image);
    this.rect(at + 8, rect);
    this.buffer.set(payload, at + 28 + pad);
  }

  getRect(requester: number, tag: number, size: number, segment: number, image: number, rect: WireRect): void {
    const at = this.begin(Op.GET_RECT, size, 28, requester, tag);
    this.u32s(at, segment, image);
    this.rect(at + 8, rect);
  }

  atomic(requester: number, tag: number, code: number, segment: number, image: number, index: number, value: number, expected: number): void {
    const at = this.begin(Op.ATOMIC, code, 20, requester, tag);
    this.u32s(at, segment, image, index);
    this.buffer.writeInt32LE(value | 0, at + 12);
    this.buffer.writeInt32LE(expected | 0, at + 16);
  }

  ctl(requester: number, tag: number, code: number, image: number, word: number, value: number, expected: number): void {
    const at = this.begin(Op.CTL, code, 16, requester, tag);
    this.u32s(at, image, word);
    this.buffer.writeInt32LE(value | 0, at + 8);
    this.buffer.writeInt32LE(expected | 0, at + 12);
  }

  ring(requester: number, image: number): void {
    this.u32s(this.begin(Op.RING, 0, 4, requester, 0), image);
  }

  ringKey(requester: number, key: number): void {
    this.u32s(this.begin(Op.RING_KEY, 0, 4, requester, 0), key);
  }

  value(requester: number, tag: number, value: number): void {
    const at = this.begin(Op.VALUE, 0, 8, requester, tag);
    this.buffer.writeDoubleLE(value, at);
  }

  /** A DATA reply; the payload is read from a segment by the serving node (hence copyBytes). */
  data(requester: number, tag: number, payload: Uint8Array): void {
    const slot = this.dataSlot(requester, tag, payload.length);
    copyBytes(slot, 0, payload, 0, payload.length);
  }

  /** A DATA reply whose payload the caller writes into the returned slice (sub = its pad bytes). */
  dataSlot(requester: number, tag: number, bytes: number): Buffer {
    const pad = this.padFor(0, bytes);
    const at = this.begin(Op.DATA, pad, pad + bytes, requester, tag) + pad;
    return this.buffer.subarray(at, at + bytes);
  }

  error(requester: number, tag: number, message: string): void {
    const text = Buffer.from(message, "utf8");
    const at = this.begin(Op.ERROR, 0, text.length, requester, tag);
    this.buffer.set(text, at);
  }

  putAck(requester: number, count: number): void {
    this.u32s(this.begin(Op.PUT_ACK, 0, 4, requester, 0), count);
  }

  stopped(image: number, barrierEpoch: number): void {
    this.u32s(this.begin(Op.STOPPED, 0, 8, NO_IMAGE, 0), image, barrierEpoch);
  }

  abort(status: number, winner: number): void {
    const at = this.begin(Op.ABORT, 0, 8, NO_IMAGE, 0);
    this.buffer.writeInt32LE(status | 0, at);
    this.buffer.writeInt32LE(winner | 0, at + 4);
  }

  abortClaim(requester: number, tag: number, status: number): void {
    const at = this.begin(Op.ABORT_CLAIM, 0, 4, requester, tag);
    this.buffer.writeInt32LE(status | 0, at);
  }

  gather(kind: number, seq: number, round: number, blocks: ReadonlyMap<number, Uint8Array>): void {
    let bytes = 12;
    for (const block of blocks.values()) bytes += 8 + block.length;
    let at = this.begin(Op.GATHER, kind, bytes, NO_IMAGE, 0);
    this.u32s(at, seq, round, blocks.size);
    at += 12;
    for (const [node, block] of blocks) {
      this.u32s(at, node, block.length);
      this.buffer.set(block, at + 8);
      at += 8 + block.length;
    }
  }

  /** The last message on a stream: 0 the job ended normally, 1 it was aborted (status). */
  bye(aborted: boolean, status: number): void {
    const at = this.begin(Op.BYE, aborted ? 1 : 0, 4, NO_IMAGE, 0);
    this.buffer.writeInt32LE(status | 0, at);
  }

  watchQuery(seq: number): void {
    this.begin(Op.WATCH_QUERY, 0, 0, NO_IMAGE, seq);
  }

  /** `states`: the encoded ImageWatch records of this node's images (node/watchdog.ts). */
  watchState(seq: number, states: Uint8Array): void {
    const at = this.begin(Op.WATCH_STATE, 0, states.length, NO_IMAGE, seq);
    this.buffer.set(states, at);
  }

  heartbeat(): void {
    this.begin(Op.HEARTBEAT, 0, 0, NO_IMAGE, 0);
  }

  ping(tag: number): void {
    this.begin(Op.PING, 0, 0, NO_IMAGE, tag);
  }

  /** `clockUs`: the answering node's clock when it answered (observe/clock.ts). */
  pong(tag: number, clockUs: number): void {
    const at = this.begin(Op.PONG, 0, 8, NO_IMAGE, tag);
    this.buffer.writeDoubleLE(clockUs, at);
  }

  private u32s(at: number, ...values: number[]): void {
    for (let i = 0; i < values.length; i++) this.buffer.writeUInt32LE(values[i] >>> 0, at + 4 * i);
  }

  private rect(at: number, r: WireRect): void {
    this.buffer.writeInt32LE(r.offset | 0, at);
    this.buffer.writeInt32LE(r.n0 | 0, at + 4);
    this.buffer.writeInt32LE(r.s0 | 0, at + 8);
    this.buffer.writeInt32LE(r.n1 | 0, at + 12);
    this.buffer.writeInt32LE(r.s1 | 0, at + 16);
  }

  /**
   * The operations written so far, in a Buffer the caller owns. From HAND_OVER_BYTES on (bulk
   * payloads) that is the writer's own buffer, not a copy — a buffer of its own, never a slice of
   * Node's shared pool, so the caller may transfer its ArrayBuffer — and the writer starts anew;
   * its room is claimed for this thread (claimFrameRoom: a thread it is transferred to claims it).
   */
  take(): Buffer {
    if (this.length >= HAND_OVER_BYTES) {
      const whole = this.buffer.subarray(OPS_AT, this.used);
      claimFrameRoom(whole);
      this.buffer = Buffer.allocUnsafe(this.initialBytes);
      this.used = OPS_AT;
      this.count = 0;
      return whole;
    }
    const out = Buffer.from(this.buffer.subarray(OPS_AT, this.used));
    this.used = OPS_AT;
    this.count = 0;
    return out;
  }
}

/** Buffers whose bytes before their operations are free room (see OpWriter): their owner said so. */
const withRoom = new WeakSet<ArrayBufferLike>();

/**
 * Says that `ops` (a large OpWriter.take(), handed over whole, e.g. transferred from an image)
 * is owned by the caller with OpWriter's room before it: frameOf may write the
 * frame header there instead of copying. Never for a view into memory others use.
 */
export function claimFrameRoom(ops: Uint8Array): void {
  // exactly OpWriter's room, in a buffer of its own (a slice of Node's 8 KiB pool is never one)
  if (ops.byteOffset === OPS_AT && ops.buffer.byteLength >= HAND_OVER_BYTES) withRoom.add(ops.buffer);
}

function writeHeader(target: Uint8Array, at: number, flag: number): void {
  target[at] = FRAME_MAGIC0;
  target[at + 1] = FRAME_MAGIC1;
  target[at + 2] = WIRE_VERSION;
  target[at + 3] = flag;
}

function headerOf(flag: number): Buffer {
  const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
  writeHeader(header, 0, flag);
  return header;
}

/** One frame: the header followed by operation records (as produced by OpWriter.take()). */
export function frameOf(parts: readonly Uint8Array[]): Buffer {
  const only = parts.length === 1 ? parts[0]! : null;
  if (only !== null && withRoom.has(only.buffer)) {
    // the header goes in the room before the operations: no copy (once: the room is used now)
    withRoom.delete(only.buffer);
    const frame = Buffer.from(only.buffer, only.byteOffset - FRAME_HEADER_BYTES, only.byteLength + FRAME_HEADER_BYTES);
    writeHeader(frame, 0, 0);
    return frame;
  }
  return Buffer.concat([headerOf(0), ...parts]);
}

/**
 * Largest gRPC message a node accepts (grpc.max_receive_message_length): grpc-js refuses a larger
 * one from its 5-byte length prefix, before buffering any of it. One bulk chunk (4 MiB, see
 * image-core.ts CHUNK_BYTES) plus headers and a batch of small operations fits.
 */
export const MAX_FRAME_BYTES = 5 * 1024 * 1024;
/** Frame header byte 3: this frame's operation bytes continue in the next frame (node links only). */
export const FRAME_CONTINUED = 1;

/**
 * Frames for a turn's operations, none over `limit` bytes: a part whose room is claimed (a bulk
 * payload in its own buffer) is a frame of its own, made in place; other consecutive parts share
 * a frame while they fit; a part is never cut unless it alone is too big, and then it is split
 * into continued frames (FRAME_CONTINUED) at operation boundaries where it can be.
 */
export function framesOf(parts: readonly Uint8Array[], limit = MAX_FRAME_BYTES): Buffer[] {
  const frames: Buffer[] = [];
  let group: Uint8Array[] = [];
  let groupBytes = FRAME_HEADER_BYTES;
  const flushGroup = () => {
    if (group.length > 0) frames.push(frameOf(group));
    group = [];
    groupBytes = FRAME_HEADER_BYTES;
  };
  for (const part of parts) {
    if (withRoom.has(part.buffer) && FRAME_HEADER_BYTES + part.length <= limit) {
      // a bulk payload in its own buffer: a frame of its own, made in place (no copy)
      flushGroup();
      frames.push(frameOf([part]));
      continue;
    }
    if (FRAME_HEADER_BYTES + part.length > limit) {
      flushGroup();
      splitOversized(part, limit, frames);
      continue;
    }
    if (groupBytes + part.length > limit) flushGroup();
    group.push(part);
    groupBytes += part.length;
  }
  flushGroup();
  return frames;
}

/** A part too big for one frame: its operations packed into frames, any too big alone continued. */
function splitOversized(part: Uint8Array, limit: number, frames: Buffer[]): void {
  const room = limit - FRAME_HEADER_BYTES;
  let current: Uint8Array[] = [];
  let currentBytes = 0;
  const flush = (flag: number) => {
    frames.push(Buffer.concat([headerOf(flag), ...current]));
    current = [];
    currentBytes = 0;
  };
  for (let at = 0; at < part.length; ) {
    const opBytes = OP_HEADER_BYTES + Buffer.from(part.buffer, part.byteOffset + at, 8).readUInt32LE(4);
    const op = part.subarray(at, at + opBytes);
    at += opBytes;
    if (currentBytes + op.length <= room) {
      current.push(op);
      currentBytes += op.length;
      continue;
    }
    if (currentBytes > 0) flush(0);
    // Too big for one frame even alone: continued frames, the tail starts the next frame.
    let from = 0;
    while (op.length - from > room) {
      current.push(op.subarray(from, from + room));
      from += room;
      flush(FRAME_CONTINUED);
    }
    current.push(op.subarray(from));
    currentBytes = op.length - from;
  }
  if (currentBytes > 0 || current.length > 0) flush(0);
}

export interface WireOp {
  op: number;
  sub: number;
  requester: number;
  tag: number;
  body: Buffer;
}

export type FrameResult = { ok: true; ops: WireOp[] } | { ok: false; message: string; ops: WireOp[] };

/** One operation of a frame as scanFrame sees it: its header fields and where its body lies. */
export type OpVisitor = (op: number, sub: number, requester: number, tag: number, bodyAt: number, bodyLength: number) => void;

/**
 * Visits the operations of a frame in order, building nothing (the server serves fine-grained puts
 * straight from the frame). A bad header, an unknown operation or a body that runs past the end
 * stops the scan: returns why (the operations before it were visited), else null.
 */
export function scanFrame(frame: Buffer, visit: OpVisitor): string | null {
  if (frame.length < FRAME_HEADER_BYTES || frame[0] !== FRAME_MAGIC0 || frame[1] !== FRAME_MAGIC1) return "not a pgasc frame";
  if (frame[2] !== WIRE_VERSION) return `unsupported wire version ${frame[2]}`;
  // Continued frames are joined by the node link that received them (grpc-transport.ts); one that reaches the
  // parser came from a stream that is not a node of the job.
  if (frame[3] === FRAME_CONTINUED) return "continued frames are only accepted from the job's nodes";
  let at = FRAME_HEADER_BYTES;
  while (at < frame.length) {
    if (frame.length - at < OP_HEADER_BYTES) return "truncated operation header";
    const op = frame.readUInt8(at);
    const bodyLength = frame.readUInt32LE(at + 4);
    if (!KNOWN_OPS.has(op)) return `unknown operation ${op}`;
    if (bodyLength > frame.length - at - OP_HEADER_BYTES) {
      return `truncated operation ${op}: body of ${bodyLength} bytes, ${frame.length - at - OP_HEADER_BYTES} left`;
    }
    visit(op, frame.readUInt8(at + 1), frame.readUInt32LE(at + 8), frame.readUInt32LE(at + 12), at + OP_HEADER_BYTES, bodyLength);
    at += OP_HEADER_BYTES + bodyLength;
  }
  return null;
}

/** The operation at `bodyAt` of `frame` (scanFrame's view) as an object. */
export function wireOpOf(frame: Buffer, op: number, sub: number, requester: number, tag: number, bodyAt: number, bodyLength: number): WireOp {
  return { op, sub, requester, tag, body: frame.subarray(bodyAt, bodyAt + bodyLength) };
}

/**
 * Splits a frame into operations. A bad header, an unknown operation or a body that runs past
 * the end stops the parse: the operations before it are returned with the error.
 */
export function parseFrame(frame: Buffer): FrameResult {
  const ops: WireOp[] = [];
  const problem = scanFrame(frame, (op, sub, requester, tag, bodyAt, bodyLength) => ops.push(wireOpOf(frame, op, sub, requester, tag, bodyAt, bodyLength)));
  return problem === null ? { ok: true, ops } : { ok: false, message: problem, ops };
}

// --- body decoders: null when the body does not have the shape of its operation ---------------

export interface PutBody {
  segment: number;
  image: number;
  offset: number;
  count: number;
  payload: Buffer;
}

const SIZES = new Set([1, 4, 8]);

export function decodePut(op: WireOp): PutBody | null {
  if (!SIZES.has(op.sub) || op.body.length < 16) return null;
  const b = op.body;
  const count = b.readUInt32LE(12);
  const pad = payloadPad(b.length, 16, count * op.sub);
  if (pad < 0) return null;
  return { segment: b.readUInt32LE(0), image: b.readUInt32LE(4), offset: b.readUInt32LE(8), count, payload: b.subarray(16 + pad) };
}

export function decodeGet(op: WireOp): Omit<PutBody, "payload"> | null {
  if (!SIZES.has(op.sub) || op.body.length !== 16) return null;
  const b = op.body;
  return { segment: b.readUInt32LE(0), image: b.readUInt32LE(4), offset: b.readUInt32LE(8), count: b.readUInt32LE(12) };
}

export interface RectBody {
  segment: number;
  image: number;
  rect: WireRect;
  payload: Buffer;
}

export function decodeRect(op: WireOp, withPayload: boolean): RectBody | null {
  if (!SIZES.has(op.sub) || op.body.length < 28) return null;
  const b = op.body;
  const rect = { offset: b.readInt32LE(8), n0: b.readInt32LE(12), s0: b.readInt32LE(16), n1: b.readInt32LE(20), s1: b.readInt32LE(24) };
  if (rect.n0 < 0 || rect.n1 < 0) return null;
  const pad = withPayload ? payloadPad(b.length, 28, rect.n0 * rect.n1 * op.sub) : b.length === 28 ? 0 : -1;
  if (pad < 0) return null;
  return { segment: b.readUInt32LE(0), image: b.readUInt32LE(4), rect, payload: b.subarray(28 + pad) };
}

/**
 * A DATA reply's payload (after the pad its `sub` counts), or null when `op` is not a DATA reply
 * or its pad is not 0..MAX_PAD bytes of the body.
 */
export function dataPayload(op: WireOp): Buffer | null {
  if (op.op !== Op.DATA) return null;
  if (op.sub === 0) return op.body;
  return op.sub <= MAX_PAD && op.sub <= op.body.length ? op.body.subarray(op.sub) : null;
}

export function decodeAtomic(op: WireOp): { segment: number; image: number; index: number; value: number; expected: number } | null {
  if (op.body.length !== 20 || op.sub > 6) return null;
  const b = op.body;
  return { segment: b.readUInt32LE(0), image: b.readUInt32LE(4), index: b.readUInt32LE(8), value: b.readInt32LE(12), expected: b.readInt32LE(16) };
}

export function decodeCtl(op: WireOp): { image: number; word: number; value: number; expected: number } | null {
  if (op.body.length !== 16 || op.sub > 6) return null;
  const b = op.body;
  return { image: b.readUInt32LE(0), word: b.readUInt32LE(4), value: b.readInt32LE(8), expected: b.readInt32LE(12) };
}

export function decodeU32(op: WireOp): number | null {
  return op.body.length === 4 ? op.body.readUInt32LE(0) : null;
}

export function decodeI32(op: WireOp): number | null {
  return op.body.length === 4 ? op.body.readInt32LE(0) : null;
}

export function decodeValue(op: WireOp): number | null {
  return op.body.length === 8 ? op.body.readDoubleLE(0) : null;
}

export function decodeStopped(op: WireOp): { image: number; barrierEpoch: number } | null {
  return op.body.length === 8 ? { image: op.body.readUInt32LE(0), barrierEpoch: op.body.readUInt32LE(4) } : null;
}

export function decodeAbort(op: WireOp): { status: number; winner: number } | null {
  return op.body.length === 8 ? { status: op.body.readInt32LE(0), winner: op.body.readInt32LE(4) } : null;
}

export interface GatherBody {
  kind: number;
  seq: number;
  round: number;
  blocks: Map<number, Buffer>;
}

export function decodeGather(op: WireOp): GatherBody | null {
  const b = op.body;
  if (b.length < 12) return null;
  const seq = b.readUInt32LE(0);
  const round = b.readUInt32LE(4);
  const count = b.readUInt32LE(8);
  const blocks = new Map<number, Buffer>();
  let at = 12;
  for (let i = 0; i < count; i++) {
    if (b.length - at < 8) return null;
    const node = b.readUInt32LE(at);
    const length = b.readUInt32LE(at + 4);
    if (length > b.length - at - 8) return null;
    blocks.set(node, b.subarray(at + 8, at + 8 + length));
    at += 8 + length;
  }
  if (at !== b.length) return null;
  return { kind: op.sub, seq, round, blocks };
}
