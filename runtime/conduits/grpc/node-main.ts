// One node process of a multi-node job (grpc conduit): the main thread is the progress engine. It
// rendezvouses with the other nodes, keeps one bidirectional gRPC stream per node pair, starts this
// node's images as worker threads, serves one-sided requests straight from their SharedArrayBuffers,
// performs their outgoing operations, and runs barriers, allocations, stops and aborts between
// nodes. Consumes a NodeConfig (runtime/launcher/node-config.ts); produces the job's exit status.

import { writeSync } from "node:fs";
import { MessageChannel, Worker, type MessagePort } from "node:worker_threads";
import { Ctl, STATUS_STOPPED, applyAtomic, type GatherRange } from "../../core/core.js";
import { imagesOfNode } from "../../core/placement.js";
import { nodeHungLine, type NodeConfig } from "../../node/node-config.js";
import { checkRect, copyRectBytes } from "../../core/layout-math.js";
import { Global, createControlBlock, ctlIndex, imageWords } from "../../core/control-block.js";
import type { FromMain, ToMain } from "../../core/shared-memory-core.js";
import { INLINE_CAPACITY, INLINE_OFFSET, LINK_BYTES, Link, ReplyStatus, VALUE_OFFSET, type GrpcToMain } from "./image-core.js";
import { GrpcNet, type Channel } from "./net.js";
import { ReplyGuard } from "./reply-guard.js";
import type { GrpcImageWorkerData } from "./worker.js";
import {
  DEADLOCK_STATUS,
  DEFAULT_DEADLOCK_TIMEOUT_SECONDS,
  ImageState,
  WatchdogMonitor,
  deadlockHeadline,
  decodeWatches,
  describeImages,
  encodeWatches,
  loadProgramSites,
  readImageWatch,
  type ImageWatch,
} from "../../node/watchdog.js";
import { programUrl as programUrlOf } from "../../support/program-url.js";
import {
  GatherKind,
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
  parseFrame,
  type WireOp,
} from "./wire.js";

export const TIMEOUT_STATUS = 124;
/** How long a node waits for the aborting image to print its message before ending it. */
const WINNER_GRACE_MS = 3000;
const CLAIM_TIMEOUT_MS = 3000;
/** Node 0 waits this long for the other nodes' image states (watchdog, timeout report). */
const WATCH_REPLY_TIMEOUT_MS = 1000;
/**
 * With node 0 hung, the lowest live node reports for the job; the others wait this long for its
 * ABORT (every node notices the silence within a check or two) before they report themselves.
 */
const HUNG_REPORT_GRACE_MS = 1000;

/** Runs this node's images until the job ends; returns the job's exit status. */
export async function runNode(config: NodeConfig): Promise<number> {
  return new NodeEngine(config).run();
}

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

interface GatherState {
  started: boolean;
  round: number;
  sentRound: number;
  known: Map<number, Uint8Array>;
  inbox: Map<number, Map<number, Buffer>>;
  onDone?: (blocks: Map<number, Uint8Array>) => void;
}

interface SabViews {
  u8: Uint8Array;
  i32: Int32Array;
}

const EMPTY = new Uint8Array(0);

export class NodeEngine {
  readonly me: number;
  readonly nodeCount: number;
  readonly images: number;
  readonly first: number;
  readonly end: number;
  private readonly words: Int32Array;
  private readonly control: SharedArrayBuffer;
  private readonly links: Int32Array[] = [];
  private readonly linkViews: DataView[] = [];
  private readonly linkSabs: SharedArrayBuffer[] = [];
  /** Per local image: where large get replies are copied (GrpcToMain "send".landing), or undefined. */
  private readonly landings: (SharedArrayBuffer | undefined)[] = [];
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly exited = new Set<number>();
  private readonly net: GrpcNet;
  /** Replies and acknowledgements are accepted only from the node that was asked. */
  private readonly guard: ReplyGuard;
  private warnedRefusedReply = false;

  /** Segment id → parts of this node's images (index image - first). */
  private readonly segments = new Map<number, SharedArrayBuffer[]>();
  /** Segment id → mirrors of remote images' parts (collective scratch). */
  private readonly mirrors = new Map<number, Map<number, SharedArrayBuffer>>();
  private readonly views = new WeakMap<SharedArrayBuffer, SabViews>();
  private nextSegmentId = 1;
  private readonly allocs = new Map<number, AllocState>();
  private readonly gathers = new Map<string, GatherState>();
  private barrierStarted = 0;
  private barrierDone = 0;
  private deferredStops: { image: number; epoch: number }[] = [];
  /** Images known to have stopped (this node's from their messages, others' from STOPPED). */
  private readonly stoppedImages = new Set<number>();

  private aborting = false;
  private exitStatus = 0;
  private terminating = false;
  private ending = false;
  private finished = false;
  /** Images that asked node 0 whether their error is the job's first and have not finished since. */
  private readonly claimants = new Set<number>();
  /** The image whose error the job reports, once an ABORT said so (-1: none of the images). */
  private decidedWinner: number | null = null;
  /** The tag each claimant waits on for its answer. */
  private readonly claimTags = new Map<number, number>();
  /** Aborting, but a claimant may still have to print the job's message. */
  private waitingForReporters = false;
  private abortWinner: { status: number; winner: number } | null = null;
  private readonly mainClaims = new Map<number, (granted: boolean) => void>();
  private nextMainTag = 1;
  private resolveJob: ((status: number) => void) | null = null;
  private timers: NodeJS.Timeout[] = [];
  /** Names of the collectively allocated variables by segment id (watchdog report). */
  private readonly segmentNames = new Map<number, string>();
  /** Node 0: the deadlock watchdog, and its outstanding question to the other nodes. */
  private watchdog: WatchdogMonitor | null = null;
  private watchSeq = 0;
  private pendingWatch: { seq: number; states: Map<number, ImageWatch[]>; done: (complete: boolean) => void } | null = null;

