// The node engine's server: every operation a frame can carry, one handler each in a table keyed
// by the operation's name (wire.ts Op), so an operation added to the wire without a handler does
// not compile. One-sided requests are served straight from this node's SharedArrayBuffers; replies
// go to the reply slots; job control (stops, aborts, gathers, watchdog, goodbyes) is accepted only
// from the job's nodes. Consumes frames and the channel they came on; produces one reply frame.

import { applyAtomic } from "../core/core.js";
import { ctlIndex, imageWords } from "../core/control-block.js";
import { checkRect, copyRectBytes } from "../core/layout-math.js";
import { copyBytes } from "../support/byte-copy.js";
import type { Channel, Transport } from "../transport/transport.js";
import {
  HAND_OVER_BYTES,
  NO_IMAGE,
  Op,
  OpWriter,
  decodeAbort,
  decodeAtomic,
  decodeCtl,
  decodeGather,
  decodeGet,
  decodeI32,
  decodePut,
  decodeRect,
  decodeStopped,
  decodeU32,
  decodeValue,
  payloadPad,
  scanFrame,
  wireOpOf,
  type WireOp,
} from "../transport/wire.js";
import { nowUs } from "../observe/clock.js";
import type { Aborts } from "./aborts.js";
import type { NodeBarrier } from "./barrier.js";
import type { LocalImages } from "./local-images.js";
import type { ReplySlots } from "./replies.js";
import type { Segments } from "./segments.js";
import { decodeWatches, encodeWatches, type ImageWatch } from "./watchdog.js";

/** What the handlers reach in the engine. */
export interface ServerHost {
  readonly me: number;
  readonly images: number;
  readonly words: Int32Array;
  readonly local: LocalImages;
  readonly segments: Segments;
  readonly replies: ReplySlots;
  readonly barrier: NodeBarrier;
  readonly aborts: Aborts;
  readonly transport: Transport;
  /** A GATHER operation for (kind, seq) from another node. */
  onGather(kind: number, seq: number, round: number, blocks: Map<number, Buffer>): void;
  /** `node` answered this node's PING `tag`; its clock read clockUs. */
  onPong(node: number, tag: number, clockUs: number): void;
  /** Node 0's watchdog question answered by `node`. */
  onWatchState(node: number, seq: number, watches: ImageWatch[]): void;
  checkEnd(): void;
}

/** One frame being served: where to answer, and what to do once the reply frame is queued. */
interface Serving {
  readonly host: ServerHost;
  readonly channel: Channel;
  readonly reply: OpWriter;
  readonly acks: Map<number, number>;
  readonly after: (() => void)[];
  refuse(op: WireOp, message: string): void;
}

interface Handler {
  /** Job control: refused from a stream that is not a node of the job. */
  readonly nodesOnly: boolean;
  serve(op: WireOp, s: Serving): void;
}

const request = (serve: Handler["serve"]): Handler => ({ nodesOnly: false, serve });
const control = (serve: (op: WireOp, s: Serving, node: number) => void): Handler => ({
  nodesOnly: true,
  serve: (op, s) => serve(op, s, s.channel.node!),
});

function isLocal(host: ServerHost, image: number): boolean {
  return image >= host.local.first && image < host.local.end;
}

function countAck(s: Serving, requester: number): void {
  s.acks.set(requester, (s.acks.get(requester) ?? 0) + 1);
}

/** PUT_RECT and GET_RECT: a section of one image's part, packed in (a, b) order on the wire. */
function serveRect(op: WireOp, s: Serving, isPut: boolean): void {
  const body = decodeRect(op, isPut);
  if (!body) return s.refuse(op, `malformed ${isPut ? "put" : "get"} of a section`);
  const target = s.host.segments.target(body.segment, body.image);
  if (typeof target === "string") return s.refuse(op, target);
  const size = op.sub;
  const bytes = s.host.segments.viewsOf(target).u8;
  const elements = Math.floor(bytes.length / size);
  const problem = checkRect(body.rect, elements);
  if (problem) return s.refuse(op, `section reaches element ${problem.index}, outside 0..${elements - 1}`);
  const count = body.rect.n0 * body.rect.n1;
  const packed = isPut ? body.payload : s.reply.dataSlot(op.requester, op.tag, count * size);
  copyRectBytes(bytes, body.rect, size, packed, isPut);
  if (isPut) countAck(s, op.requester);
}

