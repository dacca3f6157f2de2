// How a job ends early, decided once: node 0 arbitrates which error is the job's first (an image's
// claim, or one of the engine's own: timeout, crashed thread, lost or hung node); the winner prints
// its message, every node then ends its images with the same status. Without node 0, the lowest
// live node speaks. Consumes claims, ABORT / ABORT_CLAIM operations and peer events; produces the
// abort flag and exit status in the control block, and the answers to claimants.

import { Global } from "../core/control-block.js";
import { imagesOfNode } from "../core/placement.js";
import { Link, ReplyStatus, VALUE_OFFSET } from "../core/reply-slot.js";
import type { Transport } from "../transport/transport.js";
import { NO_IMAGE, OpWriter } from "../transport/wire.js";
import type { LocalImages } from "./local-images.js";
import { nodeHungLine } from "./node-config.js";
import type { ReplyGuard } from "./reply-guard.js";

/** How long a node waits for the aborting image to print its message before ending it. */
const WINNER_GRACE_MS = 3000;
const CLAIM_TIMEOUT_MS = 3000;
/**
 * With node 0 hung, the lowest live node reports for the job; the others wait this long for its
 * ABORT (every node notices the silence within a check or two) before they report themselves.
 */
const HUNG_REPORT_GRACE_MS = 1000;

export interface AbortHost {
  readonly me: number;
  readonly nodeCount: number;
  readonly images: number;
  readonly token: string;
  readonly launcherReadsStderr: boolean;
  readonly words: Int32Array;
  readonly transport: Transport;
  readonly local: LocalImages;
  readonly guard: ReplyGuard;
  finished(): boolean;
  writeErr(text: string): void;
  broadcastOps(write: (w: OpWriter) => void): void;
  lowestLiveNode(): number;
  /** Ends every thread of this node (the job ends once they are gone). */
  terminateAll(): void;
  /** A timer that the end of the job clears. */
  later(ms: number, action: () => void): void;
}

export class Aborts {
  aborting = false;
  exitStatus = 0;
  /** Images that asked node 0 whether their error is the job's first and have not finished since. */
  private readonly claimants = new Set<number>();
  /** The image whose error the job reports, once an ABORT said so (-1: none of the images). */
  private decidedWinner: number | null = null;
  /** The tag each claimant waits on for its answer. */
  private readonly claimTags = new Map<number, number>();
  /** Aborting, but a claimant may still have to print the job's message. */
  waitingForReporters = false;
  private abortWinner: { status: number; winner: number } | null = null;
  private readonly mainClaims = new Map<number, (granted: boolean) => void>();
  private nextMainTag = 1;

  constructor(private readonly host: AbortHost) {}

  private get ended(): boolean {
    return this.aborting || this.host.finished();
  }

  /** Node 0 only: the first claim of the job wins. */
  arbitrate(status: number, winner: number): boolean {
    if (this.abortWinner !== null || this.host.finished()) return false;
    this.abortWinner = { status, winner };
    return true;
  }

  broadcastAbort(status: number, winner: number): void {
    this.host.broadcastOps((w) => w.abort(status, winner));
    this.applyAbort(status, winner);
    this.settleClaims(winner);
  }

  /** An ABORT from another node. */
  onAbort(status: number, winner: number): void {
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
    const index = image - this.host.local.first;
    const link = this.host.local.links[index];
    this.host.local.linkViews[index].setFloat64(VALUE_OFFSET, granted ? 1 : 0, true);
    Atomics.store(link, Link.REPLY_STATUS, ReplyStatus.INLINE);
    Atomics.store(link, Link.REPLY_TAG, tag);
    Atomics.notify(link, Link.REPLY_TAG);
  }

  /** An image of this node asks whether its error is the job's first. */
  onImageClaim(image: number, status: number, tag: number): void {
    this.claimants.add(image);
    this.claimTags.set(image, tag);
    const grant = (granted: boolean) => {
      this.claimTags.delete(image);
      this.answerClaim(image, tag, granted);
    };
    // The job's winner is already known here: this claim lost.
    if (this.decidedWinner !== null && this.decidedWinner !== image) return grant(false);
    if (this.host.me === 0) {
      const granted = this.arbitrate(status, image);
      grant(granted);
      if (granted) this.broadcastAbort(status, image);
      return;
    }
    const writer = new OpWriter(32);
    writer.abortClaim(image, tag, status);
    this.host.guard.asked(image, 0, tag);
    if (!this.host.transport.send(0, writer.take())) grant(true);
  }