  constructor(readonly config: NodeConfig) {
    this.me = config.nodeIndex;
    this.nodeCount = config.nodeCount;
    this.images = config.images;
    [this.first, this.end] = imagesOfNode(config.images, config.nodeCount, config.nodeIndex);
    this.control = createControlBlock(this.images);
    this.words = new Int32Array(this.control);
    this.net = new GrpcNet(config, {
      onFrame: (frame, channel) => this.onFrame(frame, channel),
      onPeerLost: (node) => this.onPeerLost(node),
      onPeerHung: (node, silentMs) => this.onPeerHung(node, silentMs),
    });
    this.guard = new ReplyGuard(this.first, this.localCount, this.nodeCount);
  }

  private get localCount(): number {
    return this.end - this.first;
  }

  private isLocal(image: number): boolean {
    return image >= this.first && image < this.end;
  }

  private writeErr(text: string): void {
    try {
      writeSync(2, text);
    } catch {
      // stderr gone: nothing more to say
    }
  }

  // --- lifecycle ------------------------------------------------------------------------------

  async run(): Promise<number> {
    const config = this.config;
    if (!(Number.isInteger(config.nodeCount) && config.nodeCount >= 1 && config.nodeIndex >= 0 && config.nodeIndex < config.nodeCount)) {
      this.writeErr(`pgasc: node ${config.nodeIndex}: invalid node index/count ${config.nodeIndex}/${config.nodeCount}\n`);
      return 1;
    }
    if (!(Number.isInteger(config.images) && config.images >= config.nodeCount)) {
      this.writeErr(`pgasc: ${config.images} image(s) cannot fill ${config.nodeCount} nodes\n`);
      return 1;
    }
    const jobDone = new Promise<number>((resolve) => (this.resolveJob = resolve));
    this.watchLauncher();
    // A peer lost (or the launcher gone) during startup ends the job without waiting for the
    // connection timeouts.
    const starting = this.net.start().then(
      () => null,
      (error: Error) => error,
    );
    const failure = await Promise.race([starting, jobDone.then(() => "ended" as const)]);
    if (failure === "ended" || this.aborting) return jobDone;
    if (failure !== null) {
      this.writeErr(`pgasc: node ${this.me}: ${failure.message}\n`);
      this.finished = true;
      await this.net.close();
      return 1;
    }
    this.startTimeout();
    this.startWorkers();
    this.startWatchdog();
    return jobDone;
  }

  /** With PGASC_EXIT_ON_STDIN_EOF=1 the launcher holds our stdin: its end means the launcher is gone. */
  private watchLauncher(): void {
    if (process.env.PGASC_EXIT_ON_STDIN_EOF !== "1") return;
    const lost = () => {
      if (this.finished) return;
      this.applyAbort(1, -1);
      this.net.broadcastBye(true, 1);
      setTimeout(() => process.exit(1), 100);
    };
    process.stdin.on("end", lost);
    process.stdin.on("close", lost);
    process.stdin.on("error", lost);
    process.stdin.resume();
  }

  private startTimeout(): void {
    const seconds = this.config.timeoutSeconds;
    if (seconds === undefined || !(seconds > 0)) return;
    const message = `pgasc: timeout: the program ran longer than ${seconds} second(s); stopping all images\n`;
    if (this.me === 0) {
      this.timers.push(setTimeout(() => void this.abortWithReport(TIMEOUT_STATUS, message), seconds * 1000));
    } else {
      // Node 0 decides; this is only a safety net should node 0 be gone.
      this.timers.push(setTimeout(() => this.applyAbort(TIMEOUT_STATUS, -1), seconds * 1000 + 10_000));
    }
    for (const timer of this.timers) timer.unref();
  }

  // --- deadlock watchdog (node 0 watches every image; extended/watchdog.ts) ---------------------

  private startWatchdog(): void {
    if (this.me !== 0) return;
    const seconds = this.config.deadlockTimeoutSeconds ?? DEFAULT_DEADLOCK_TIMEOUT_SECONDS;
    this.watchdog = new WatchdogMonitor(seconds, {
      sample: () => this.sampleImages(false),
      nudge: () => this.nudgeWaiting(),
      fire: (reason, watches) => void this.abortWithReport(DEADLOCK_STATUS, deadlockHeadline(reason, seconds), watches),
    });
    this.watchdog.start();
  }

  private localWatches(): ImageWatch[] {
    const watches: ImageWatch[] = [];
    for (let image = this.first; image < this.end; image++) {
      watches.push(readImageWatch(this.words, ctlIndex(this.images, image, 0), image, this.exited.has(image)));
    }
    return watches;
  }

  /** Rings this node's parked images: one whose wait was satisfied wakes and leaves it. */
  private nudgeWaiting(): void {
    for (let image = this.first; image < this.end; image++) {
      if (Atomics.load(this.words, ctlIndex(this.images, image, Ctl.WAITING)) !== 0) this.ring(image);
    }
  }

