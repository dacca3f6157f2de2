// Raw grpc-js baselines between two processes on loopback, with a hand-made service whose
// messages are raw Buffers (no protobuf): an 8-byte bidi-stream ping-pong and unary calls.
// Argument: REPS. Prints RESULT grpc_bidi_rtt us and RESULT grpc_unary_rtt us.

import * as grpc from "@grpc/grpc-js";
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

const identity = (b: Buffer) => b;
const SERVICE: grpc.ServiceDefinition = {
  ping: {
    path: "/bench.Bench/Ping", requestStream: true, responseStream: true,
    requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity,
  },
  echo: {
    path: "/bench.Bench/Echo", requestStream: false, responseStream: false,
    requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity,
  },
};

function serve(): void {
  const server = new grpc.Server();
  server.addService(SERVICE, {
    ping: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
      call.on("data", (d: Buffer) => call.write(d));
      call.on("end", () => call.end());
    },
    echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => callback(null, call.request),
  });
  server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
    if (err) throw err;
    process.send!({ port });
  });
  process.on("disconnect", () => server.forceShutdown());
}

type BenchClient = grpc.Client & {
  ping(): grpc.ClientDuplexStream<Buffer, Buffer>;
  echo(request: Buffer, callback: (err: grpc.ServiceError | null, reply?: Buffer) => void): grpc.ClientUnaryCall;
};

function bidi(client: BenchClient, reps: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const call = client.ping();
    const message = Buffer.alloc(8, 5);
    let done = 0;
    let started = performance.now();
    const warmup = Math.max(10, reps >> 4);
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

async function main(): Promise<void> {
  const [mode] = process.argv.slice(2);
  if (mode === "serve") return serve();
  const reps = Number(mode ?? 5000);
  const child = fork(fileURLToPath(import.meta.url), ["serve"], { stdio: "inherit" });
  try {
    const port = await new Promise<number>((resolve) => child.once("message", (m: { port: number }) => resolve(m.port)));
    const Client = grpc.makeGenericClientConstructor(SERVICE, "Bench");
    const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as unknown as BenchClient;
    console.log(`RESULT grpc_bidi_rtt ${await bidi(client, reps)} us`);
    console.log(`RESULT grpc_unary_rtt ${await unary(client, Math.max(100, reps >> 2))} us`);
    client.close();
  } finally {
    child.kill();
  }
}

await main();