const HANDLERS: { readonly [K in keyof typeof Op]: Handler } = {
  // Served by putFromFrame (serveFrame calls it first); reached only to say why a put is refused.
  PUT: request((op, s) => {
    if (putFromFrame(s, op.body, op.sub, op.requester, 0, op.body.length)) return;
    const body = decodePut(op);
    const part = body && s.host.segments.partBytes(body.segment, body.image, op.sub, body.offset, body.count);
    s.refuse(op, typeof part === "string" ? part : "malformed put");
  }),
  GET: request((op, s) => {
    const body = decodeGet(op);
    if (!body) return s.refuse(op, "malformed get");
    const part = s.host.segments.partBytes(body.segment, body.image, op.sub, body.offset, body.count);
    if (typeof part === "string") return s.refuse(op, part);
    s.reply.data(op.requester, op.tag, part);
  }),
  PUT_RECT: request((op, s) => serveRect(op, s, true)),
  GET_RECT: request((op, s) => serveRect(op, s, false)),
  ATOMIC: request((op, s) => {
    const body = decodeAtomic(op);
    if (!body) return s.refuse(op, "malformed atomic");
    const target = s.host.segments.target(body.segment, body.image);
    if (typeof target === "string") return s.refuse(op, target);
    const words = s.host.segments.viewsOf(target).i32;
    if (!(body.index < words.length)) return s.refuse(op, `atomic on word ${body.index}, outside 0..${words.length - 1}`);
    const old = applyAtomic(words, body.index, op.sub, body.value, body.expected);
    // tag 0: a notified put's signal, which nobody waits for (image-core.ts remoteNotify)
    if (op.tag !== 0) s.reply.value(op.requester, op.tag, old);
  }),
  CTL: request((op, s) => {
    const body = decodeCtl(op);
    const host = s.host;
    if (!body) return s.refuse(op, "malformed control-word operation");
    if (!isLocal(host, body.image)) return s.refuse(op, `image ${body.image} is not on node ${host.me}`);
    if (!(body.word < imageWords(host.images))) return s.refuse(op, `no control word ${body.word}`);
    const old = applyAtomic(host.words, ctlIndex(host.images, body.image, body.word), op.sub, body.value, body.expected);
    if (op.tag !== 0) s.reply.value(op.requester, op.tag, old);
  }),
  RING: request((op, s) => {
    const image = decodeU32(op);
    if (image === null || !isLocal(s.host, image)) return s.refuse(op, "ring of an image that is not on this node");
    s.host.local.ring(image);
  }),
  RING_KEY: request((op, s) => {
    const key = decodeU32(op);
    if (key === null) return s.refuse(op, "malformed ring");
    s.host.local.ringKey(key);
  }),
  VALUE: request((op, s) => s.host.replies.deliver(op, s.channel.node)),
  DATA: request((op, s) => s.host.replies.deliver(op, s.channel.node)),
  ERROR: request((op, s) => s.host.replies.deliver(op, s.channel.node)),
  PUT_ACK: request((op, s) => s.host.replies.acknowledge(op, s.channel.node)),
  // Clock alignment of observed runs (clock-sync.ts): the answer carries this node's clock.
  PING: control((op, s) => s.reply.pong(op.tag, nowUs())),
  PONG: control((op, s, node) => {
    const clockUs = decodeValue(op);
    if (clockUs === null) return s.refuse(op, "malformed pong");
    s.host.onPong(node, op.tag, clockUs);
  }),
  STOPPED: control((op, s) => {
    const body = decodeStopped(op);
    if (!body || !(body.image < s.host.images) || isLocal(s.host, body.image)) return s.refuse(op, "malformed stop notice");
    s.host.barrier.onStopped(body.image, body.barrierEpoch);
  }),
  ABORT: control((op, s) => {
    const body = decodeAbort(op);
    if (!body) return s.refuse(op, "malformed abort");
    s.host.aborts.onAbort(body.status, body.winner);
  }),
  ABORT_CLAIM: control((op, s) => {
    const status = decodeI32(op);
    if (status === null || s.host.me !== 0) return s.refuse(op, "abort claims go to node 0");
    const winner = op.requester === NO_IMAGE ? -1 : op.requester;
    const granted = s.host.aborts.arbitrate(status, winner);
    s.reply.value(op.requester, op.tag, granted ? 1 : 0);
    // The grant must reach the claimant before the abort (same stream, so queue it after).
    if (granted) s.after.push(() => s.host.aborts.broadcastAbort(status, winner));
  }),
  GATHER: control((op, s) => {
    const body = decodeGather(op);
    if (!body) return s.refuse(op, "malformed gather");
    s.host.onGather(body.kind, body.seq, body.round, body.blocks);
  }),
  WATCH_QUERY: control((op, s) => {
    s.reply.watchState(op.tag, encodeWatches(s.host.local.watches()));
    s.host.local.nudgeWaiting();
  }),
  WATCH_STATE: control((op, s, node) => {
    const watches = decodeWatches(op.body);
    if (!watches) return s.refuse(op, "malformed watchdog state");
    s.host.onWatchState(node, op.tag, watches);
  }),
  // Its arrival is what counts (the transport notes every frame of a node link).
  HEARTBEAT: control(() => {}),
  BYE: control((op, s, node) => {
    const status = decodeI32(op);
    s.host.transport.markBye(node);
    if (op.sub === 1) s.host.aborts.applyAbort(status ?? 1, -1);
    s.host.checkEnd();
  }),
};

