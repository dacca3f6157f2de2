// Ties replies to the peer that was asked (the node engine's replies.ts): per local image, the
// request it waits on (node, tag, and for a pipelined get the lengths of its pieces, answered in
// order under consecutive tags) and how many of its puts each node has not yet acknowledged.
// Consumes what this node sends and what arrives; produces accept/refuse decisions (refused ones are counted, never delivered).

import { nextTag } from "../core/reply-slot.js";

/** Where a reply came from: a node of the job, or null for a stream that is not one (anonymous). */
export type ReplySource = number | null;

/** A pipelined get's replies: piece k (tag first + k) lands at offsets[k], lengths[k] bytes. */
export interface PieceLayout {
  readonly lengths: readonly number[];
  readonly offsets: readonly number[];
  /** The tag of the last piece: the one the image waits for. */
  readonly lastTag: number;
}

export class ReplyGuard {
  /** Per local image: the node its outstanding request went to (-1: none), the tag of the next reply, and its index. */
  private readonly askedNode: Int32Array;
  private readonly askedTag: Uint32Array;
  private readonly askedIndex: Int32Array;
  private readonly layouts: (PieceLayout | null)[];
  /** Per local image × node: puts sent and not yet acknowledged. */
  private readonly unacked: Float64Array;
  /** Replies refused so far (spoofed, or too late to matter). */
  refused = 0;

  constructor(
    private readonly first: number,
    localCount: number,
    private readonly nodeCount: number,
  ) {
    this.askedNode = new Int32Array(localCount).fill(-1);
    this.askedTag = new Uint32Array(localCount);
    this.askedIndex = new Int32Array(localCount);
    this.layouts = new Array<PieceLayout | null>(localCount).fill(null);
    this.unacked = new Float64Array(localCount * nodeCount);
  }

  /** Image `image` sent `puts` puts to `node` (PUT and PUT_RECT operations). */
  sentPuts(image: number, node: number, puts: number): void {
    this.unacked[(image - this.first) * this.nodeCount + node] += puts;
  }

  /**
   * Image `image` waits for the reply to request `tag`, sent to `node` (replaces any older one);
   * with `pieces`, for pieces.length replies in order, tags `tag`, nextTag(tag), ...
   */
  asked(image: number, node: number, tag: number, pieces: readonly number[] | null = null): void {
    const index = image - this.first;
    this.askedNode[index] = node;
    this.askedTag[index] = tag >>> 0;
    this.askedIndex[index] = 0;
    if (pieces === null || pieces.length <= 1) {
      this.layouts[index] = null;
      return;
    }
    const offsets: number[] = [];
    let offset = 0;
    let lastTag = tag;
    for (let k = 0; k < pieces.length; k++) {
      offsets.push(offset);
      offset += pieces[k]!;
      if (k > 0) lastTag = nextTag(lastTag);
    }
    this.layouts[index] = { lengths: pieces, offsets, lastTag };
  }

  /**
   * A VALUE, DATA or ERROR for (image, tag): accepted once, from the node that was asked, in
   * order. Returns the reply's index in the request's pieces (0 for a plain request), or -1.
   */
  acceptReply(image: number, tag: number, from: ReplySource): number {
    const index = image - this.first;
    if (from === null || this.askedNode[index] !== from || this.askedTag[index] !== tag >>> 0) {
      this.refused++;
      return -1;
    }
    const k = this.askedIndex[index]!;
    const layout = this.layouts[index];
    if (layout === null || k === layout.lengths.length - 1) this.askedNode[index] = -1;
    else {
      this.askedIndex[index] = k + 1;
      this.askedTag[index] = nextTag(tag);
    }
    return k;
  }

  /** The pieces of the pipelined get `image` waits for, or null. */
  layoutOf(image: number): PieceLayout | null {
    return this.layouts[image - this.first] ?? null;
  }

  /** Refuses the rest of what `image` waits for (a piece of a pipelined get failed). */
  forget(image: number): void {
    this.askedNode[image - this.first] = -1;
  }

  /** A PUT_ACK of `count` puts of `image`: accepted when `from` has that many unacknowledged. */
  acceptAck(image: number, count: number, from: ReplySource): boolean {
    const slot = (image - this.first) * this.nodeCount + (from ?? 0);
    if (from === null || !(count >= 1 && count <= this.unacked[slot])) {
      this.refused++;
      return false;
    }
    this.unacked[slot] -= count;
    return true;
  }

}
