// Collective allocation, agreed between every image of the job: each image asks its node's
// engine ("alloc"); once all of a node's images asked (or one of them has exited), the node's block
// goes into an all-gather; every node then checks that all images allocate the same variable of
// the same size and answers its images with the parts (shared memory) or the reason why not.
// Consumes alloc messages, thread exits and gather results; produces answers and Segments entries.

import { imagesOfNode } from "../core/placement.js";
import type { FromMain, ToMain } from "../core/shared-memory-core.js";
import { GatherKind } from "../transport/wire.js";
import type { Blocks, NodeGather } from "./gather.js";
import type { LocalImages } from "./local-images.js";
import type { Segments } from "./segments.js";

type AllocMessage = Extract<ToMain, { t: "alloc" }>;

interface AllocRequest {
  name: string;
  agree: number;
  sab: SharedArrayBuffer;
  mirror: boolean;
}

interface AllocState {
  requests: (AllocRequest | undefined)[];
  count: number;
  contributed: boolean;
}

interface Entry {
  name: string;
  agree: number;
  bytes: number;
  mirror: boolean;
}

const EMPTY = new Uint8Array(0);

export class Allocations {
  private readonly allocs = new Map<number, AllocState>();

  constructor(
    private readonly images: number,
    private readonly nodeCount: number,
    private readonly local: LocalImages,
    private readonly gather: NodeGather,
    private readonly segments: Segments,
  ) {}

  private state(seq: number): AllocState {
    let state = this.allocs.get(seq);
    if (!state) {
      state = { requests: new Array(this.local.count).fill(undefined), count: 0, contributed: false };
      this.allocs.set(seq, state);
    }
    return state;
  }

  onRequest(image: number, request: AllocMessage): void {
    const state = this.state(request.seq);
    if (state.contributed) {
      this.local.answer(image, { t: "allocError", seq: request.seq, message: "internal error: late allocation request" });
      return;
    }
    state.requests[image - this.local.first] = { name: request.name, agree: request.agree, sab: request.sab, mirror: request.mirror };
    state.count++;
    const missing = this.firstExitedMissing(state);
    if (missing >= 0) return this.contributeError(request.seq, state, missing);
    if (state.count < this.local.count) return;
    // Block: per image of this node, agree (f64), bytes (f64), mirror (u8), name (u16 + utf8).
    const parts: Buffer[] = [Buffer.from([0])];
    for (const r of state.requests) {
      const name = Buffer.from(r!.name, "utf8");
      const head = Buffer.alloc(19);
      head.writeDoubleLE(r!.agree, 0);
      head.writeDoubleLE(r!.sab.byteLength, 8);
      head.writeUInt8(r!.mirror ? 1 : 0, 16);
      head.writeUInt16LE(name.length, 17);
      parts.push(head, name);
    }
    state.contributed = true;
    this.gather.start(GatherKind.ALLOC, request.seq, Buffer.concat(parts), (blocks) => this.finish(request.seq, state, blocks));
  }

  /** Allocations the exited image never joined can never complete. */
  onImageExit(image: number): void {
    for (const [seq, state] of this.allocs) {
      if (!state.contributed && !state.requests[image - this.local.first]) this.contributeError(seq, state, image);
    }
    for (const seq of this.gather.pendingSeqs(GatherKind.ALLOC)) {
      const state = this.state(seq);
      if (!state.contributed) this.contributeError(seq, state, image);
    }
  }

  /** Another node started allocation `seq`; if one of ours has exited, ours can never join. */
  onRemoteStart(seq: number): void {
    const state = this.state(seq);
    if (state.contributed) return;
    const missing = this.firstExitedMissing(state);
    if (missing >= 0) this.contributeError(seq, state, missing);
  }

  private firstExitedMissing(state: AllocState): number {
    for (const image of [...this.local.exited].sort((a, b) => a - b)) if (!state.requests[image - this.local.first]) return image;
    return -1;
  }

  private contributeError(seq: number, state: AllocState, stoppedImage: number): void {
    if (state.contributed) return;
    state.contributed = true;
    const block = Buffer.alloc(5);
    block.writeUInt8(1, 0);
    block.writeUInt32LE(stoppedImage, 1);
    this.gather.start(GatherKind.ALLOC, seq, block, (blocks) => this.finish(seq, state, blocks));
  }

  private finish(seq: number, state: AllocState, blocks: Blocks): void {
    this.allocs.delete(seq);
    const answerAll = (message: FromMain) =>
      state.requests.forEach((request, i) => {
        if (request) this.local.answer(this.local.first + i, message);
      });
    const decoded = this.decode(blocks);
    if (typeof decoded === "number") return answerAll({ t: "allocError", seq, message: `image ${decoded} has stopped` });
    const entries = decoded;
    const firstEntry = entries[0];
    const differing = entries.findIndex((e) => e.agree !== firstEntry.agree || e.name !== firstEntry.name);
    if (differing >= 0) {
      const other = entries[differing];
      const message =
        other.name !== firstEntry.name
          ? `images allocate different variables at the same point ('${firstEntry.name}' on image 0, '${other.name}' on image ${differing})`
          : `the size differs between images (${firstEntry.agree} on image 0, ${other.agree} on image ${differing})`;
      return answerAll({ t: "allocError", seq, message });
    }
    const local = state.requests.map((r) => r!.sab);
    const mirrors = new Map<number, SharedArrayBuffer>();
    const buffers = entries.map((entry, image) => {
      if (image >= this.local.first && image < this.local.end) return local[image - this.local.first];
      if (!entry.mirror) return null;
      const mirror = new SharedArrayBuffer(entry.bytes);
      mirrors.set(image, mirror);
      return mirror;
    });
    const id = this.segments.add(firstEntry.name, local, mirrors);
    // FromMain declares SharedArrayBuffer[]: remote parts are null (the image maps them as such).
    answerAll({ t: "alloc", seq, buffers: buffers as SharedArrayBuffer[], id });
  }

  /** Every image's entry in image order, or the lowest image some node reported as stopped. */
  private decode(blocks: Blocks): Entry[] | number {
    const entries: Entry[] = [];
    let stopped = -1;
    for (let node = 0; node < this.nodeCount; node++) {
      const block = Buffer.from(blocks.get(node) ?? EMPTY);
      if (block.length >= 5 && block[0] === 1) {
        const image = block.readUInt32LE(1);
        if (stopped < 0 || image < stopped) stopped = image;
        continue;
      }
      let at = 1;
      const [a, b] = imagesOfNode(this.images, this.nodeCount, node);
      for (let image = a; image < b; image++) {
        const agree = block.readDoubleLE(at);
        const bytes = block.readDoubleLE(at + 8);
        const mirror = block.readUInt8(at + 16) === 1;
        const nameLength = block.readUInt16LE(at + 17);
        entries.push({ agree, bytes, mirror, name: block.toString("utf8", at + 19, at + 19 + nameLength) });
        at += 19 + nameLength;
      }
    }
    return stopped >= 0 ? stopped : entries;
  }
}