  /**
   * Every image's state: this node's, and (while none of ours runs, or `all`) the other nodes'
   * through WATCH_QUERY. Null when the job is ending or a node did not answer in time.
   */
  private async sampleImages(all: boolean): Promise<ImageWatch[] | null> {
    if (this.aborting || this.finished) return null;
    const local = this.localWatches();
    if (!all && local.some((w) => w.state === ImageState.RUNNING || w.state === ImageState.GONE)) return local;
    if (this.nodeCount === 1) return local;
    if (this.pendingWatch) return null;
    const seq = ++this.watchSeq;
    const states = new Map<number, ImageWatch[]>();
    const complete = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), WATCH_REPLY_TIMEOUT_MS);
      this.pendingWatch = {
        seq,
        states,
        done: (ok) => {
          clearTimeout(timer);
          resolve(ok);
        },
      };
      this.broadcastOps((w) => w.watchQuery(seq));
    });
    this.pendingWatch = null;
    if (!complete) return null;
    return [...local, ...[...states.values()].flat()];
  }

  private onWatchState(node: number, seq: number, watches: ImageWatch[]): void {
    const pending = this.pendingWatch;
    if (!pending || pending.seq !== seq) return;
    pending.states.set(node, watches);
    if (pending.states.size === this.nodeCount - 1) pending.done(true);
  }

  /**
   * Node 0 ends the job with `headline` and every image's statement (deadlock, timeout). When
   * the other nodes cannot say in time, the report has this node's images only.
   */
  private async abortWithReport(status: number, headline: string, known?: ImageWatch[]): Promise<void> {
    this.watchdog?.stop();
    if (this.aborting || this.finished) return;
    let report = "";
    try {
      const watches = known ?? (await this.sampleImages(true)) ?? this.localWatches();
      const program = await loadProgramSites(programUrlOf(this.config.program));
      report = describeImages(watches, program, (id) => this.segmentNames.get(id) ?? "?");
    } catch {
      // the headline alone
    }
    this.mainAbort(status, headline + report);
  }

  private startWorkers(): void {
    const programUrl = programUrlOf(this.config.program);
    const workerUrl = new URL("./worker.js", import.meta.url);
    for (let image = this.first; image < this.end; image++) {
      const link = new SharedArrayBuffer(LINK_BYTES);
      this.linkSabs.push(link);
      this.links.push(new Int32Array(link));
      this.linkViews.push(new DataView(link));
      const channel = new MessageChannel();
      this.ports.push(channel.port1);
      const data: GrpcImageWorkerData = {
        rank: image,
        size: this.images,
        control: this.control,
        port: channel.port2,
        programUrl,
        args: this.config.args,
        label: this.config.label,
        stdoutFd: 1,
        stderrFd: 2,
        nodeFirst: this.first,
        nodeEnd: this.end,
        nodeCount: this.nodeCount,
        link,
      };
      const worker = new Worker(workerUrl, { workerData: data, transferList: [channel.port2], stdout: false, stderr: false });
      this.workers.push(worker);
      channel.port1.on("message", (message: ToMain | GrpcToMain) => this.onImageMessage(image, message));
      worker.on("error", (error: Error) => {
        this.mainAbort(1, `pgasc: internal error in image ${image}: ${error?.stack ?? String(error)}\n`);
      });
      worker.on("exit", (code) => this.onWorkerExit(image, code));
    }
  }

  private onWorkerExit(image: number, code: number): void {
    this.exited.add(image);
    if (code !== 0 && !this.terminating) {
      this.mainAbort(1, `pgasc: image ${image} ended unexpectedly (thread exit code ${code})\n`);
    }
    this.claimantDone(image);
    // Allocations the exited image never joined can never complete.
    for (const [seq, state] of this.allocs) {
      if (!state.contributed && !state.requests[image - this.first]) this.contributeAllocError(seq, state, image);
    }
    for (const [key, gather] of this.gathers) {
      if (!gather.started && key.startsWith(`${GatherKind.ALLOC}:`)) {
        const seq = Number(key.split(":")[1]);
        const state = this.allocState(seq);
        if (!state.contributed) this.contributeAllocError(seq, state, image);
      }
    }
    this.checkEnd();
  }

  private terminateAll(): void {
    if (this.terminating) return;
    this.terminating = true;
    this.waitingForReporters = false;
    this.wakeAll();
    for (const worker of this.workers) void worker.terminate();
    // Threads that had already exited send no more exit events.
    if (this.exited.size === this.workers.length) this.checkEnd();
  }

  /** Wakes every parked image of this node (they re-check their conditions and the abort flag). */
  private wakeAll(): void {
    for (let image = this.first; image < this.end; image++) this.ring(image);
    Atomics.notify(this.words, ctlIndex(this.images, this.first, Ctl.BARRIER_GENERATION));
    for (const link of this.links) {
      Atomics.notify(link, Link.REPLY_TAG);
      Atomics.notify(link, Link.ACKED);
    }
  }

  private ring(image: number): void {
    const index = ctlIndex(this.images, image, Ctl.DOORBELL);
    Atomics.add(this.words, index, 1);
    Atomics.notify(this.words, index);
  }

  private ringKey(key: number): void {
    for (let image = this.first; image < this.end; image++) {
      if (Atomics.load(this.words, ctlIndex(this.images, image, Ctl.PARKED_KEY)) === key) this.ring(image);
    }
  }

  /** Normal end: every image of the job has stopped and this node's threads are gone. */
  private checkEnd(): void {
    if (this.finished) return;
    if (this.aborting) {
      if (this.exited.size === this.workers.length && this.terminating) this.finish(this.exitStatus, true);
      return;
    }
    if (this.exited.size !== this.localCount || this.stoppedImages.size !== this.images) return;
    if (!this.ending) {
      this.ending = true;
      this.net.broadcastBye(false, 0);
    }
    if (this.net.allPeersSaidBye()) this.finish(0, false);
  }

  private finish(status: number, aborted: boolean): void {
    if (this.finished) return;
    this.finished = true;
    this.watchdog?.stop();
    for (const timer of this.timers) clearTimeout(timer);
    for (const port of this.ports) port.close();
    if (aborted) this.net.broadcastBye(true, status);
    void this.net.close().then(() => this.resolveJob?.(status));
  }

  // --- messages from this node's images -----------------------------------------------------

  private onImageMessage(image: number, message: ToMain | GrpcToMain): void {
    switch (message.t) {
      case "send":
        if (message.landing) this.landings[image - this.first] = message.landing;
        if (message.puts) this.guard.sentPuts(image, message.node, message.puts);
        if (message.replyTag !== undefined) this.guard.asked(image, message.node, message.replyTag);
        this.net.send(message.node, message.ops);
        return;
      case "ringKeyAll": {
        const writer = new OpWriter(32);
        writer.ringKey(image, message.key);
        const ops = writer.take();
        for (let node = 0; node < this.nodeCount; node++) if (node !== this.me) this.net.send(node, ops);
        return;
      }
      case "barrier":
        this.startBarrier(message.gather);
        return;
      case "stopped":
        this.onStopped(image, this.barrierDone);
        return;
      case "abortClaim":
        this.claimants.add(image);
        this.claimTags.set(image, message.tag);
        this.onImageClaim(image, message.status, message.tag);
        return;
      case "alloc":
        this.onAlloc(image, message);
        return;
      case "abort":
        // The reporting image printed its message: end this node's images.
        if (!this.aborting) {
          const status = Atomics.load(this.words, Global.EXIT_STATUS);
          this.applyAbort(status, -1);
          this.broadcastOps((w) => w.abort(status, -1));
        }
        this.claimantDone(image);
        this.terminateAll();
        return;
    }
  }

  private broadcastOps(write: (w: OpWriter) => void): void {
    const writer = new OpWriter(64);
    write(writer);
    const ops = writer.take();
    for (let node = 0; node < this.nodeCount; node++) if (node !== this.me) this.net.send(node, ops);
  }

  // --- serving frames -----------------------------------------------------------------------

  private onFrame(frame: Buffer, channel: Channel): void {
    const parsed = parseFrame(frame);
    const reply = new OpWriter(256);
    const acks = new Map<number, number>();
    const after: (() => void)[] = [];
    for (const op of parsed.ops) {
      try {
        this.serve(op, channel, reply, acks, after);
      } catch (error) {
        reply.error(op.requester, op.tag, `internal error: ${(error as Error).message}`);
      }
    }
    if (!parsed.ok) reply.error(NO_IMAGE, 0, `malformed frame: ${parsed.message}`);
    for (const [requester, count] of acks) reply.putAck(requester, count);
    if (reply.count > 0) channel.send(reply.take());
    for (const action of after) action();
  }

  private serve(op: WireOp, channel: Channel, reply: OpWriter, acks: Map<number, number>, after: (() => void)[]): void {
    const refuse = (message: string) => reply.error(op.requester, op.tag, message);
    switch (op.op) {
      case Op.PUT: {
        const body = decodePut(op);
        if (!body) return refuse("malformed put");
        const part = this.partBytes(body.segment, body.image, op.sub, body.offset, body.count);
        if (typeof part === "string") return refuse(part);
        part.set(body.payload);
        acks.set(op.requester, (acks.get(op.requester) ?? 0) + 1);
        return;
      }
      case Op.GET: {
        const body = decodeGet(op);
        if (!body) return refuse("malformed get");
        const part = this.partBytes(body.segment, body.image, op.sub, body.offset, body.count);
        if (typeof part === "string") return refuse(part);
        reply.data(op.requester, op.tag, part);
        return;
      }
      case Op.PUT_RECT:
      case Op.GET_RECT: {
        const isPut = op.op === Op.PUT_RECT;
        const body = decodeRect(op, isPut);
        if (!body) return refuse(`malformed ${isPut ? "put" : "get"} of a section`);
        const target = this.target(body.segment, body.image);
        if (typeof target === "string") return refuse(target);
        const size = op.sub;
        const bytes = this.viewsOf(target).u8;
        const elements = Math.floor(bytes.length / size);
        const problem = checkRect(body.rect, elements);
        if (problem) return refuse(`section reaches element ${problem.index}, outside 0..${elements - 1}`);
        const count = body.rect.n0 * body.rect.n1;
        const packed = isPut ? body.payload : reply.dataSlot(op.requester, op.tag, count * size);
        copyRectBytes(bytes, body.rect, size, packed, isPut);
        if (isPut) acks.set(op.requester, (acks.get(op.requester) ?? 0) + 1);
        return;
      }
      case Op.ATOMIC: {
        const body = decodeAtomic(op);
        if (!body) return refuse("malformed atomic");
        const target = this.target(body.segment, body.image);
        if (typeof target === "string") return refuse(target);
        const words = this.viewsOf(target).i32;
        if (!(body.index < words.length)) return refuse(`atomic on word ${body.index}, outside 0..${words.length - 1}`);
        reply.value(op.requester, op.tag, applyAtomic(words, body.index, op.sub, body.value, body.expected));
        return;
      }
      case Op.CTL: {
        const body = decodeCtl(op);
        if (!body) return refuse("malformed control-word operation");
        if (!this.isLocal(body.image)) return refuse(`image ${body.image} is not on node ${this.me}`);
        if (!(body.word < imageWords(this.images))) return refuse(`no control word ${body.word}`);
        const old = applyAtomic(this.words, ctlIndex(this.images, body.image, body.word), op.sub, body.value, body.expected);
        if (op.tag !== 0) reply.value(op.requester, op.tag, old);
        return;
      }
      case Op.RING: {
        const image = decodeU32(op);
        if (image === null || !this.isLocal(image)) return refuse("ring of an image that is not on this node");
        this.ring(image);
        return;
      }
      case Op.RING_KEY: {
        const key = decodeU32(op);
        if (key === null) return refuse("malformed ring");
        this.ringKey(key);
        return;
      }
      case Op.VALUE:
      case Op.DATA:
      case Op.ERROR:
        this.deliverReply(op, channel.node);
        return;
      case Op.PUT_ACK: {
        const count = decodeU32(op);
        if (count === null || !this.isLocal(op.requester) || this.links.length === 0) return;
        if (!this.guard.acceptAck(op.requester, count, channel.node)) return this.refusedReply(op, channel.node);
        const link = this.links[op.requester - this.first];
        Atomics.add(link, Link.ACKED, count);
        Atomics.notify(link, Link.ACKED);
        return;
      }
      case Op.PING:
        reply.pong(op.tag);
        return;
      case Op.PONG:
        return;
    }
    // Job control: only from the other nodes of this job.
    if (channel.node === null) return refuse(`operation ${op.op} is only accepted from the job's nodes`);
    switch (op.op) {
      case Op.STOPPED: {
        const body = decodeStopped(op);
        if (!body || !(body.image < this.images) || this.isLocal(body.image)) return refuse("malformed stop notice");
        this.onStopped(body.image, body.barrierEpoch);
        return;
      }
      case Op.ABORT: {
        const body = decodeAbort(op);
        if (!body) return refuse("malformed abort");
        this.applyAbort(body.status, body.winner);
        this.settleClaims(body.winner);
        return;
      }
      case Op.ABORT_CLAIM: {
        const status = decodeI32(op);
        if (status === null || this.me !== 0) return refuse("abort claims go to node 0");
        const winner = op.requester === NO_IMAGE ? -1 : op.requester;
        const granted = this.arbitrate(status, winner);
        reply.value(op.requester, op.tag, granted ? 1 : 0);
        // The grant must reach the claimant before the abort (same stream, so queue it after).
        if (granted) after.push(() => this.broadcastAbort(status, winner));
        return;
      }
      case Op.GATHER: {
        const body = decodeGather(op);
        if (!body) return refuse("malformed gather");
        this.onGatherMessage(body.kind, body.seq, body.round, body.blocks);
        return;
      }
      case Op.WATCH_QUERY: {
        reply.watchState(op.tag, encodeWatches(this.localWatches()));
        this.nudgeWaiting();
        return;
      }
      case Op.WATCH_STATE: {
        const watches = decodeWatches(op.body);
        if (!watches) return refuse("malformed watchdog state");
        this.onWatchState(channel.node, op.tag, watches);
        return;
      }
      case Op.HEARTBEAT:
        // Its arrival is what counts (net.ts notes every frame of a node link).
        return;
      case Op.BYE: {
        const status = decodeI32(op);
        this.net.markBye(channel.node);
        if (op.sub === 1) this.applyAbort(status ?? 1, -1);
        this.checkEnd();
        return;
      }
    }
    refuse(`unknown operation ${op.op}`);
  }

  /** The SharedArrayBuffer of (segment, image) on this node, or why there is none. */
  private target(segment: number, image: number): SharedArrayBuffer | string {
    if (!this.isLocal(image)) return `image ${image} is not on node ${this.me}`;
    const parts = this.segments.get(segment);
    if (!parts) return `unknown segment ${segment}`;
    return parts[image - this.first];
  }

  /** Bytes of elements [offset, offset+count) of size `size`, bounds-checked, or why not. */
  private partBytes(segment: number, image: number, size: number, offset: number, count: number): Uint8Array | string {
    const target = this.target(segment, image);
    if (typeof target === "string") return target;
    const bytes = this.viewsOf(target).u8;
    const elements = Math.floor(bytes.length / size);
    if (!(offset <= elements && count <= elements - offset)) {
      return `elements ${offset}..${offset + count - 1} are outside segment ${segment} of image ${image} (0..${elements - 1})`;
    }
    return bytes.subarray(offset * size, (offset + count) * size);
  }

  private viewsOf(sab: SharedArrayBuffer): SabViews {
    let views = this.views.get(sab);
    if (!views) {
      views = { u8: new Uint8Array(sab), i32: new Int32Array(sab, 0, Math.floor(sab.byteLength / 4)) };
      this.views.set(sab, views);
    }
    return views;
  }

  /**
   * A reply for one of this node's images (or for the engine itself) lands in its slot — if it
   * comes from the node that image asked, for the request it waits on; anything else is dropped.
   */
  private deliverReply(op: WireOp, from: number | null): void {
    if (op.requester === NO_IMAGE) {
      // The engine asks only node 0 (abort claims); errors about its own frames come from nodes.
      const claim = this.mainClaims.get(op.tag);
      if (claim && op.op === Op.VALUE && from === 0) {
        this.mainClaims.delete(op.tag);
        claim(decodeValue(op) === 1);
      } else if (op.op === Op.ERROR && from !== null) {
        this.writeErr(`pgasc: node ${this.me}: node ${from} refused a request: ${op.body.toString("utf8")}\n`);
      } else {
        this.refusedReply(op, from);
      }
      return;
    }
    if (!this.isLocal(op.requester) || this.links.length === 0) return;
    if (op.op === Op.ERROR && op.tag === 0 && from !== null) {
      // A refused put or ring (they carry no tag): the sender checked it first, so this is a bug.
      return this.mainAbort(1, `pgasc: internal error: node ${from} refused an operation of image ${op.requester}: ${op.body.toString("utf8")}\n`);
    }
    if (!this.guard.acceptReply(op.requester, op.tag, from)) return this.refusedReply(op, from);
    const index = op.requester - this.first;
    const link = this.links[index];
    if (op.op === Op.VALUE) {
      const value = decodeValue(op);
      if (value === null) return;
      this.linkViews[index].setFloat64(VALUE_OFFSET, value, true);
      Atomics.store(link, Link.REPLY_STATUS, ReplyStatus.INLINE);
    } else if (op.op === Op.DATA) {
      if (op.body.length <= INLINE_CAPACITY) {
        new Uint8Array(this.linkSabs[index], INLINE_OFFSET, op.body.length).set(op.body);
        Atomics.store(link, Link.REPLY_LENGTH, op.body.length);
        Atomics.store(link, Link.REPLY_STATUS, ReplyStatus.INLINE);
      } else if ((this.landings[index]?.byteLength ?? 0) >= op.body.length) {
        // One copy, straight into the image's landing zone (no message, no clone).
        new Uint8Array(this.landings[index]!, 0, op.body.length).set(op.body);
        Atomics.store(link, Link.REPLY_LENGTH, op.body.length);
        Atomics.store(link, Link.REPLY_STATUS, ReplyStatus.LANDED);
      } else {
        // Posted before the tag changes: the image finds it on its port when it wakes.
        this.ports[index].postMessage(new Uint8Array(op.body));
        Atomics.store(link, Link.REPLY_STATUS, ReplyStatus.ON_PORT);
      }
    } else {
      this.ports[index].postMessage(op.body.toString("utf8"));
      Atomics.store(link, Link.REPLY_STATUS, ReplyStatus.ERROR);
    }
    Atomics.store(link, Link.REPLY_TAG, op.tag);
    Atomics.notify(link, Link.REPLY_TAG);
  }

  /** A reply or acknowledgement nobody asked its sender for: dropped; said once per node. */
  private refusedReply(op: WireOp, from: number | null): void {
    if (this.warnedRefusedReply || this.aborting || this.finished) return;
    this.warnedRefusedReply = true;
    const sender = from === null ? "a client that is not a node of this job (it holds the job token)" : `node ${from}, which was not asked`;
    const image = op.requester === NO_IMAGE ? "this node" : `image ${op.requester}`;
    this.writeErr(`pgasc: node ${this.me}: warning: dropped a reply (operation ${op.op}) for ${image} from ${sender}; further ones are dropped silently\n`);
  }

  // --- gathers: dissemination among node processes --------------------------------------------

  private gatherState(kind: number, seq: number): GatherState {
    const key = `${kind}:${seq}`;
    let state = this.gathers.get(key);
    if (!state) {
      state = { started: false, round: 0, sentRound: -1, known: new Map(), inbox: new Map() };
      this.gathers.set(key, state);
    }
    return state;
  }

  /**
   * All-gather of one block per node: in round r node k sends everything it knows to node
   * k + 2^r and merges what node k - 2^r sent; after ceil(log2 K) rounds every node knows every
   * block (and, with empty blocks, that every node arrived: a dissemination barrier).
   */
  private startGather(kind: number, seq: number, block: Uint8Array, onDone: (blocks: Map<number, Uint8Array>) => void): void {
    const state = this.gatherState(kind, seq);
    state.started = true;
    state.known.set(this.me, block);
    state.onDone = onDone;
    this.advanceGather(kind, seq, state);
  }

  private onGatherMessage(kind: number, seq: number, round: number, blocks: Map<number, Buffer>): void {
    const state = this.gatherState(kind, seq);
    state.inbox.set(round, blocks);
    if (!state.started && kind === GatherKind.ALLOC) this.maybeContributeAllocForRemote(seq);
    if (state.started) this.advanceGather(kind, seq, state);
  }

  private advanceGather(kind: number, seq: number, state: GatherState): void {
    for (;;) {
      const distance = 1 << state.round;
      if (distance >= this.nodeCount) {
        this.gathers.delete(`${kind}:${seq}`);
        state.onDone?.(state.known);
        return;
      }
      if (state.sentRound < state.round) {
        state.sentRound = state.round;
        const writer = new OpWriter(64);
        writer.gather(kind, seq, state.round, state.known);
        this.net.send((this.me + distance) % this.nodeCount, writer.take());
      }
      const received = state.inbox.get(state.round);
      if (!received) return;
      state.inbox.delete(state.round);
      for (const [node, block] of received) if (node < this.nodeCount) state.known.set(node, new Uint8Array(block));
      state.round++;
    }
  }

  // --- barriers -------------------------------------------------------------------------------

  private startBarrier(gather: GatherRange | null): void {
    const epoch = ++this.barrierStarted;
    let block: Uint8Array = EMPTY;
    if (gather !== null && this.nodeCount > 1) {
      const parts = this.segments.get(gather.segment);
      if (!parts) return this.mainAbort(1, `pgasc: internal error: barrier names unknown segment ${gather.segment}\n`);
      block = new Uint8Array(this.localCount * gather.byteLength);
      parts.forEach((sab, i) => block.set(new Uint8Array(sab, gather.byteOffset, gather.byteLength), i * gather.byteLength));
    }
    this.startGather(GatherKind.BARRIER, epoch, block, (blocks) => this.finishBarrier(epoch, gather, blocks));
  }

  private finishBarrier(epoch: number, gather: GatherRange | null, blocks: Map<number, Uint8Array>): void {
    if (gather !== null && this.nodeCount > 1) {
      const mirrors = this.mirrors.get(gather.segment);
      for (let node = 0; node < this.nodeCount; node++) {
        if (node === this.me) continue;
        const [a, b] = imagesOfNode(this.images, this.nodeCount, node);
        const block = blocks.get(node);
        if (!mirrors || !block || block.length !== (b - a) * gather.byteLength) {
          return this.mainAbort(1, `pgasc: internal error: node ${node} sent a collective contribution of the wrong size\n`);
        }
        for (let image = a; image < b; image++) {
          const mirror = mirrors.get(image)!;
          new Uint8Array(mirror, gather.byteOffset, gather.byteLength).set(block.subarray((image - a) * gather.byteLength, (image - a + 1) * gather.byteLength));
        }
      }
    }
    this.barrierDone = epoch;
    // The generation first: an image woken by a stop below must find this barrier complete.
    const generation = ctlIndex(this.images, this.first, Ctl.BARRIER_GENERATION);
    Atomics.add(this.words, generation, 1);
    Atomics.notify(this.words, generation);
    const ready = this.deferredStops.filter((stop) => stop.epoch <= epoch);
    this.deferredStops = this.deferredStops.filter((stop) => stop.epoch > epoch);
    for (const stop of ready) this.applyStop(stop.image);
  }

  // --- stops ------------------------------------------------------------------------------------

  /**
   * An image stopped after `epoch` barriers. Other nodes apply the notice only once they have
   * completed that barrier too: a node that is still finishing it must not take the stop for a
   * reason why the barrier can never complete.
   */
  private onStopped(image: number, epoch: number): void {
    if (this.stoppedImages.has(image)) return;
    this.stoppedImages.add(image);
    if (this.isLocal(image)) {
      this.broadcastOps((w) => w.stopped(image, epoch));
    } else if (this.barrierDone >= epoch) {
      this.applyStop(image);
    } else {
      this.deferredStops.push({ image, epoch });
    }
    this.checkEnd();
  }

  private applyStop(image: number): void {
    Atomics.store(this.words, ctlIndex(this.images, image, Ctl.STATUS), STATUS_STOPPED);
    Atomics.add(this.words, Global.STOPPED_COUNT, 1);
    this.wakeAll();
  }

  // --- collective allocation ----------------------------------------------------------------

  private allocState(seq: number): AllocState {
    let state = this.allocs.get(seq);
    if (!state) {
      state = { requests: new Array(this.localCount).fill(undefined), count: 0, contributed: false };
      this.allocs.set(seq, state);
    }
    return state;
  }

  private onAlloc(image: number, request: Extract<ToMain, { t: "alloc" }>): void {
    const state = this.allocState(request.seq);
    if (state.contributed) {
      this.answer(image, { t: "allocError", seq: request.seq, message: "internal error: late allocation request" });
      return;
    }
    state.requests[image - this.first] = { name: request.name, agree: request.agree, sab: request.sab, mirror: request.mirror };
    state.count++;
    const missing = this.firstExitedMissing(state);
    if (missing >= 0) return this.contributeAllocError(request.seq, state, missing);
    if (state.count < this.localCount) return;
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
    this.startGather(GatherKind.ALLOC, request.seq, Buffer.concat(parts), (blocks) => this.finishAlloc(request.seq, state, blocks));
  }

  private firstExitedMissing(state: AllocState): number {
    for (const image of [...this.exited].sort((a, b) => a - b)) if (!state.requests[image - this.first]) return image;
    return -1;
  }

  private contributeAllocError(seq: number, state: AllocState, stoppedImage: number): void {
    if (state.contributed) return;
    state.contributed = true;
    const block = Buffer.alloc(5);
    block.writeUInt8(1, 0);
    block.writeUInt32LE(stoppedImage, 1);
    this.startGather(GatherKind.ALLOC, seq, block, (blocks) => this.finishAlloc(seq, state, blocks));
  }

  /** Another node started allocation `seq`; if one of ours has exited, ours can never join. */
  private maybeContributeAllocForRemote(seq: number): void {
    const state = this.allocState(seq);
    if (state.contributed) return;
    const missing = this.firstExitedMissing(state);
    if (missing >= 0) this.contributeAllocError(seq, state, missing);
  }

  private finishAlloc(seq: number, state: AllocState, blocks: Map<number, Uint8Array>): void {
    this.allocs.delete(seq);
    const entries: { name: string; agree: number; bytes: number; mirror: boolean }[] = [];
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
    const answerAll = (message: FromMain) =>
      state.requests.forEach((request, i) => {
        if (request) this.answer(this.first + i, message);
      });
    if (stopped >= 0) return answerAll({ t: "allocError", seq, message: `image ${stopped} has stopped` });
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
    const id = this.nextSegmentId++;
    this.segmentNames.set(id, firstEntry.name);
    const local = state.requests.map((r) => r!.sab);
    this.segments.set(id, local);
    const mirrors = new Map<number, SharedArrayBuffer>();
    const buffers = entries.map((entry, image) => {
      if (this.isLocal(image)) return local[image - this.first];
      if (!entry.mirror) return null;
      const mirror = new SharedArrayBuffer(entry.bytes);
      mirrors.set(image, mirror);
      return mirror;
    });
    if (mirrors.size > 0) this.mirrors.set(id, mirrors);
    // FromMain declares SharedArrayBuffer[]: remote parts are null (the image maps them as such).
    answerAll({ t: "alloc", seq, buffers: buffers as SharedArrayBuffer[], id });
  }

  private answer(image: number, message: FromMain): void {
    const index = image - this.first;
    this.ports[index].postMessage(message);
    Atomics.store(this.words, ctlIndex(this.images, image, Ctl.ALLOC_READY), message.seq);
    this.ring(image);
  }

  // --- aborts -------------------------------------------------------------------------------

  /** Node 0 only: the first claim of the job wins. */
  private arbitrate(status: number, winner: number): boolean {
    if (this.abortWinner !== null || this.finished) return false;
    this.abortWinner = { status, winner };
    return true;
  }

  private broadcastAbort(status: number, winner: number): void {
    this.broadcastOps((w) => w.abort(status, winner));
    this.applyAbort(status, winner);
    this.settleClaims(winner);
  }

  /**
   * The job's first error is decided: every other local claimant lost. Answer them here rather
   * than wait for node 0, which may already be closing once its own images are gone.
   */
  private settleClaims(winner: number): void {
    this.decidedWinner ??= winner;
    for (const [image, tag] of this.claimTags) {
      if (image === winner) continue;
      this.claimTags.delete(image);
      this.answerClaim(image, tag, false);
    }
  }

  private answerClaim(image: number, tag: number, granted: boolean): void {
    const index = image - this.first;
    const link = this.links[index];
    this.linkViews[index].setFloat64(VALUE_OFFSET, granted ? 1 : 0, true);
    Atomics.store(link, Link.REPLY_STATUS, ReplyStatus.INLINE);
    Atomics.store(link, Link.REPLY_TAG, tag);
    Atomics.notify(link, Link.REPLY_TAG);
  }

  private onImageClaim(image: number, status: number, tag: number): void {
    const grant = (granted: boolean) => {
      this.claimTags.delete(image);
      this.answerClaim(image, tag, granted);
    };
    // The job's winner is already known here: this claim lost.
    if (this.decidedWinner !== null && this.decidedWinner !== image) return grant(false);
    if (this.me === 0) {
      const granted = this.arbitrate(status, image);
      grant(granted);
      if (granted) this.broadcastAbort(status, image);
      return;
    }
    const writer = new OpWriter(32);
    writer.abortClaim(image, tag, status);
    this.guard.asked(image, 0, tag);
    if (!this.net.send(0, writer.take())) grant(true);
  }

  /**
   * An abort decided by this node's main thread (timeout, lost node, crashed thread): printed
   * once for the job — node 0 arbitrates; without node 0 the lowest live node speaks.
   */
  private mainAbort(status: number, message: string): void {
    if (this.aborting || this.finished) return;
    if (this.me === 0) {
      if (this.arbitrate(status, -1)) {
        this.writeErr(message);
        this.broadcastAbort(status, -1);
      }
      return;
    }
    const decide = (granted: boolean) => {
      if (granted && !this.aborting) this.writeErr(message);
      if (granted) this.broadcastAbort(status, -1);
    };
    if (this.net.isAlive(0)) {
      const tag = this.nextMainTag++;
      let decided = false;
      const once = (granted: boolean) => {
        if (decided) return;
        decided = true;
        decide(granted);
      };
      this.mainClaims.set(tag, once);
      const writer = new OpWriter(32);
      writer.abortClaim(NO_IMAGE, tag, status);
      this.net.send(0, writer.take());
      this.timers.push(setTimeout(() => once(true), CLAIM_TIMEOUT_MS));
    } else {
      decide(this.net.lowestLiveNode() === this.me);
    }
  }

  /** Ends this node's part of the job with `status` (idempotent: the first abort decides). */
  private applyAbort(status: number, winner: number): void {
    if (this.aborting || this.finished) return;
    this.aborting = true;
    this.exitStatus = status;
    Atomics.compareExchange(this.words, Global.ABORT, 0, 1);
    Atomics.store(this.words, Global.EXIT_STATUS, status);
    this.wakeAll();
    if (winner >= 0 && this.isLocal(winner) && !this.exited.has(winner)) this.claimants.add(winner);
    if (this.claimants.size > 0) {
      // A local image may have won (its grant can be overtaken by another node's abort on
      // another stream): let it print its message first; it then asks us to end everything.
      this.waitingForReporters = true;
      this.timers.push(setTimeout(() => this.terminateAll(), WINNER_GRACE_MS));
    } else {
      this.terminateAll();
    }
  }

  private claimantDone(image: number): void {
    this.claimTags.delete(image);
    if (!this.claimants.delete(image)) return;
    if (this.waitingForReporters && this.claimants.size === 0) this.terminateAll();
  }

  private imagesOf(node: number): string {
    const [a, b] = imagesOfNode(this.images, this.nodeCount, node);
    return b - a === 1 ? `image ${a}` : `images ${a}-${b - 1}`;
  }

  private onPeerLost(node: number): void {
    if (this.aborting || this.finished) return;
    if (this.net.saidBye(node)) return;
    this.mainAbort(1, `pgasc: lost node ${node} (${this.imagesOf(node)})\n`);
    if (!this.aborting && !this.net.isAlive(0)) this.applyAbort(1, -1);
  }

  /** A node whose link stayed silent (not even a heartbeat): stopped, hung, or cut off. */
  private onPeerHung(node: number, silentMs: number): void {
    if (this.aborting || this.finished || this.net.saidBye(node)) return;
    this.net.markHung(node);
    // A launcher that reads our stderr ends the hung node at once when told (node-config.ts).
    const forLauncher = process.env.PGASC_READY_LINE === "1" ? `${nodeHungLine(this.config.token, node)}\n` : "";
    const message = `pgasc: node ${node} (${this.imagesOf(node)}) stopped responding: no heartbeat for ${(silentMs / 1000).toFixed(1)} s; ending the job\n${forLauncher}`;
    if (this.me === 0 || this.net.isAlive(0) || this.net.lowestLiveNode() === this.me) return this.mainAbort(1, message);
    this.timers.push(
      setTimeout(() => {
        if (this.aborting || this.finished) return;
        this.writeErr(message);
        this.broadcastAbort(1, -1);
      }, HUNG_REPORT_GRACE_MS),
    );
  }
}