  /** Node 0's answer to one of this engine's own claims. */
  onClaimAnswer(tag: number, granted: boolean): boolean {
    const claim = this.mainClaims.get(tag);
    if (!claim) return false;
    this.mainClaims.delete(tag);
    claim(granted);
    return true;
  }

  /** The reporting image printed its message: end this node's images. */
  onImageAborted(image: number): void {
    if (!this.aborting) {
      const status = Atomics.load(this.host.words, Global.EXIT_STATUS);
      this.applyAbort(status, -1);
      this.host.broadcastOps((w) => w.abort(status, -1));
    }
    this.claimantDone(image);
    this.host.terminateAll();
  }

  /**
   * An abort decided by this node's main thread (timeout, lost node, crashed thread): printed
   * once for the job — node 0 arbitrates; without node 0 the lowest live node speaks.
   */
  mainAbort(status: number, message: string): void {
    if (this.ended) return;
    const host = this.host;
    if (host.me === 0) {
      if (this.arbitrate(status, -1)) {
        host.writeErr(message);
        this.broadcastAbort(status, -1);
      }
      return;
    }
    const decide = (granted: boolean) => {
      if (granted && !this.aborting) host.writeErr(message);
      if (granted) this.broadcastAbort(status, -1);
    };
    if (host.transport.isAlive(0)) {
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
      host.transport.send(0, writer.take());
      host.later(CLAIM_TIMEOUT_MS, () => once(true));
    } else {
      decide(host.lowestLiveNode() === host.me);
    }
  }

  /** Ends this node's part of the job with `status` (idempotent: the first abort decides). */
  applyAbort(status: number, winner: number): void {
    if (this.ended) return;
    const host = this.host;
    this.aborting = true;
    this.exitStatus = status;
    Atomics.compareExchange(host.words, Global.ABORT, 0, 1);
    Atomics.store(host.words, Global.EXIT_STATUS, status);
    host.local.wakeAll();
    if (winner >= 0 && winner >= host.local.first && winner < host.local.end && !host.local.exited.has(winner)) this.claimants.add(winner);
    if (this.claimants.size > 0) {
      // A local image may have won (its grant can be overtaken by another node's abort on
      // another stream): let it print its message first; it then asks us to end everything.
      this.waitingForReporters = true;
      host.later(WINNER_GRACE_MS, () => host.terminateAll());
    } else {
      host.terminateAll();
    }
  }

  claimantDone(image: number): void {
    this.claimTags.delete(image);
    if (!this.claimants.delete(image)) return;
    if (this.waitingForReporters && this.claimants.size === 0) this.host.terminateAll();
  }

  private imagesOf(node: number): string {
    const [a, b] = imagesOfNode(this.host.images, this.host.nodeCount, node);
    return b - a === 1 ? `image ${a}` : `images ${a}-${b - 1}`;
  }

  onPeerLost(node: number): void {
    const transport = this.host.transport;
    if (this.ended || transport.saidBye(node)) return;
    this.mainAbort(1, `pgasc: lost node ${node} (${this.imagesOf(node)})\n`);
    if (!this.aborting && !transport.isAlive(0)) this.applyAbort(1, -1);
  }

  /** A node whose link stayed silent (not even a heartbeat): stopped, hung, or cut off. */
  onPeerHung(node: number, silentMs: number): void {
    const host = this.host;
    if (this.ended || host.transport.saidBye(node)) return;
    host.transport.markHung(node);
    // A launcher that reads our stderr ends the hung node at once when told (node-config.ts).
    const forLauncher = host.launcherReadsStderr ? `${nodeHungLine(host.token, node)}\n` : "";
    const message = `pgasc: node ${node} (${this.imagesOf(node)}) stopped responding: no heartbeat for ${(silentMs / 1000).toFixed(1)} s; ending the job\n${forLauncher}`;
    if (host.me === 0 || host.transport.isAlive(0) || host.lowestLiveNode() === host.me) return this.mainAbort(1, message);
    host.later(HUNG_REPORT_GRACE_MS, () => {
      if (this.ended) return;
      host.writeErr(message);
      this.broadcastAbort(1, -1);
    });
  }
}
