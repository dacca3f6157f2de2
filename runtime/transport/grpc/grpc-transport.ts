// The gRPC transport (transport.ts) between node processes: a raw gRPC service (Buffer passthrough,
// no protobuf) with a unary Register (rendezvous on node 0) and a bidirectional Link stream per node
// pair; the job token is checked on every call; mutual TLS when configured; heartbeats on node
// links. Consumes a NodeConfig and the engine's events; produces per-node channels whose small
// writes are batched into one frame per tick.

import { timingSafeEqual } from "node:crypto";
import type { EventEmitter } from "node:events";
import type { Http2Session } from "node:http2";
import * as grpc from "@grpc/grpc-js";
import type { NodeConfig } from "../../node/node-config.js";
import { PeerHeartbeat } from "./heartbeat.js";
import { decodeTable, encodeRegister, encodeTable, type Address } from "./rendezvous-codec.js";
import { linkSecurity, type LinkSecurity } from "./tls-credentials.js";
import type { Channel, Transport, TransportEvents } from "../transport.js";
import { FRAME_CONTINUED, FRAME_HEADER_BYTES, FRAME_MAGIC0, FRAME_MAGIC1, HAND_OVER_BYTES, MAX_FRAME_BYTES, OpWriter, framesOf } from "../wire.js";

export const REGISTER_PATH = "/pgasc.Node/Register";
export const LINK_PATH = "/pgasc.Node/Link";
export const TOKEN_HEADER = "pgasc-token";
export const NODE_HEADER = "pgasc-node";
const CONNECT_TIMEOUT_MS = 60_000;

const passthrough = (buffer: Buffer) => buffer;

/** The raw service: frames are Buffers in both directions (our own framing, wire.ts). */
export const NODE_SERVICE: grpc.ServiceDefinition = {
  Register: {
    path: REGISTER_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: passthrough,
    requestDeserialize: passthrough,
    responseSerialize: passthrough,
    responseDeserialize: passthrough,
  },
  Link: {
    path: LINK_PATH,
    requestStream: true,
    responseStream: true,
    requestSerialize: passthrough,
    requestDeserialize: passthrough,
    responseSerialize: passthrough,
    responseDeserialize: passthrough,
  },
};

/**
 * Message sizes: a node refuses any message over MAX_FRAME_BYTES before buffering it (grpc-js
 * reads the length prefix first), so a hostile client cannot make it allocate what it declares;
 * our own senders never exceed it (framesOf splits, bulk transfers are chunked at 4 MiB).
 */
/** HTTP/2 receive window (connection and per stream) of the sessions a node dials. */
const FLOW_CONTROL_WINDOW = 8 * 1024 * 1024;
/**
 * The same for the sessions a node's server accepts (see widenServerWindows). Not 8 MiB: with
 * 8 MiB both ways, two nodes exchanging 8 MiB at once (the gather of a 1 M-float co_sum) stalled
 * until the job was lost; 1 MiB passes every test and gives the same bulk rate.
 */
const ACCEPTED_WINDOW = 1024 * 1024;

export const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  "grpc.max_receive_message_length": MAX_FRAME_BYTES,
  "grpc.max_send_message_length": -1,
  "grpc-node.flow_control_window": FLOW_CONTROL_WINDOW,
  "grpc.use_local_subchannel_pool": 1,
  // A host that vanishes without a TCP reset (power, partition) is noticed within ~40 s; a
  // killed process on a live host resets the connection at once.
  "grpc.keepalive_time_ms": 30_000,
  "grpc.keepalive_timeout_ms": 10_000,
  // Node 0 may start listening a moment after the others dial it: retry fast (default 1 s).
  "grpc.initial_reconnect_backoff_ms": 50,
  "grpc.max_reconnect_backoff_ms": 1000,
};


type Stream = grpc.ClientDuplexStream<Buffer, Buffer> | grpc.ServerDuplexStream<Buffer, Buffer>;

/**
 * A stream whose writes are aggregated: the first operations of an event-loop turn go out at
 * once (a lone request pays no batching delay); whatever else is sent in the same turn (other
 * images' requests, acknowledgements) is gathered into one frame at the end of the turn.
 */
class StreamChannel implements Channel {
  private pending: Uint8Array[] = [];
  private scheduled = false;
  alive = true;
  bye = false;

  constructor(
    readonly node: number | null,
    readonly stream: Stream,
  ) {}

