// Cross-node micro benchmark of the grpc conduit, with a raw Node TCP ping-pong on loopback
// measured in the same run as the reference. Consumes the built runtime (dist/); produces a table:
// scalar get latency, `sync all` time, fine-grained puts per second, warm 8 MiB get/put bandwidth
// (2 node processes, 1 image each).
// Run: npx tsc -p tsconfig.json && node dist/bench/grpc-micro.js [count]

import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, connect, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const nodeMain = pathToFileURL(join(here, "../runtime/conduits/grpc/node-main.js")).href;

/** A hand-written compiled program (runtime ABI 1): image 0 measures against the last image. */
const PROGRAM = `
export const abiVersion = 1;
export const sourceFile = "grpc-micro.pgas";
export const sourceLines = ["grpc-micro"];
export const sites = [[1, 1]];
export function main(rt) {
  const me = rt.thisImage();
  const far = rt.numImages() - 1;
  const n = rt.argInt(0, 2000, 0);
  const c = rt.coarray("c", "float", [8], 0);
  const BULK = 1 << 20;
  const big = rt.coarray("big", "float", [BULK], 0);
  c.local[0] = me;
  rt.syncAll(0);
  if (me === 0) {
    for (let i = 0; i < 200; i++) rt.get(c, far, 0, 0);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) rt.get(c, far, 0, 0);
    rt.print("RESULT get_us " + ((performance.now() - t0) * 1000 / n).toFixed(1));
  }
  for (let i = 0; i < 50; i++) rt.syncAll(0);
  const syncs = Math.max(100, n >> 1);
  let t0 = performance.now();
  for (let i = 0; i < syncs; i++) rt.syncAll(0);
  if (me === 0) rt.print("RESULT sync_all_us " + ((performance.now() - t0) * 1000 / syncs).toFixed(1));
  const puts = n * 100;
  if (me === 0) {
    t0 = performance.now();
    for (let i = 0; i < puts; i++) rt.put(c, far, i & 7, i, 0);
    rt.syncMemory(0);
    rt.print("RESULT puts_per_s " + Math.round(puts / ((performance.now() - t0) / 1000)));
    // 8 MiB gets and puts, warm (20 untimed first): what the conduit streams once V8 has settled.
    const buffer = new Float64Array(BULK);
    const all = { offset: 0, n0: BULK, s0: 1, n1: 1, s1: 0 };
    const bulkGet = () => rt.getRect(big, far, all, buffer, all, 0);
    const bulkPut = () => rt.putRect(big, far, all, buffer, all, 0);
    for (let i = 0; i < 20; i++) { bulkGet(); bulkPut(); }
    rt.syncMemory(0);
    t0 = performance.now();
    for (let i = 0; i < 20; i++) bulkGet();
    rt.print("RESULT bulk_get_mb_s " + Math.round((20 * 8 * BULK) / ((performance.now() - t0) * 1000)));
    t0 = performance.now();
    for (let i = 0; i < 20; i++) bulkPut();
    rt.syncMemory(0);
    rt.print("RESULT bulk_put_mb_s " + Math.round((20 * 8 * BULK) / ((performance.now() - t0) * 1000)));
  }
  rt.syncAll(0);
}
`;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const port = (server.address() as AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

async function runTwoNodes(program: string, driver: string, count: number): Promise<Map<string, string>> {
  const port = await freePort();
  const token = randomBytes(16).toString("hex");
  const configs = [0, 1].map((nodeIndex) => ({
    nodeIndex,
    nodeCount: 2,
    images: 2,
    rendezvous: { host: "127.0.0.1", port },
    listenHost: "127.0.0.1",
    listenPort: nodeIndex === 0 ? port : 0,
    advertiseHost: "127.0.0.1",
    token,
    program,
    args: [String(count)],
    label: false,
    timeoutSeconds: 300,
  }));
  const results = new Map<string, string>();
  await Promise.all(
    configs.map(
      (config) =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(process.execPath, [driver, JSON.stringify(config)], { stdio: ["ignore", "pipe", "inherit"] });
          let out = "";
          child.stdout.on("data", (chunk) => (out += chunk));
          child.on("exit", (code) => {
            for (const line of out.split("\n")) {
              const m = /^RESULT (\S+) (\S+)$/.exec(line);
              if (m) results.set(m[1], m[2]);
            }
            if (code === 0) resolve();
            else reject(new Error(`node ${config.nodeIndex} exited with ${code}`));
          });
        }),
    ),
  );
  return results;
}

/** Round-trip time of 8-byte messages between this process and an echo process on loopback. */
async function tcpPingPong(count: number): Promise<number> {
  const echo = spawn(
    process.execPath,
    [
      "-e",
      `const s = require("net").createServer((c) => { c.setNoDelay(true); c.on("data", (d) => c.write(d)); }).listen(0, "127.0.0.1", () => console.log(s.address().port));`,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const port = await new Promise<number>((resolve) => echo.stdout.once("data", (d) => resolve(Number(String(d).trim()))));
  const socket = connect(port, "127.0.0.1");
  socket.setNoDelay(true);
  await new Promise((resolve) => socket.once("connect", resolve));
  const message = Buffer.alloc(8);
  const once = () =>
    new Promise<void>((resolve) => {
      let got = 0;
      const onData = (d: Buffer) => {
        got += d.length;
        if (got >= 8) {
          socket.off("data", onData);
          resolve();
        }
      };
      socket.on("data", onData);
      socket.write(message);
    });
  for (let i = 0; i < 200; i++) await once();
  const t0 = performance.now();
  for (let i = 0; i < count; i++) await once();
  const micros = ((performance.now() - t0) * 1000) / count;
  socket.destroy();
  echo.kill();
  return micros;
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 2000);
  const dir = mkdtempSync(join(tmpdir(), "pgasc-grpc-micro-"));
  try {
    const program = join(dir, "grpc-micro.mjs");
    writeFileSync(program, PROGRAM);
    // A file, not --eval: image worker threads inherit execArgv.
    const driver = join(dir, "node.mjs");
    writeFileSync(driver, `import { runNode } from ${JSON.stringify(nodeMain)};\nprocess.exit(await runNode(JSON.parse(process.argv[2])));\n`);
    const tcp = await tcpPingPong(count);
    const grpcResults = await runTwoNodes(program, driver, count);
    const get = Number(grpcResults.get("get_us"));
    const sync = Number(grpcResults.get("sync_all_us"));
    const puts = Number(grpcResults.get("puts_per_s"));
    const rows = [
      ["raw Node TCP ping-pong (8 B round trip, loopback)", `${tcp.toFixed(1)} µs`, ""],
      ["scalar get, image on the other node", `${get.toFixed(1)} µs`, `${(get / tcp).toFixed(1)}× TCP round trip`],
      ["sync all, 2 nodes x 1 image", `${sync.toFixed(1)} µs`, `${(sync / tcp).toFixed(1)}× TCP round trip`],
      ["fine-grained 8-byte puts to the other node", `${(puts / 1000).toFixed(0)} k/s`, `${(1e6 / puts).toFixed(2)} µs each`],
      ["8 MiB get from the other node (warm)", `${grpcResults.get("bulk_get_mb_s")} MB/s`, ""],
      ["8 MiB put to the other node (warm)", `${grpcResults.get("bulk_put_mb_s")} MB/s`, ""],
    ];
    console.log(`grpc conduit micro benchmark (${count} repetitions; node ${process.version})`);
    for (const [what, value, note] of rows) console.log(`  ${what.padEnd(52)} ${value.padStart(12)}  ${note}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
