// The transport floors of the benchmark suite run for real (bench/baselines/tcp.ts, grpc.ts: two
// Node processes on loopback each), at small counts: every RESULT line the suite's figures read is
// there, with a positive finite value. Consumes the built scripts (dist/bench/baselines); the
// numbers themselves belong to `npm run bench`, not to a test.

import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { parseResultLines } from "../../bench/harness/results.js";

const run = promisify(execFile);
const script = (name: string) => fileURLToPath(new URL(`../../dist/bench/baselines/${name}.js`, import.meta.url));

async function results(name: string, args: string[]): Promise<Map<string, number>> {
  const { stdout } = await run(process.execPath, [script(name), ...args], { timeout: 120_000 });
  const parsed = parseResultLines(stdout).results;
  for (const r of parsed) expect(Number.isFinite(r.value) && r.value > 0, `${r.name} = ${r.value}`).toBe(true);
  return new Map(parsed.map((r) => [r.name, r.value]));
}

it("raw TCP: ping-pong of every bulk size and one-way streaming", { timeout: 180_000 }, async () => {
  const pingPong = await results("tcp", ["pingpong", "200"]);
  for (const bytes of [8, 64, 512, 4096, 32768, 262144, 2097152, 8388608]) expect(pingPong.has(`tcp_rtt_${bytes}`)).toBe(true);
  expect([...(await results("tcp", ["stream", "32"])).keys()]).toEqual(["tcp_stream_bw"]);
});

it("raw grpc-js: bidi ping-pong, unary calls and streaming both ways", { timeout: 180_000 }, async () => {
  expect([...(await results("grpc", ["200"])).keys()]).toEqual(["grpc_bidi_rtt", "grpc_unary_rtt"]);
  expect([...(await results("grpc", ["stream", "32"])).keys()]).toEqual(["grpc_stream_up_bw", "grpc_stream_down_bw"]);
});
