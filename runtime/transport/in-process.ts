// The in-process transport (transport.ts): the nodes of a job as engines in one process, linked by
// a hub that hands each frame to its destination on a later turn of the event loop (as a network
// would, never re-entrantly). A hub of one node is the one-node job: no peers, nothing to send.
// Consumes operations per destination; produces frames (wire.ts) on the destination's onFrame.

import type { Channel, Transport, TransportEvents, TransportFactory } from "./transport.js";
import { frameOf } from "./wire.js";

export class InProcessHub {
  private readonly nodes: (InProcessTransport | undefined)[];

  constructor(readonly nodeCount: number) {
    this.nodes = new Array(nodeCount).fill(undefined);
  }

  /** The factory for node `node`'s transport. */
  factory(node: number): TransportFactory {
    return (events) => {
      const transport = new InProcessTransport(this, node, events);
      this.nodes[node] = transport;
      return transport;
    };
  }

  transportOf(node: number): InProcessTransport | undefined {
    return this.nodes[node];
  }

  /** Every node has its transport and has started it. */
  allStarted(): boolean {
    return this.nodes.every((node) => node !== undefined && node.started && !node.closed);
  }
}

/** Operations for one destination, gathered over one turn into one frame (as the gRPC links do). */
class Outbox implements Channel {
  private pending: Uint8Array[] = [];

  constructor(
    /** The node the frames come from, as the receiver sees it. */
    readonly node: number,
    private readonly deliver: (frame: Buffer, replyTo: Channel) => void,
    private readonly replyTo: () => Channel,
  ) {}

  send(ops: Uint8Array): void {
    if (this.pending.length === 0) setImmediate(() => this.flush());
    this.pending.push(Uint8Array.from(ops));
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const frame = frameOf(this.pending);
    this.pending = [];
    this.deliver(frame, this.replyTo());
  }
}

export class InProcessTransport implements Transport {
  started = false;
  closed = false;
  private readonly bye = new Set<number>();
  private readonly hung = new Set<number>();
  /** Per destination node: operations of this turn. */
  private readonly outboxes = new Map<number, Outbox>();
  private startWaiter: (() => void) | null = null;

  constructor(
    private readonly hub: InProcessHub,
    readonly node: number,
    private readonly events: TransportEvents,
  ) {}

  start(): Promise<void> {
    this.started = true;
    // Every node of the hub answers from here on; the last to start releases the others.
    const ready = new Promise<void>((resolve) => (this.startWaiter = resolve));
    for (let node = 0; node < this.hub.nodeCount; node++) this.hub.transportOf(node)?.checkStarted();
    return ready;
  }

  private checkStarted(): void {
    if (!this.startWaiter || !this.hub.allStarted()) return;
    const resolve = this.startWaiter;
    this.startWaiter = null;
    resolve();
  }

  private outbox(node: number): Outbox {
    let box = this.outboxes.get(node);
    if (!box) {
      box = new Outbox(
        this.node,
        (frame, replyTo) => this.hub.transportOf(node)?.receive(frame, replyTo),
        () => this.hub.transportOf(node)!.outbox(this.node),
      );
      this.outboxes.set(node, box);
    }
    return box;
  }

  private receive(frame: Buffer, channel: Channel): void {
    if (this.closed) return;
    this.events.onFrame(frame, channel);
  }

  send(node: number, bytes: Uint8Array): boolean {
    if (!this.isAlive(node)) return false;
    this.outbox(node).send(bytes);
    return true;
  }

  isAlive(node: number): boolean {
    const peer = this.hub.transportOf(node);
    return node !== this.node && peer !== undefined && peer.started && !peer.closed && !this.closed && !this.hung.has(node);
  }

  markBye(node: number): void {
    this.bye.add(node);
  }

  saidBye(node: number): boolean {
    return this.bye.has(node);
  }

  markHung(node: number): void {
    this.hung.add(node);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    for (const box of this.outboxes.values()) box.flush();
    this.closed = true;
    // The others lose this node unless it said goodbye to them first.
    for (let node = 0; node < this.hub.nodeCount; node++) {
      const peer = this.hub.transportOf(node);
      if (node !== this.node && peer && !peer.closed) setImmediate(() => peer.peerClosed(this.node));
    }
  }

  private peerClosed(node: number): void {
    if (this.closed || this.bye.has(node)) return;
    this.events.onPeerLost(node);
  }
}