  send(ops: Uint8Array): void {
    if (!this.alive) return;
    this.pending.push(ops);
    if (ops.length >= HAND_OVER_BYTES) {
      // a bulk payload gains nothing by waiting for company: out now, with what came before it
      this.write();
      return;
    }
    if (!this.scheduled) {
      this.scheduled = true;
      this.write();
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    this.write();
  }

  private write(): void {
    if (!this.alive || this.pending.length === 0) return;
    const frames = framesOf(this.pending);
    this.pending = [];
    try {
      for (const frame of frames) this.stream.write(frame);
    } catch {
      this.alive = false;
    }
  }

  end(): void {
    this.flush();
    if (!this.alive) return;
    this.alive = false;
    try {
      this.stream.end();
    } catch {
      // already closed
    }
  }
}

/**
 * grpc-js applies "grpc-node.flow_control_window" to the sessions it dials, not to the ones its
 * server accepts, which keep HTTP/2's 64 KiB window: the dialed node then receives bulk data one
 * 64 KiB window per WINDOW_UPDATE round trip (a 4 MiB get reply: ~290 MB/s against ~850 MB/s
 * the other way); with 1 MiB (ACCEPTED_WINDOW) both directions reach ~850-1000 MB/s. grpc-js
 * has no public hook for this, so the accepted sessions are widened
 * through the Node http2 servers it keeps (a private field; if it is ever gone, links still
 * work, only with the narrow window).
 */
export function widenServerWindows(server: grpc.Server, window = ACCEPTED_WINDOW): void {
  const http2Servers = (server as unknown as { http2Servers?: Map<EventEmitter, unknown> }).http2Servers;
  if (!(http2Servers instanceof Map)) return;
  for (const http2Server of http2Servers.keys()) {
    http2Server.prependListener("session", (session: Http2Session) => {
      try {
        session.settings({ initialWindowSize: window });
        session.setLocalWindowSize(window);
      } catch {
        // a session closed at once: nothing to widen
      }
    });
  }
}

function hostPort(host: string, port: number): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]:${port}` : `${host}:${port}`;
}

export function tokenMatches(metadata: grpc.Metadata, token: string): boolean {
  const given = metadata.get(TOKEN_HEADER)[0];
  if (typeof given !== "string") return false;
  const a = Buffer.from(given, "utf8");
  const b = Buffer.from(token, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}

export function jobMetadata(token: string, node: number | string): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set(TOKEN_HEADER, token);
  metadata.set(NODE_HEADER, String(node));
  return metadata;
}

export class GrpcTransport implements Transport {
  private readonly server = new grpc.Server(CHANNEL_OPTIONS);
  private readonly clients: grpc.Client[] = [];
  private readonly peers: (StreamChannel | undefined)[];
  private readonly anonymous = new Set<StreamChannel>();
  private boundPort = 0;
  private registrations: (Address | undefined)[] = [];
  private registerWaiters: { callback: grpc.sendUnaryData<Buffer> }[] = [];
  private table: Address[] | null = null;
  private peersReady: (() => void) | null = null;
  private closed = false;
  private security: LinkSecurity | null = null;
  private readonly heartbeat: PeerHeartbeat;

  constructor(
    private readonly config: NodeConfig,
    private readonly handlers: TransportEvents,
  ) {
    this.peers = new Array(config.nodeCount).fill(undefined);
    const beat = new OpWriter(32);
    beat.heartbeat();
    const heartbeatOps = beat.take();
    this.heartbeat = new PeerHeartbeat(config.nodeCount, {
      watched: () => this.linkedPeers(),
      beat: (node) => this.send(node, heartbeatOps),
      hung: (node, silentMs) => {
        if (!this.closed) this.handlers.onPeerHung(node, silentMs);
      },
    });
  }

  /** Peers with a live stream that have not said BYE. */
  private *linkedPeers(): Iterable<number> {
    for (let node = 0; node < this.config.nodeCount; node++) {
      const peer = this.peers[node];
      if (peer && peer.alive && !peer.bye) yield node;
    }
  }

  /** The client side of a link or of the rendezvous, secured like every other. */
  private dial(host: string, port: number): grpc.Client {
    const security = this.security!;
    const client = new grpc.Client(hostPort(host, port), security.client, { ...CHANNEL_OPTIONS, ...security.channelOptions });
    this.clients.push(client);
    return client;
  }

  get port(): number {
    return this.boundPort;
  }

  /** Binds the server, rendezvouses through node 0 and opens a stream to every other node. */
  async start(): Promise<void> {
    const config = this.config;
    this.server.addService(NODE_SERVICE, {
      Register: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => this.onRegister(call, callback),
      Link: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => this.onLink(call),
    });
    const port = config.nodeIndex === 0 && config.listenPort === 0 ? config.rendezvous.port : config.listenPort;
    const security = (this.security = linkSecurity(config));
    // The other nodes bind only once node 0 listens: a local launcher picks the rendezvous port
    // free and releases it for node 0, and a node asking for any free port could be given that
    // very port first (then the others' rendezvous reached it: "not a rendezvous request for node 0").
    const rendezvous = config.nodeIndex === 0 ? null : await this.reachRendezvous();
    this.boundPort = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(hostPort(config.listenHost, port), security.server, (error, bound) =>
        error ? reject(new Error(`cannot listen on ${hostPort(config.listenHost, port)}: ${error.message}`)) : resolve(bound),
      ),
    );
    widenServerWindows(this.server);
    // From the first link on, also while others are still connecting (a slow start is not a hang).
    this.heartbeat.start();
    const me: Address = { host: config.advertiseHost, port: this.boundPort };
    const ready = new Promise<void>((resolve) => (this.peersReady = resolve));
    this.table = rendezvous === null ? await this.collectRegistrations(me) : await this.register(rendezvous, me);
    for (let node = 0; node < config.nodeIndex; node++) this.connect(node, this.table[node]);
    this.checkPeersReady();
    await withTimeout(ready, CONNECT_TIMEOUT_MS, () => {
      const missing = this.peers.map((p, i) => (p || i === config.nodeIndex ? -1 : i)).filter((i) => i >= 0);
      return `no stream from node(s) ${missing.join(", ")} after ${CONNECT_TIMEOUT_MS / 1000} s`;
    });
  }

  private collectRegistrations(me: Address): Promise<Address[]> {
    this.registrations[0] = me;
    return withTimeout(
      new Promise<Address[]>((resolve) => {
        this.onAllRegistered = resolve;
        this.maybeCompleteRendezvous();
      }),
      CONNECT_TIMEOUT_MS,
      () => `rendezvous: node(s) ${[...Array(this.config.nodeCount).keys()].filter((i) => !this.registrations[i]).join(", ")} did not register`,
    );
  }

  private onAllRegistered: ((table: Address[]) => void) | null = null;

  private maybeCompleteRendezvous(): void {
    for (let node = 0; node < this.config.nodeCount; node++) if (!this.registrations[node]) return;
    const table = this.registrations as Address[];
    const reply = encodeTable(table);
    for (const waiter of this.registerWaiters) waiter.callback(null, reply);
    this.registerWaiters = [];
    this.onAllRegistered?.(table);
  }

  private onRegister(call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>): void {
    if (!tokenMatches(call.metadata, this.config.token)) {
      callback({ code: grpc.status.UNAUTHENTICATED, details: "missing or wrong job token" });
      return;
    }
    const request = call.request;
    if (this.config.nodeIndex !== 0 || request.length < 8) {
      callback({ code: grpc.status.FAILED_PRECONDITION, details: "not a rendezvous request for node 0" });
      return;
    }
    const node = request.readUInt32LE(0);
    if (!(node >= 1 && node < this.config.nodeCount) || this.registrations[node]) {
      callback({ code: grpc.status.INVALID_ARGUMENT, details: `node index ${node} is invalid or already registered` });
      return;
    }
    this.registrations[node] = { port: request.readUInt32LE(4), host: request.toString("utf8", 8) };
    this.registerWaiters.push({ callback });
    this.maybeCompleteRendezvous();
  }

  /** A client of node 0's rendezvous once it answers. */
  private async reachRendezvous(): Promise<grpc.Client> {
    const { host, port } = this.config.rendezvous;
    const client = this.dial(host, port);
    const deadline = Date.now() + CONNECT_TIMEOUT_MS;
    await new Promise<void>((resolve, reject) =>
      client.waitForReady(deadline, (error) =>
        error ? reject(new Error(`cannot reach the rendezvous at ${hostPort(host, port)}: ${error.message}`)) : resolve(),
      ),
    );
    return client;
  }

  private async register(client: grpc.Client, me: Address): Promise<Address[]> {
    const deadline = Date.now() + CONNECT_TIMEOUT_MS;
    const reply = await new Promise<Buffer>((resolve, reject) =>
      client.makeUnaryRequest(
        REGISTER_PATH,
        passthrough,
        passthrough,
        encodeRegister(this.config.nodeIndex, me),
        jobMetadata(this.config.token, this.config.nodeIndex),
        { deadline },
        (error, value) => (error || !value ? reject(new Error(`rendezvous failed: ${error?.details ?? error?.message ?? "no reply"}`)) : resolve(value)),
      ),
    );
    const table = decodeTable(reply, this.config.nodeCount);
    if (!table) throw new Error("rendezvous: malformed node table");
    return table;
  }

  private connect(node: number, address: Address): void {
    const client = this.dial(address.host, address.port);
    const call = client.makeBidiStreamRequest(LINK_PATH, passthrough, passthrough, jobMetadata(this.config.token, this.config.nodeIndex), {});
    this.attach(new StreamChannel(node, call), true);
  }

  private onLink(call: grpc.ServerDuplexStream<Buffer, Buffer>): void {
    if (!tokenMatches(call.metadata, this.config.token)) {
      call.emit("error", { code: grpc.status.UNAUTHENTICATED, details: "missing or wrong job token" });
      return;
    }
    const claimed = Number(call.metadata.get(NODE_HEADER)[0]);
    const isPeer = Number.isInteger(claimed) && claimed > this.config.nodeIndex && claimed < this.config.nodeCount && !this.peers[claimed];
    this.attach(new StreamChannel(isPeer ? claimed : null, call), isPeer);
  }

  private attach(channel: StreamChannel, isPeer: boolean): void {
    if (isPeer) {
      this.peers[channel.node!] = channel;
      this.heartbeat.heard(channel.node!);
    } else {
      this.anonymous.add(channel);
    }
    let ended = false;
    const onEnd = () => {
      if (ended) return;
      ended = true;
      channel.alive = false;
      this.anonymous.delete(channel);
      if (isPeer && !this.closed) this.handlers.onPeerLost(channel.node!);
    };
    // Continued frames (framesOf) are joined here, on node links only: a stream that is not a
    // node of the job cannot make this node hold more than one frame for it.
    let continued: Buffer[] = [];
    channel.stream.on("data", (frame: Buffer) => {
      if (this.closed) return;
      if (isPeer) this.heartbeat.heard(channel.node!);
      const isContinued = frame.length >= FRAME_HEADER_BYTES && frame[0] === FRAME_MAGIC0 && frame[1] === FRAME_MAGIC1 && frame[3] === FRAME_CONTINUED;
      if (isPeer && isContinued) {
        continued.push(continued.length === 0 ? frame : frame.subarray(FRAME_HEADER_BYTES));
        return;
      }
      if (isPeer && continued.length > 0) {
        const whole = Buffer.concat([...continued, frame.subarray(FRAME_HEADER_BYTES)]);
        whole[3] = 0;
        continued = [];
        frame = whole;
      }
      this.handlers.onFrame(frame, channel);
    });
    channel.stream.on("end", () => {
      // The other side half-closed: close ours too (server side must finish the call).
      try {
        channel.stream.end();
      } catch {
        // already ended
      }
      onEnd();
    });
    channel.stream.on("error", onEnd);
    channel.stream.on("close", onEnd);
    if (isPeer) this.checkPeersReady();
  }

  private checkPeersReady(): void {
    if (!this.table && this.config.nodeIndex !== 0) return;
    for (let node = 0; node < this.config.nodeCount; node++) if (node !== this.config.nodeIndex && !this.peers[node]) return;
    this.peersReady?.();
  }

  /** Queues operations for `node`; false when there is no live stream to it. */
  send(node: number, ops: Uint8Array): boolean {
    const peer = this.peers[node];
    if (!peer || !peer.alive) return false;
    peer.send(ops);
    return true;
  }

  isAlive(node: number): boolean {
    return this.peers[node]?.alive ?? false;
  }

  /** A hung peer counts as gone: nothing more is sent to it, and it no longer speaks for the job. */
  markHung(node: number): void {
    const peer = this.peers[node];
    if (peer) peer.alive = false;
  }

  markBye(node: number): void {
    const peer = this.peers[node];
    if (peer) peer.bye = true;
  }

  saidBye(node: number): boolean {
    return this.peers[node]?.bye ?? false;
  }

  /** Flushes and ends every stream, then stops the server and the clients. */
  async close(): Promise<void> {
    if (this.closed) return;
    for (const peer of this.peers) peer?.flush();
    this.closed = true;
    this.heartbeat.stop();
    for (const waiter of this.registerWaiters) waiter.callback({ code: grpc.status.UNAVAILABLE, details: "node is shutting down" });
    this.registerWaiters = [];
    // Give queued frames (the BYE) a moment to leave before the streams end.
    await new Promise((resolve) => setTimeout(resolve, 20));
    for (const peer of this.peers) peer?.end();
    for (const channel of this.anonymous) channel.end();
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, 500);
      this.server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
    for (const client of this.clients) client.close();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, describe: () => string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(describe())), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
