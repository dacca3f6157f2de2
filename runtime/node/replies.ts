// Reply delivery: an answer from another node (VALUE, DATA, ERROR, PUT_ACK) lands in the reply slot
// of the local image that asked (core/reply-slot.ts) — inline, in its landing zone, or on its port
// — if it comes from the node that image asked, for the request it waits on; anything else is
// dropped and warned about once. Consumes reply operations; produces slot writes and wake-ups.

import { INLINE_CAPACITY, INLINE_OFFSET, Link, ReplyStatus, VALUE_OFFSET } from "../core/reply-slot.js";
import { copyBytes } from "../support/byte-copy.js";
import { NO_IMAGE, Op, dataPayload, decodeU32, decodeValue, type WireOp } from "../transport/wire.js";
import type { Aborts } from "./aborts.js";
import type { LocalImages } from "./local-images.js";
import type { PieceLayout, ReplyGuard, ReplySource } from "./reply-guard.js";

export class ReplySlots {
  private warnedRefusedReply = false;

  constructor(
    private readonly me: number,
    private readonly local: LocalImages,
    private readonly guard: ReplyGuard,
    private readonly aborts: Aborts,
    private readonly finished: () => boolean,
    private readonly writeErr: (text: string) => void,
  ) {}

  private isLocal(image: number): boolean {
    return image >= this.local.first && image < this.local.end;
  }

  /** A VALUE, DATA or ERROR for one of this node's images (or for the engine itself). */
  deliver(op: WireOp, from: ReplySource): void {
    if (op.requester === NO_IMAGE) {
      // The engine asks only node 0 (abort claims); errors about its own frames come from nodes.
      if (op.op === Op.VALUE && from === 0 && this.aborts.onClaimAnswer(op.tag, decodeValue(op) === 1)) return;
      if (op.op === Op.ERROR && from !== null) {
        this.writeErr(`pgasc: node ${this.me}: node ${from} refused a request: ${op.body.toString("utf8")}\n`);
      } else {
        this.refused(op, from);
      }
      return;
    }
    const local = this.local;
    if (!this.isLocal(op.requester) || local.links.length === 0) return;
    if (op.op === Op.ERROR && op.tag === 0 && from !== null) {
      // A refused put or ring (they carry no tag): the sender checked it first, so this is a bug.
      return this.aborts.mainAbort(1, `pgasc: internal error: node ${from} refused an operation of image ${op.requester}: ${op.body.toString("utf8")}\n`);
    }
    const piece = this.guard.acceptReply(op.requester, op.tag, from);
    if (piece < 0) return this.refused(op, from);
    const index = op.requester - local.first;
    const link = local.links[index];
    const layout = this.guard.layoutOf(op.requester);
    if (layout !== null) return this.deliverPiece(op, index, link, layout, piece);
    const data = dataPayload(op);
    if (op.op === Op.VALUE) {
      const value = decodeValue(op);
      if (value === null) return;
      local.linkViews[index].setFloat64(VALUE_OFFSET, value, true);
      Atomics.store(link, Link.REPLY_STATUS, ReplyStatus.INLINE);
    } else if (data !== null) {
      if (data.length <= INLINE_CAPACITY) {
        new Uint8Array(local.linkSabs[index], INLINE_OFFSET, data.length).set(data);
        Atomics.store(link, Link.REPLY_LENGTH, data.length);
        Atomics.store(link, Link.REPLY_STATUS, ReplyStatus.INLINE);
      } else if ((local.landings[index]?.byteLength ?? 0) >= data.length) {
        // One copy, straight into the image's landing zone (no message, no clone).
        copyBytes(new Uint8Array(local.landings[index]!, 0, data.length), 0, data, 0, data.length);
        Atomics.store(link, Link.REPLY_LENGTH, data.length);
        Atomics.store(link, Link.REPLY_STATUS, ReplyStatus.LANDED);
      } else {
        // Posted before the tag changes: the image finds it on its port when it wakes.
        local.ports[index].postMessage(new Uint8Array(data));
        Atomics.store(link, Link.REPLY_STATUS, ReplyStatus.ON_PORT);
      }
    } else {
      local.ports[index].postMessage(op.op === Op.DATA ? `internal error: a reply of ${op.body.length} bytes with ${op.sub} bytes of padding` : op.body.toString("utf8"));
      Atomics.store(link, Link.REPLY_STATUS, ReplyStatus.ERROR);
    }
    Atomics.store(link, Link.REPLY_TAG, op.tag);
    Atomics.notify(link, Link.REPLY_TAG);
  }

  /**
   * Piece `k` of a pipelined get: landed at its offset; the image is woken by the last piece, or
   * by the first that is not the DATA expected (an ERROR, or a bug), which ends the get.
   */
  private deliverPiece(op: WireOp, index: number, link: Int32Array, layout: PieceLayout, k: number): void {
    const landing = this.local.landings[index];
    const offset = layout.offsets[k]!;
    const length = layout.lengths[k]!;
    const last = k === layout.lengths.length - 1;
    const data = dataPayload(op);
    if (data !== null && data.length === length && landing !== undefined && offset + length <= landing.byteLength) {
      copyBytes(new Uint8Array(landing, offset, length), 0, data, 0, length);
      if (!last) return;
      Atomics.store(link, Link.REPLY_LENGTH, offset + length);
      Atomics.store(link, Link.REPLY_STATUS, ReplyStatus.LANDED);
    } else {
      this.guard.forget(op.requester);
      const message =
        op.op === Op.ERROR ? op.body.toString("utf8") : `internal error: piece ${k} of a get came back as operation ${op.op} of ${data?.length ?? op.body.length} bytes (expected ${length})`;
      this.local.ports[index].postMessage(message);
      Atomics.store(link, Link.REPLY_STATUS, ReplyStatus.ERROR);
    }
    Atomics.store(link, Link.REPLY_TAG, layout.lastTag);
    Atomics.notify(link, Link.REPLY_TAG);
  }

  /** PUT_ACK: `count` more puts of an image arrived at the node that sent this. */
  acknowledge(op: WireOp, from: ReplySource): void {
    const count = decodeU32(op);
    if (count === null || !this.isLocal(op.requester) || this.local.links.length === 0) return;
    if (!this.guard.acceptAck(op.requester, count, from)) return this.refused(op, from);
    const link = this.local.links[op.requester - this.local.first];
    Atomics.add(link, Link.ACKED, count);
    Atomics.notify(link, Link.ACKED);
  }

  /** A reply or acknowledgement nobody asked its sender for: dropped; said once per node. */
  private refused(op: WireOp, from: ReplySource): void {
    if (this.warnedRefusedReply || this.aborts.aborting || this.finished()) return;
    this.warnedRefusedReply = true;
    const sender = from === null ? "a client that is not a node of this job (it holds the job token)" : `node ${from}, which was not asked`;
    const image = op.requester === NO_IMAGE ? "this node" : `image ${op.requester}`;
    this.writeErr(`pgasc: node ${this.me}: warning: dropped a reply (operation ${op.op}) for ${image} from ${sender}; further ones are dropped silently\n`);
  }
}
