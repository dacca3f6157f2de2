// This node's images as seen from its main thread: their worker threads, message ports and reply
// slots, and the doorbells that wake them. Consumes the engine's options and control block; starts
// one Worker per local image and produces the ways to ring, wake, answer and end them.

import { MessageChannel, Worker, type MessagePort } from "node:worker_threads";
import { Ctl } from "../core/core.js";
import { ctlIndex, ringDoorbell, ringParkedOn } from "../core/control-block.js";
import { LINK_BYTES, Link } from "../core/reply-slot.js";
import type { FromMain } from "../core/shared-memory-core.js";
import type { ImageWatch } from "./watchdog.js";
import { readImageWatch } from "./watchdog.js";
import type { EngineOptions } from "./engine-options.js";

/** What a worker of this node tells the engine. */
export interface ImageEvents {
  onMessage(image: number, message: unknown): void;
  onError(image: number, error: Error): void;
  onExit(image: number, code: number): void;
}

export class LocalImages {
  readonly links: Int32Array[] = [];
  readonly linkViews: DataView[] = [];
  readonly linkSabs: SharedArrayBuffer[] = [];
  /** Per local image: where large get replies are copied ("send".landing), or undefined. */
  readonly landings: (SharedArrayBuffer | undefined)[] = [];
  readonly ports: MessagePort[] = [];
  readonly exited = new Set<number>();
  private readonly workers: Worker[] = [];

  constructor(
    private readonly opts: EngineOptions,
    private readonly control: SharedArrayBuffer,
    private readonly words: Int32Array,
    readonly first: number,
    readonly end: number,
  ) {}

  get count(): number {
    return this.end - this.first;
  }

  get started(): number {
    return this.workers.length;
  }

  start(events: ImageEvents): void {
    const opts = this.opts;
    for (let image = this.first; image < this.end; image++) {
      const link = new SharedArrayBuffer(LINK_BYTES);
      this.linkSabs.push(link);
      this.links.push(new Int32Array(link));
      this.linkViews.push(new DataView(link));
      const channel = new MessageChannel();
      this.ports.push(channel.port1);
      // The fields of every image core: the shared-memory core reads the first ones, a networked
      // core the node layout and its reply slot too.
      const data = {
        rank: image,
        size: opts.images,
        control: this.control,
        port: channel.port2,
        programUrl: opts.programUrl,
        args: opts.args,
        label: opts.label,
        stdoutFd: opts.stdoutFd,
        stderrFd: opts.stderrFd,
        nodeFirst: this.first,
        nodeEnd: this.end,
        nodeCount: opts.nodeCount,
        link,
        observe: opts.observe ? { tracing: opts.observe.tracePath !== undefined, eventsPerImage: opts.observe.eventsPerImage } : undefined,
        checkpoint: opts.checkpoint,
      };
      const worker = new Worker(opts.workerUrl, { workerData: data, transferList: [channel.port2], stdout: false, stderr: false });
      this.workers.push(worker);
      channel.port1.on("message", (message: unknown) => events.onMessage(image, message));
      worker.on("error", (error: Error) => events.onError(image, error));
      worker.on("exit", (code) => {
        this.exited.add(image);
        events.onExit(image, code);
      });
    }
  }

  /** Every started thread has exited. */
  allExited(): boolean {
    return this.exited.size === this.workers.length;
  }

  terminate(): void {
    for (const worker of this.workers) void worker.terminate();
  }

  closePorts(): void {
    for (const port of this.ports) port.close();
  }

  ring(image: number): void {
    ringDoorbell(this.words, this.opts.images, image);
  }

  /** Rings the images of this node parked on `key`. */
  ringKey(key: number): void {
    ringParkedOn(this.words, this.opts.images, this.first, this.end, key);
  }

  /** Wakes every parked image of this node (they re-check their conditions and the abort flag). */
  wakeAll(): void {
    for (let image = this.first; image < this.end; image++) this.ring(image);
    Atomics.notify(this.words, ctlIndex(this.opts.images, this.first, Ctl.BARRIER_GENERATION));
    for (const link of this.links) {
      Atomics.notify(link, Link.REPLY_TAG);
      Atomics.notify(link, Link.ACKED);
    }
  }

  /** Rings this node's parked images: one whose wait was satisfied wakes and leaves it. */
  nudgeWaiting(): void {
    for (let image = this.first; image < this.end; image++) {
      if (Atomics.load(this.words, ctlIndex(this.opts.images, image, Ctl.WAITING)) !== 0) this.ring(image);
    }
  }

  /** An allocation answer: queued on the port before ALLOC_READY changes, so the image finds it at once. */
  answer(image: number, message: FromMain): void {
    this.ports[image - this.first].postMessage(message);
    Atomics.store(this.words, ctlIndex(this.opts.images, image, Ctl.ALLOC_READY), message.seq);
    this.ring(image);
  }

  /** What each image of this node is doing (the watchdog's view). */
  watches(): ImageWatch[] {
    const watches: ImageWatch[] = [];
    for (let image = this.first; image < this.end; image++) {
      watches.push(readImageWatch(this.words, ctlIndex(this.opts.images, image, 0), image, this.exited.has(image)));
    }
    return watches;
  }
}