const BY_CODE = new Map<number, Handler>(Object.entries(HANDLERS).map(([name, handler]) => [Op[name as keyof typeof Op], handler]));

/**
 * A PUT served straight from the frame, without an operation object or a view per operation
 * (fine-grained puts arrive by the ten thousand); the one place puts are written. False when
 * anything about it is not right: the PUT handler then decodes it and refuses it with its message.
 */
function putFromFrame(s: Serving, frame: Buffer, size: number, requester: number, at: number, length: number): boolean {
  if (!(size === 8 || size === 4 || size === 1) || length < 16) return false;
  const count = frame.readUInt32LE(at + 12);
  const pad = payloadPad(length, 16, count * size);
  if (pad < 0) return false;
  const target = s.host.segments.target(frame.readUInt32LE(at), frame.readUInt32LE(at + 4));
  if (typeof target === "string") return false;
  const bytes = s.host.segments.viewsOf(target).u8;
  const offset = frame.readUInt32LE(at + 8);
  const elements = Math.floor(bytes.length / size);
  if (!(offset <= elements && count <= elements - offset)) return false;
  const n = count * size;
  const to = offset * size;
  const from = at + 16 + pad;
  if (n <= 64) for (let i = 0; i < n; i++) bytes[to + i] = frame[from + i]!;
  else copyBytes(bytes, to, frame, from, n);
  countAck(s, requester);
  return true;
}

/** Serves every operation of `frame` and answers on `channel` with one frame. */
export function serveFrame(host: ServerHost, frame: Buffer, channel: Channel): void {
  const reply = new OpWriter(256);
  const acks = new Map<number, number>();
  const after: (() => void)[] = [];
  const serving: Serving = { host, channel, reply, acks, after, refuse: (op, message) => reply.error(op.requester, op.tag, message) };
  const problem = scanFrame(frame, (code, sub, requester, tag, bodyAt, bodyLength) => {
    if (code === Op.PUT && putFromFrame(serving, frame, sub, requester, bodyAt, bodyLength)) return;
    const op = wireOpOf(frame, code, sub, requester, tag, bodyAt, bodyLength);
    try {
      const handler = BY_CODE.get(op.op);
      // Anything but a request or reply is job control, for the job's nodes only; then it must be known.
      if ((handler === undefined || handler.nodesOnly) && channel.node === null) serving.refuse(op, `operation ${op.op} is only accepted from the job's nodes`);
      else if (handler === undefined) serving.refuse(op, `unknown operation ${op.op}`);
      else handler.serve(op, serving);
    } catch (error) {
      reply.error(op.requester, op.tag, `internal error: ${(error as Error).message}`);
    }
    // A bulk reply leaves at once, in its own buffer: the requester lands it while the rest is served.
    if (reply.length >= HAND_OVER_BYTES) channel.send(reply.take());
  });
  if (problem !== null) reply.error(NO_IMAGE, 0, `malformed frame: ${problem}`);
  for (const [requester, count] of acks) reply.putAck(requester, count);
  if (reply.count > 0) channel.send(reply.take());
  for (const action of after) action();
}
