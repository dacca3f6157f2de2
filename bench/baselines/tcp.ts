// Raw Node TCP baselines between two processes on loopback: the floor for any Node transport.
// `pingpong REPS`: round trip of 8 B .. 8 MiB messages echoed back (RESULT tcp_rtt_BYTES us);
// `stream MIB`: one-way streaming of MIB mebibytes, acknowledged at the end, after an untimed run of
// an eighth as much (at least 16 MiB) (RESULT tcp_stream_bw MB/s). Each ping-pong size runs as many
// untimed round trips as timed.

import { fork } from "node:child_process";
import { createConnection, createServer, type Socket } from "node:net";
import { fileURLToPath } from "node:url";

const SIZES = [8, 64, 512, 4096, 32768, 262144, 2097152, 8388608];
const CHUNK = 1 << 20;

/** The echo/sink process: "echo" writes back every byte; "sink" answers one byte after `expect`. */
function serve(): void {
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    let mode: "unknown" | "echo" | "sink" = "unknown";
    let expect = 0;
    let received = 0;
    socket.on("data", (data: Buffer) => {
      if (mode === "unknown") {
        // first 9 bytes: a mode byte ('E' or 'S') and, for the sink, the byte count to expect
        mode = data[0] === 0x45 ? "echo" : "sink";
        expect = Number(data.readBigUInt64LE(1));
        data = data.subarray(9);
      }
      if (mode === "echo") {
        if (data.length > 0) socket.write(data);
      } else {
        received += data.length;
        if (received >= expect) socket.write(Buffer.from([1]));
      }
    });
    socket.on("error", () => socket.destroy());
  });
  server.listen(0, "127.0.0.1", () => {
    const address = server.address();
    process.send!({ port: typeof address === "object" && address ? address.port : 0 });
  });
  process.on("disconnect", () => process.exit(0));
}

function connect(port: number, mode: "E" | "S", expect: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host: "127.0.0.1" }, () => {
      socket.setNoDelay(true);
      const header = Buffer.alloc(9);
      header[0] = mode.charCodeAt(0);
      header.writeBigUInt64LE(BigInt(expect), 1);
      socket.write(header);
      resolve(socket);
    });
    socket.on("error", reject);
  });
}

/** Sends `message` and waits until as many bytes have come back, `reps` times; µs per round trip. */
function pingPong(socket: Socket, message: Buffer, reps: number): Promise<number> {
  return new Promise((resolve) => {
    let got = 0;
    let done = 0;
    let started = 0;
    const onData = (data: Buffer) => {
      got += data.length;
      if (got < message.length) return;
      got -= message.length;
      done++;
      if (done === reps) {
        socket.off("data", onData);
        resolve(((performance.now() - started) * 1000) / reps);
      } else {
        socket.write(message);
      }
    };
    socket.on("data", onData);
    started = performance.now();
    socket.write(message);
  });
}

async function clientPingPong(port: number, reps: number): Promise<void> {
  const socket = await connect(port, "E", 0);
  for (const bytes of SIZES) {
    const message = Buffer.alloc(bytes, 7);
    const n = Math.max(4, Math.min(reps, Math.floor((reps * 64) / bytes)));
    await pingPong(socket, message, n); // warm-up: as many as timed, as every ping-pong row does
    const us = await pingPong(socket, message, n);
    console.log(`RESULT tcp_rtt_${bytes} ${us} us`);
  }
  socket.destroy();
}

/** Streams `mebibytes` to a sink on a connection of its own; MB/s until the sink acknowledges. */
async function streamOnce(port: number, mebibytes: number): Promise<number> {
  const total = mebibytes * CHUNK;
  const socket = await connect(port, "S", total);
  const chunk = Buffer.alloc(CHUNK, 3);
  const started = performance.now();
  const acknowledged = new Promise<void>((resolve) => socket.once("data", () => resolve()));
  for (let sent = 0; sent < total; sent += CHUNK) {
    if (!socket.write(chunk)) await new Promise((r) => socket.once("drain", r));
  }
  await acknowledged;
  const seconds = (performance.now() - started) / 1000;
  socket.destroy();
  return total / seconds / 1e6;
}

async function clientStream(port: number, mebibytes: number): Promise<void> {
  // warm-up, as the grpc-js floor and pgasc's bulk rows have: the first run of a fresh process
  // measured 556-831 MB/s where the next ones reached 1,800-2,160
  await streamOnce(port, Math.max(16, mebibytes >> 3));
  console.log(`RESULT tcp_stream_bw ${await streamOnce(port, mebibytes)} MB/s`);
}

async function main(): Promise<void> {
  const [mode, count] = process.argv.slice(2);
  if (mode === "serve") return serve();
  if (mode !== "pingpong" && mode !== "stream") {
    console.log(`INVALID tcp: unknown mode ${mode}`);
    process.exit(1);
  }
  const child = fork(fileURLToPath(import.meta.url), ["serve"], { stdio: "inherit" });
  try {
    const port = await new Promise<number>((resolve) => child.once("message", (m: { port: number }) => resolve(m.port)));
    if (mode === "pingpong") await clientPingPong(port, Number(count ?? 10000));
    else await clientStream(port, Number(count ?? 512));
  } finally {
    child.kill();
  }
}

await main();
