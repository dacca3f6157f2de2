// Micro-benchmark of one-node bulk transfers: per-call time of getRect/putRect (coarray) and
// sgetRect/sputRect (shared array) for 1..4096 contiguous floats between images 0 and 1, each
// size warmed up first. Consumes nothing; writes a program module to a temp dir, runs it through
// runLocal and prints µs per call. Run: npx tsc -p tsconfig.json && node dist/bench/runtime-bulk.js

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runLocal } from "../runtime/launcher/run-local.js";

// Calls are written as generated code writes them: fresh Rect literals at every call.
const PROGRAM = `
export const abiVersion = 1;
export const sourceFile = "bulk.pgas";
export const sourceLines = [];
export const sites = [[1, 1]];
export function main(rt) {
  const me = rt.thisImage();
  const MAX = 4096;
  const c = rt.coarray("c", "float", [MAX], 0);
  const s = rt.shared("s", "float", [2 * MAX], "block", 0);
  const buffer = new Float64Array(MAX);
  rt.syncAll(0);
  if (me === 0) {
    const line = [];
    for (const n of [1, 8, 64, 512, 4096]) {
      const reps = Math.max(2000, Math.min(200000, (4_000_000 / n) | 0));
      const time = (op) => {
        for (let r = 0; r < reps; r++) op();
        const t = rt.wtime();
        for (let r = 0; r < reps; r++) op();
        return ((rt.wtime() - t) / reps) * 1e6;
      };
      const get = time(() => rt.getRect(c, 1, { offset: 0, n0: n, s0: 1, n1: 1, s1: 0 }, buffer, { offset: 0, n0: n, s0: 1, n1: 1, s1: 0 }, 0));
      const put = time(() => rt.putRect(c, 1, { offset: 0, n0: n, s0: 1, n1: 1, s1: 0 }, buffer, { offset: 0, n0: n, s0: 1, n1: 1, s1: 0 }, 0));
      const sget = time(() => rt.sgetRect(s, { offset: MAX, n0: n, s0: 1, n1: 1, s1: 0 }, buffer, { offset: 0, n0: n, s0: 1, n1: 1, s1: 0 }, 0));
      const sput = time(() => rt.sputRect(s, { offset: MAX, n0: n, s0: 1, n1: 1, s1: 0 }, buffer, { offset: 0, n0: n, s0: 1, n1: 1, s1: 0 }, 0));
      line.push(n * 8 + "B get " + get.toFixed(3) + " put " + put.toFixed(3) + " sget " + sget.toFixed(3) + " sput " + sput.toFixed(3));
    }
    rt.print(line.join("\\n"));
  }
  rt.syncAll(0);
}
`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "pgasc-bulk-"));
  const program = join(dir, "bulk.mjs");
  writeFileSync(program, PROGRAM);
  try {
    const status = await runLocal({ program, images: 2, args: [], timeoutSeconds: 120 });
    if (status !== 0) process.exitCode = status;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
