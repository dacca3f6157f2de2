// The node engine, written once under every conduit: the main thread of one node of a job. It
// starts the node's images as worker threads over one control block, answers their messages
// (allocation, barrier, stop, abort claims, requests for other nodes), serves the other nodes'
// frames (rma-server.ts), runs the watchdog and the timeout, and ends the node's part of the job.
// With one node it has no peers: the one-node job. Consumes EngineOptions and a transport;
// produces the job's exit status.

import { writeSync } from "node:fs";
import { discardManifest } from "../checkpoint/storage.js";
import { Global, createControlBlock } from "../core/control-block.js";
import { imagesOfNode } from "../core/placement.js";
import type { RemoteToMain } from "../core/reply-slot.js";
import type { ToMain } from "../core/shared-memory-core.js";
import type { Channel, Transport, TransportFactory } from "../transport/transport.js";
import { GatherKind, OpWriter, claimFrameRoom } from "../transport/wire.js";
import { Aborts } from "./aborts.js";
import { Allocations } from "./allocation.js";
import { NodeBarrier } from "./barrier.js";
import { TIMEOUT_STATUS, type EngineOptions } from "./engine-options.js";
import { NodeGather } from "./gather.js";
import type { NodeObservation } from "./observation.js";
import { LocalImages } from "./local-images.js";
import { ReplyGuard } from "./reply-guard.js";
import { ReplySlots } from "./replies.js";
import { serveFrame, type ServerHost } from "./rma-server.js";
import { Segments } from "./segments.js";
import { NodeWatch } from "./watch.js";
import type { ImageWatch } from "./watchdog.js";

/** In an observed run that fails, how long woken images may take to end by themselves. */
const OBSERVED_UNWIND_MS = 1000;

/** Runs one node's images until the job ends; returns the job's exit status. */
export function runEngine(opts: EngineOptions, transport: TransportFactory): Promise<number> {
  return new NodeEngine(opts, transport).run();
}

export class NodeEngine implements ServerHost {
  readonly me: number;
  readonly nodeCount: number;
  readonly images: number;
  readonly words: Int32Array;
  readonly transport: Transport;
  readonly local: LocalImages;
  readonly segments: Segments;
  readonly guard: ReplyGuard;
  readonly aborts: Aborts;
  readonly replies: ReplySlots;
  readonly barrier: NodeBarrier;
  readonly gather: NodeGather;
  private readonly allocations: Allocations;
  private readonly watch: NodeWatch;
  /** Present when the run is observed (--profile, --trace); made in run() (loaded only then). */
  private observation: NodeObservation | null = null;

