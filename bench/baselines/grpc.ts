// Raw grpc-js baselines between two processes on loopback, with a hand-made service whose
// messages are raw Buffers (no protobuf).
// `REPS`: an 8-byte bidi-stream ping-pong after as many untimed round trips, and unary calls
// (RESULT grpc_bidi_rtt / grpc_unary_rtt us);
// `stream MIB`: one-way streaming of MIB mebibytes in 1 MiB messages on one bidi stream, acknowledged
// at the end, client to server and server to client (RESULT grpc_stream_up_bw / grpc_stream_down_bw MB/s).

import * as grpc from "@grpc/grpc-js";
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { widenServerWindows } from "../../runtime/transport/grpc/grpc-transport.js";

const identity = (b: Buffer) => b;
/**
 * 8 MiB HTTP/2 receive windows on both ends (grpc-js's own option on the client, the accepted
 * sessions' settings on the server, set as pgasc's nodes set theirs): the fastest setup measured for streaming (1.2-1.6 GB/s
 * against 0.5-0.9 GB/s with grpc-js's defaults); it changes nothing for 8-byte ping-pongs.
 */
const WINDOW = 8 * 1024 * 1024;
const OPTIONS: grpc.ChannelOptions = { "grpc-node.flow_control_window": WINDOW };
const SERVICE: grpc.ServiceDefinition = {
  ping: {
    path: "/bench.Bench/Ping", requestStream: true, responseStream: true,
    requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity,
  },
  flow: {
    path: "/bench.Bench/Flow", requestStream: true, responseStream: true,
    requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity,
  },
  echo: {
    path: "/bench.Bench/Echo", requestStream: false, responseStream: false,
    requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity,
  },
};

const MESSAGE = 1 << 20;

/** Writes `total` bytes in 1 MiB messages as fast as the stream takes them. */
async function sendAll(stream: grpc.ClientDuplexStream<Buffer, Buffer> | grpc.ServerDuplexStream<Buffer, Buffer>, total: number): Promise<void> {
  const message = Buffer.alloc(MESSAGE, 3);
  for (let sent = 0; sent < total; sent += MESSAGE) {
    if (!stream.write(message)) await new Promise((resolve) => stream.once("drain", resolve));
  }
}

function serve(): void {
  const server = new grpc.Server(OPTIONS);
  server.addService(SERVICE, {
    ping: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
      call.on("data", (d: Buffer) => call.write(d));
      call.on("end", () => call.end());
    },
    flow: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
      // first message: 'U' and the byte count the client sends, or 'D' and the count to send it
      let expect = -1;
      let received = 0;
      call.on("data", (d: Buffer) => {
        if (expect < 0) {
          expect = Number(d.readBigUInt64LE(1));
          if (d[0] === 0x44) void sendAll(call, expect);
          return;
        }
        received += d.length;
        if (received >= expect) call.write(Buffer.from([1]));
      });
      call.on("end", () => call.end());
    },
    echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => callback(null, call.request),
  });
  server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
    if (err) throw err;
    widenServerWindows(server, WINDOW);
    process.send!({ port });
  });
  process.on("disconnect", () => server.forceShutdown());
}

type BenchClient = grpc.Client & {
  ping(): grpc.ClientDuplexStream<Buffer, Buffer>;
  flow(): grpc.ClientDuplexStream<Buffer, Buffer>;
  echo(request: Buffer, callback: (err: grpc.ServiceError | null, reply?: Buffer) => void): grpc.ClientUnaryCall;
};

function bidi(client: BenchClient, reps: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const call = client.ping();
    const message = Buffer.alloc(8, 5);
    let done = 0;
    let started = performance.now();
    // As many untimed round trips as timed, as pgasc's scalar get row does (micro.pgas latency):
    // grpc-js needs ~3,000 round trips on these machines to reach its steady speed (V8 compiles its
    // call path), and 1/16 of them left the floor at ~2x its warm time.
    const warmup = reps;
    call.on("data", () => {
      done++;
      if (done === warmup) started = performance.now();
      if (done === warmup + reps) {
        call.end();
        resolve(((performance.now() - started) * 1000) / reps);
      } else {
        call.write(message);
      }
    });
    call.on("error", reject);
    call.write(message);
  });
}

async function unary(client: BenchClient, reps: number): Promise<number> {
  const message = Buffer.alloc(8, 5);
  const once = () => new Promise<void>((resolve, reject) => client.echo(message, (e) => (e ? reject(e) : resolve())));
  for (let i = 0; i < Math.max(10, reps >> 4); i++) await once();
  const started = performance.now();
  for (let i = 0; i < reps; i++) await once();
  return ((performance.now() - started) * 1000) / reps;
}

/** One-way streaming of `total` bytes, "up" (client to server) or "down"; MB/s. */
function stream(client: BenchClient, direction: "up" | "down", total: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const call = client.flow();
    const header = Buffer.alloc(9);
    header[0] = direction === "up" ? 0x55 : 0x44;
    header.writeBigUInt64LE(BigInt(total), 1);
    const started = performance.now();
    let received = 0;
    const done = () => {
      call.end();
      resolve(total / ((performance.now() - started) / 1000) / 1e6);
    };
    call.on("data", (d: Buffer) => {
      if (direction === "up") return done();
      received += d.length;
      if (received >= total) done();
    });
    call.on("error", reject);
    call.write(header);
    if (direction === "up") void sendAll(call, total);
  });
}

async function main(): Promise<void> {
  const [mode] = process.argv.slice(2);
  if (mode === "serve") return serve();
  const streamMiB = mode === "stream" ? Number(process.argv[3] ?? 512) : 0;
  const reps = Number(mode ?? 5000);
  const child = fork(fileURLToPath(import.meta.url), ["serve"], { stdio: "inherit" });
  try {
    const port = await new Promise<number>((resolve) => child.once("message", (m: { port: number }) => resolve(m.port)));
    const Client = grpc.makeGenericClientConstructor(SERVICE, "Bench");
    const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), OPTIONS) as unknown as BenchClient;
    if (streamMiB > 0) {
      for (const direction of ["up", "down"] as const) {
        await stream(client, direction, Math.max(16, streamMiB >> 3) * MESSAGE); // warm-up
        console.log(`RESULT grpc_stream_${direction}_bw ${await stream(client, direction, streamMiB * MESSAGE)} MB/s`);
      }
      client.close();
      return;
    }
    console.log(`RESULT grpc_bidi_rtt ${await bidi(client, reps)} us`);
    console.log(`RESULT grpc_unary_rtt ${await unary(client, Math.max(100, reps >> 2))} us`);
    client.close();
  } finally {
    child.kill();
  }
}

await main();
