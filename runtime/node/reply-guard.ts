// Ties replies to the peer that was asked (the node engine's replies.ts): per local image, the one
// request it waits on (node and tag) and how many of its puts each node has not yet acknowledged.
// Consumes what this node sends and what arrives; produces accept/refuse decisions (refused ones are counted, never delivered).

/** Where a reply came from: a node of the job, or null for a stream that is not one (anonymous). */
export type ReplySource = number | null;

export class ReplyGuard {
  /** Per local image: the node its outstanding request went to (-1: none) and the request's tag. */
  private readonly askedNode: Int32Array;
  private readonly askedTag: Uint32Array;
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
    this.unacked = new Float64Array(localCount * nodeCount);
  }

  /** Image `image` sent `puts` puts to `node` (PUT and PUT_RECT operations). */
  sentPuts(image: number, node: number, puts: number): void {
    this.unacked[(image - this.first) * this.nodeCount + node] += puts;
  }

  /** Image `image` waits for the reply to request `tag`, sent to `node` (replaces any older one). */
  asked(image: number, node: number, tag: number): void {
    this.askedNode[image - this.first] = node;
    this.askedTag[image - this.first] = tag >>> 0;
  }

  /** A VALUE, DATA or ERROR for (image, tag): accepted once, from the node that was asked. */
  acceptReply(image: number, tag: number, from: ReplySource): boolean {
    const index = image - this.first;
    if (from === null || this.askedNode[index] !== from || this.askedTag[index] !== tag >>> 0) {
      this.refused++;
      return false;
    }
    this.askedNode[index] = -1;
    return true;
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