  private terminating = false;
  private ending = false;
  private done = false;
  private resolveJob: ((status: number) => void) | null = null;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    readonly opts: EngineOptions,
    makeTransport: TransportFactory,
  ) {
    this.me = opts.nodeIndex;
    this.nodeCount = opts.nodeCount;
    this.images = opts.images;
    const [first, end] = imagesOfNode(opts.images, opts.nodeCount, opts.nodeIndex);
    const control = createControlBlock(this.images);
    this.words = new Int32Array(control);
    this.transport = makeTransport({
      onFrame: (frame, channel) => this.onFrame(frame, channel),
      onPeerLost: (node) => this.aborts.onPeerLost(node),
      onPeerHung: (node, silentMs) => this.aborts.onPeerHung(node, silentMs),
    });
    this.local = new LocalImages(opts, control, this.words, first, end);
    this.segments = new Segments(this.me, first, end);
    this.guard = new ReplyGuard(first, end - first, this.nodeCount);
    this.gather = new NodeGather(this.me, this.nodeCount, this.transport);
    this.aborts = new Aborts({
      me: this.me,
      nodeCount: this.nodeCount,
      images: this.images,
      token: opts.token,
      launcherReadsStderr: opts.launcherReadsStderr,
      words: this.words,
      transport: this.transport,
      local: this.local,
      guard: this.guard,
      finished: () => this.done,
      writeErr: (text) => this.writeErr(text),
      broadcastOps: (write) => this.broadcastOps(write),
      lowestLiveNode: () => this.lowestLiveNode(),
      terminateAll: () => this.terminateAll(),
      later: (ms, action) => this.timers.push(setTimeout(action, ms)),
    });
    this.replies = new ReplySlots(this.me, this.local, this.guard, this.aborts, () => this.done, (text) => this.writeErr(text));
    this.allocations = new Allocations(this.images, this.nodeCount, this.local, this.gather, this.segments);
    this.barrier = new NodeBarrier(this.me, this.nodeCount, this.images, this.words, this.local, this.gather, this.segments, {
      fail: (message) => this.aborts.mainAbort(1, message),
      announceStop: (image, epoch) => this.broadcastOps((w) => w.stopped(image, epoch)),
      checkEnd: () => this.checkEnd(),
    });
    this.watch = new NodeWatch({
      me: this.me,
      nodeCount: this.nodeCount,
      programUrl: opts.programUrl,
      local: this.local,
      segments: this.segments,
      aborts: this.aborts,
      finished: () => this.done,
      broadcastOps: (write) => this.broadcastOps(write),
    });
  }

  private writeErr(text: string): void {
    try {
      writeSync(this.opts.stderrFd, text);
    } catch {
      // stderr gone: nothing more to say
    }
  }

  // --- lifecycle ------------------------------------------------------------------------------

  async run(): Promise<number> {
    const opts = this.opts;
    if (!(Number.isInteger(opts.nodeCount) && opts.nodeCount >= 1 && opts.nodeIndex >= 0 && opts.nodeIndex < opts.nodeCount)) {
      this.writeErr(`pgasc: node ${opts.nodeIndex}: invalid node index/count ${opts.nodeIndex}/${opts.nodeCount}\n`);
      return 1;
    }
    if (!(Number.isInteger(opts.images) && opts.images >= opts.nodeCount)) {
      this.writeErr(`pgasc: ${opts.images} image(s) cannot fill ${opts.nodeCount} nodes\n`);
      return 1;
    }
    if (opts.observe) {
      const { NodeObservation } = await import("./observation.js");
      this.observation = new NodeObservation(opts.observe, this.me, this.nodeCount, this.images, opts.programUrl, this.local, this.gather, this.transport, (text) =>
        this.writeErr(text),
      );
    }
    const jobDone = new Promise<number>((resolve) => (this.resolveJob = resolve));
    // A fresh run: an earlier run's checkpoint must not pass for one of this run. Before the
    // transport starts, so before any image of the job runs (and could commit a checkpoint).
    if (opts.checkpoint?.restart === "no") discardManifest(opts.checkpoint.dir);
    this.watchLauncher();
    // A peer lost (or the launcher gone) during startup ends the job without waiting for the
    // connection timeouts.
    const starting = this.transport.start().then(
      () => null,
      (error: Error) => error,
    );
    const failure = await Promise.race([starting, jobDone.then(() => "ended" as const)]);
    if (failure === "ended" || this.aborts.aborting) return jobDone;
    if (failure !== null) {
      this.writeErr(`pgasc: node ${this.me}: ${failure.message}\n`);
      this.done = true;
      await this.transport.close();
      return 1;
    }
    // --timeout counts from here: thousands of threads starting are part of the run.
    this.startTimeout();
    this.observation?.start();
    this.local.start({
      onMessage: (image, message) => this.onImageMessage(image, message as ToMain | RemoteToMain),
      onError: (image, error) => this.aborts.mainAbort(1, `pgasc: internal error in image ${image}: ${error?.stack ?? String(error)}\n`),
      onExit: (image, code) => this.onWorkerExit(image, code),
    });
    this.watch.start(opts.deadlockTimeoutSeconds);
    return jobDone;
  }

  /** With opts.watchStdin the launcher holds our stdin: its end means the launcher is gone. */
  private watchLauncher(): void {
    if (!this.opts.watchStdin) return;
    const lost = () => {
      if (this.done) return;
      this.aborts.applyAbort(1, -1);
      this.broadcastBye(true, 1);
      setTimeout(() => process.exit(1), 100);
    };
    process.stdin.on("end", lost);
    process.stdin.on("close", lost);
    process.stdin.on("error", lost);
    process.stdin.resume();
  }

  private startTimeout(): void {
    const seconds = this.opts.timeoutSeconds;
    if (seconds === undefined || !(seconds > 0)) return;
    const message = `pgasc: timeout: the program ran longer than ${seconds} second(s); stopping all images\n`;
    if (this.me === 0) {
      this.timers.push(setTimeout(() => void this.watch.abortWithReport(TIMEOUT_STATUS, message), seconds * 1000));
    } else {
      // Node 0 decides; this is only a safety net should node 0 be gone.
      this.timers.push(setTimeout(() => this.aborts.applyAbort(TIMEOUT_STATUS, -1), seconds * 1000 + 10_000));
    }
    for (const timer of this.timers) timer.unref();
  }

  private onWorkerExit(image: number, code: number): void {
    if (code !== 0 && !this.terminating) {
      this.aborts.mainAbort(1, `pgasc: image ${image} ended unexpectedly (thread exit code ${code})\n`);
    }
    this.aborts.claimantDone(image);
    this.allocations.onImageExit(image);
    this.checkEnd();
  }

  private terminateAll(): void {
    if (this.terminating) return;
    this.terminating = true;
    this.aborts.waitingForReporters = false;
    this.local.wakeAll();
    // Observed, woken images get a moment to unwind and send their records before the threads end.
    if (this.observation) this.timers.push(setTimeout(() => this.local.terminate(), OBSERVED_UNWIND_MS));
    else this.local.terminate();
    // Threads that had already exited send no more exit events.
    if (this.local.allExited()) this.checkEnd();
  }

  /**
   * Normal end: every image of the job has stopped and this node's threads are gone. Alone, a
   * node's images stop in shared memory (no stop messages): its threads being gone is the end.
   */
  checkEnd(): void {
    if (this.done) return;
    if (this.aborts.aborting) {
      if (this.local.allExited() && this.terminating) this.finish(this.aborts.exitStatus, true);
      return;
    }
    if (this.local.exited.size !== this.local.count) return;
    if (this.nodeCount > 1 && this.barrier.stoppedImages.size !== this.images) return;
    // An observed run gathers its records to node 0 (which writes them) before it ends.
    if (this.observation && !this.observation.done) return this.observation.finish(() => this.checkEnd(), this.nodeCount === 1 ? this.aloneStatus() : 0);
    if (this.nodeCount === 1) return this.finish(this.aloneStatus(), false);
    if (!this.ending) {
      this.ending = true;
      this.broadcastBye(false, 0);
    }
    if (this.allPeersSaidBye()) this.finish(0, false);
  }

  /** Alone, an image's error stop sets the abort flag and status itself. */
  private aloneStatus(): number {
    return Atomics.load(this.words, Global.ABORT) !== 0 ? Atomics.load(this.words, Global.EXIT_STATUS) : 0;
  }

  private finish(status: number, aborted: boolean): void {
    if (this.done) return;
    this.done = true;
    this.watch.stop();
    for (const timer of this.timers) clearTimeout(timer);
    this.local.closePorts();
    if (aborted) this.broadcastBye(true, status);
    const failed = `the job failed (exit status ${status})${this.nodeCount > 1 ? `: only node ${this.me}'s images are here` : ""}`;
    const written = aborted && this.observation ? this.observation.writePartial(failed) : Promise.resolve();
    void written.then(() => this.transport.close()).then(() => this.resolveJob?.(status));
  }

  // --- links to the other nodes ------------------------------------------------------------------

  private lowestLiveNode(): number {
    for (let node = 0; node < this.nodeCount; node++) if (node === this.me || this.transport.isAlive(node)) return node;
    return this.me;
  }

  private allPeersSaidBye(): boolean {
    for (let node = 0; node < this.nodeCount; node++) if (node !== this.me && !this.transport.saidBye(node)) return false;
    return true;
  }

  private broadcastBye(aborted: boolean, status: number): void {
    this.broadcastOps((w) => w.bye(aborted, status));
  }

  private broadcastOps(write: (w: OpWriter) => void): void {
    if (this.nodeCount === 1) return;
    const writer = new OpWriter(64);
    write(writer);
    const ops = writer.take();
    for (let node = 0; node < this.nodeCount; node++) if (node !== this.me) this.transport.send(node, ops);
  }

  private onFrame(frame: Buffer, channel: Channel): void {
    serveFrame(this, frame, channel);
  }

  onGather(kind: number, seq: number, round: number, blocks: Map<number, Buffer>): void {
    const joined = this.gather.receive(kind, seq, round, blocks);
    if (!joined && kind === GatherKind.ALLOC) this.allocations.onRemoteStart(seq);
  }

  onPong(node: number, tag: number, clockUs: number): void {
    this.observation?.clock.onPong(node, tag, clockUs);
  }

  onWatchState(node: number, seq: number, watches: ImageWatch[]): void {
    this.watch.onWatchState(node, seq, watches);
  }

  // --- messages from this node's images -----------------------------------------------------

  private onImageMessage(image: number, message: ToMain | RemoteToMain): void {
    switch (message.t) {
      case "send":
        if (message.landing) this.local.landings[image - this.local.first] = message.landing;
        if (message.puts) this.guard.sentPuts(image, message.node, message.puts);
        if (message.replyTag !== undefined) this.guard.asked(image, message.node, message.replyTag, message.pieces ?? null);
        // transferred from the image: this thread owns the buffer, room before the operations included
        claimFrameRoom(message.ops);
        this.transport.send(message.node, message.ops);
        return;
      case "ringKeyAll":
        this.broadcastOps((w) => w.ringKey(image, message.key));
        return;
      case "barrier":
        this.barrier.start(message.gather);
        return;
      case "stopped":
        this.barrier.onStopped(image, this.barrier.completed);
        return;
      case "abortClaim":
        this.aborts.onImageClaim(image, message.status, message.tag);
        return;
      case "alloc":
        this.allocations.onRequest(image, message);
        return;
      case "abort":
        this.aborts.onImageAborted(image);
        return;
      case "observed":
        this.observation?.onRecord(message.record);
        return;
      default:
        return assertNever(message);
    }
  }
}

function assertNever(message: never): never {
  throw new Error(`internal error: unknown message from an image: ${JSON.stringify(message)}`);
}
