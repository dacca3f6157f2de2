// Benchmark: the local triad a(i) = b(i) + s * c(i) over 10M floats, compiled by pgasc, against
// the same loop written by hand in JavaScript. Consumes nothing (compiles its own program); prints
// the best time of each and the ratio (goal: pgasc >= 0.8 of hand-written speed).
// Run: npx tsc -p tsconfig.json && node dist/bench/triad-local.js

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildSource } from "../compiler/driver/compile.js";

const N = 10_000_000;
const REPS = 10;

const PROGRAM = `
const N = arg_int(0, 1000)
const REPS = arg_int(1, 5)
var a: float(N)
var b: float(N)
var c: float(N)
const s = 3.0
for i in 0..N {
  b(i) = float(i)
  c(i) = 2.0
}
var best = 1.0e9
for r in 0..REPS {
  const t0 = wtime()
  for i in 0..N {
    a(i) = b(i) + s * c(i)
  }
  best = min(best, wtime() - t0)
}
print(best, a(N - 1))
`;

function handWritten(): number {
  const a = new Float64Array(N);
  const b = new Float64Array(N);
  const c = new Float64Array(N);
  const s = 3.0;
  for (let i = 0; i < N; i++) {
    b[i] = i;
    c[i] = 2.0;
  }
  let best = Infinity;
  for (let r = 0; r < REPS; r++) {
    const t0 = performance.now() / 1000;
    for (let i = 0; i < N; i++) a[i] = b[i]! + s * c[i]!;
    best = Math.min(best, performance.now() / 1000 - t0);
  }
  if (a[N - 1] !== N - 1 + 6) throw new Error("wrong result");
  return best;
}

async function compiled(): Promise<number> {
  const built = await buildSource(PROGRAM, "triad.pgas");
  if (!built.ok || !built.js) throw new Error("triad.pgas does not compile");
  const file = join(mkdtempSync(join(tmpdir(), "pgasc-bench-")), "triad.mjs");
  writeFileSync(file, built.js);
  const mod = (await import(pathToFileURL(file).href)) as { main: (rt: unknown) => void };
  let printed = "";
  // one image, no communication: only the calls this program makes
  const rt = {
    argInt: (i: number) => (i === 0 ? N : REPS),
    wtime: () => performance.now() / 1000,
    print: (line: string) => (printed = line),
    str: (v: number) => String(v),
    fail: (m: string) => {
      throw new Error(m);
    },
    indexError: () => {
      throw new Error("index error");
    },
  };
  mod.main(rt);
  return Number(printed.split(" ")[0]);
}

const hand = handWritten();
const pgas = await compiled();
const gbs = (t: number) => ((3 * 8 * N) / t / 1e9).toFixed(2);
console.log(`hand-written JS: ${(hand * 1000).toFixed(2)} ms (${gbs(hand)} GB/s)`);
console.log(`pgasc:           ${(pgas * 1000).toFixed(2)} ms (${gbs(pgas)} GB/s)`);
console.log(`ratio (hand / pgasc time): ${(hand / pgas).toFixed(3)}`);
