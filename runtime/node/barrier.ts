// The barrier between nodes and the stops it orders. A node's images arrive at their shared-memory
// barrier; the last one asks the engine ("barrier"), which joins an all-gather with the other nodes
// (carrying collective contributions into the mirrors when asked) and bumps the node's barrier
// generation. A stop notice from another node is applied only once this node has completed the
// barriers the stopped image completed. Consumes barrier/stopped messages and STOPPED operations.

import { Ctl, STATUS_STOPPED, type GatherRange } from "../core/core.js";
import { Global, ctlIndex } from "../core/control-block.js";
import { imagesOfNode } from "../core/placement.js";
import { GatherKind } from "../transport/wire.js";
import type { Blocks, NodeGather } from "./gather.js";
import type { LocalImages } from "./local-images.js";
import type { Segments } from "./segments.js";

const EMPTY = new Uint8Array(0);

export interface BarrierHost {
  /** Ends the job with an internal error. */
  fail(message: string): void;
  /** Tells the other nodes that `image` stopped after `epoch` barriers. */
  announceStop(image: number, epoch: number): void;
  /** Something that may end the job changed. */
  checkEnd(): void;
}

export class NodeBarrier {
  private started = 0;
  private done = 0;
  private deferredStops: { image: number; epoch: number }[] = [];
  /** Images known to have stopped (this node's from their messages, others' from STOPPED). */
  readonly stoppedImages = new Set<number>();

  constructor(
    private readonly me: number,
    private readonly nodeCount: number,
    private readonly images: number,
    private readonly words: Int32Array,
    private readonly local: LocalImages,
    private readonly gather: NodeGather,
    private readonly segments: Segments,
    private readonly host: BarrierHost,
  ) {}

  /** Barriers this node has completed. */
  get completed(): number {
    return this.done;
  }

  start(gather: GatherRange | null): void {
    const epoch = ++this.started;
    let block: Uint8Array = EMPTY;
    if (gather !== null && this.nodeCount > 1) {
      const parts = this.segments.localParts(gather.segment);
      if (!parts) return this.host.fail(`pgasc: internal error: barrier names unknown segment ${gather.segment}\n`);
      block = new Uint8Array(this.local.count * gather.byteLength);
      parts.forEach((sab, i) => block.set(new Uint8Array(sab, gather.byteOffset, gather.byteLength), i * gather.byteLength));
    }
    this.gather.start(GatherKind.BARRIER, epoch, block, (blocks) => this.finish(epoch, gather, blocks));
  }

  private finish(epoch: number, gather: GatherRange | null, blocks: Blocks): void {
    if (gather !== null && this.nodeCount > 1) {
      const mirrors = this.segments.mirrorsOf(gather.segment);
      for (let node = 0; node < this.nodeCount; node++) {
        if (node === this.me) continue;
        const [a, b] = imagesOfNode(this.images, this.nodeCount, node);
        const block = blocks.get(node);
        if (!mirrors || !block || block.length !== (b - a) * gather.byteLength) {
          return this.host.fail(`pgasc: internal error: node ${node} sent a collective contribution of the wrong size\n`);
        }
        for (let image = a; image < b; image++) {
          const mirror = mirrors.get(image)!;
          new Uint8Array(mirror, gather.byteOffset, gather.byteLength).set(block.subarray((image - a) * gather.byteLength, (image - a + 1) * gather.byteLength));
        }
      }
    }
    this.done = epoch;
    // The generation first: an image woken by a stop below must find this barrier complete.
    const generation = ctlIndex(this.images, this.local.first, Ctl.BARRIER_GENERATION);
    Atomics.add(this.words, generation, 1);
    Atomics.notify(this.words, generation);
    const ready = this.deferredStops.filter((stop) => stop.epoch <= epoch);
    this.deferredStops = this.deferredStops.filter((stop) => stop.epoch > epoch);
    for (const stop of ready) this.applyStop(stop.image);
  }

  /**
   * An image stopped after `epoch` barriers. Other nodes apply the notice only once they have
   * completed that barrier too: a node that is still finishing it must not take the stop for a
   * reason why the barrier can never complete.
   */
  onStopped(image: number, epoch: number): void {
    if (this.stoppedImages.has(image)) return;
    this.stoppedImages.add(image);
    if (image >= this.local.first && image < this.local.end) {
      this.host.announceStop(image, epoch);
    } else if (this.done >= epoch) {
      this.applyStop(image);
    } else {
      this.deferredStops.push({ image, epoch });
    }
    this.host.checkEnd();
  }

  private applyStop(image: number): void {
    Atomics.store(this.words, ctlIndex(this.images, image, Ctl.STATUS), STATUS_STOPPED);
    Atomics.add(this.words, Global.STOPPED_COUNT, 1);
    this.local.wakeAll();
  }
}
