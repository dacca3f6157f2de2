// The narrow interface between the node engine (runtime/node) and whatever carries bytes between
// node processes: start, send(node, bytes), close, and three events (a frame arrived, a peer was
// lost, a peer went silent). Implemented by grpc/grpc-transport.ts (the wire between processes and
// hosts) and in-process.ts (nodes in one process: tests, and the one-node job with no peers).

/** Where a frame came from and how to answer it. node is null for a stream that is not a peer. */
export interface Channel {
  readonly node: number | null;
  send(ops: Uint8Array): void;
}

/** What a transport tells the engine. */
export interface TransportEvents {
  /** One frame (wire.ts): operations to serve, answered on `channel`. */
  onFrame(frame: Buffer, channel: Channel): void;
  /** The link to `node` ended (its process died, or the network cut it). */
  onPeerLost(node: number): void;
  /** A linked peer sent nothing, not even a heartbeat, for `silentMs`. */
  onPeerHung(node: number, silentMs: number): void;
}

export interface Transport {
  /** Resolves once a link to every other node is up; rejects with a message for people. */
  start(): Promise<void>;
  /** Queues operations for `node`; false when there is no live link to it. */
  send(node: number, bytes: Uint8Array): boolean;
  isAlive(node: number): boolean;
  /** The peer said goodbye (BYE): its link ending is no loss, and its silence no hang. */
  markBye(node: number): void;
  saidBye(node: number): boolean;
  /** A hung peer counts as gone: nothing more is sent to it. */
  markHung(node: number): void;
  /** Flushes what is queued, then ends every link. */
  close(): Promise<void>;
}

/** Builds a node's transport once the engine knows where to send its events. */
export type TransportFactory = (events: TransportEvents) => Transport;
