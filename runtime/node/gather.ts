// The all-gather between node engines (dissemination): one block per node, any number at once,
// told apart by (kind, seq). Consumes this node's block and GATHER operations from the other
// nodes; sends GATHER operations through the transport; produces every node's block.

import type { Transport } from "../transport/transport.js";
import { OpWriter } from "../transport/wire.js";

export type Blocks = Map<number, Uint8Array>;

interface GatherState {
  started: boolean;
  round: number;
  sentRound: number;
  known: Blocks;
  inbox: Map<number, Map<number, Buffer>>;
  onDone?: (blocks: Blocks) => void;
}

export class NodeGather {
  private readonly gathers = new Map<string, GatherState>();

  constructor(
    private readonly me: number,
    private readonly nodeCount: number,
    private readonly transport: Transport,
  ) {}

  private state(kind: number, seq: number): GatherState {
    const key = `${kind}:${seq}`;
    let state = this.gathers.get(key);
    if (!state) {
      state = { started: false, round: 0, sentRound: -1, known: new Map(), inbox: new Map() };
      this.gathers.set(key, state);
    }
    return state;
  }

  /** Whether this node has contributed to gather (kind, seq) (false also when none is known). */
  started(kind: number, seq: number): boolean {
    return this.gathers.get(`${kind}:${seq}`)?.started ?? false;
  }

  /** The seqs of gathers of `kind` that other nodes started and this node has not joined. */
  pendingSeqs(kind: number): number[] {
    const seqs: number[] = [];
    for (const [key, state] of this.gathers) {
      if (!state.started && key.startsWith(`${kind}:`)) seqs.push(Number(key.split(":")[1]));
    }
    return seqs;
  }

  /**
   * All-gather of one block per node: in round r node k sends everything it knows to node
   * k + 2^r and merges what node k - 2^r sent; after ceil(log2 K) rounds every node knows every
   * block (and, with empty blocks, that every node arrived: a dissemination barrier).
   */
  start(kind: number, seq: number, block: Uint8Array, onDone: (blocks: Blocks) => void): void {
    const state = this.state(kind, seq);
    state.started = true;
    state.known.set(this.me, block);
    state.onDone = onDone;
    this.advance(kind, seq, state);
  }

  /** A GATHER operation arrived; returns whether this node had already joined that gather. */
  receive(kind: number, seq: number, round: number, blocks: Map<number, Buffer>): boolean {
    const state = this.state(kind, seq);
    state.inbox.set(round, blocks);
    if (state.started) this.advance(kind, seq, state);
    return state.started;
  }

  private advance(kind: number, seq: number, state: GatherState): void {
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
        this.transport.send((this.me + distance) % this.nodeCount, writer.take());
      }
      const received = state.inbox.get(state.round);
      if (!received) return;
      state.inbox.delete(state.round);
      for (const [node, block] of received) if (node < this.nodeCount) state.known.set(node, new Uint8Array(block));
      state.round++;
    }
  }
}
