// Micro-benchmark of the one-node runtime: same-node remote scalar get and put, and `sync all`,
// at 2 and 16 images (or the counts given as arguments). Consumes nothing; writes a small
// program module to a temp dir, runs it through runLocal and prints the per-operation times.
// Run: npx tsc -p tsconfig.json && node dist/bench/runtime-micro.js [images...]

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runLocal } from "../runtime/launcher/run-local.js";

const PROGRAM = `
export const abiVersion = 1;
export const sourceFile = "micro.pgas";
export const sourceLines = [];
export const sites = [[1, 1]];
export function main(rt) {
  const me = rt.thisImage();
  const n = rt.numImages();
  const c = rt.coarray("c", "float", [8], 0);
  const GETS = 2_000_000, SYNCS = n > 4 ? 2_000 : 20_000;
  rt.syncAll(0);
  if (me === 0) {
    let sum = 0;
    for (let i = 0; i < GETS; i++) sum += rt.get(c, 1, i & 7, 0);
    let t = rt.wtime();
    for (let i = 0; i < GETS; i++) sum += rt.get(c, 1, i & 7, 0);
    const get = (rt.wtime() - t) / GETS;
    t = rt.wtime();
    for (let i = 0; i < GETS; i++) rt.put(c, 1, i & 7, i, 0);
    const put = (rt.wtime() - t) / GETS;
    rt.print("get_us " + (get * 1e6).toFixed(4) + " put_us " + (put * 1e6).toFixed(4) + " (" + (sum > -1 ? "" : "x") + ")");
  }
  rt.syncAll(0);
  for (let i = 0; i < SYNCS / 10; i++) rt.syncAll(0);
  const t = rt.wtime();
  for (let i = 0; i < SYNCS; i++) rt.syncAll(0);
  const sync = (rt.wtime() - t) / SYNCS;
  if (me === 0) rt.print("sync_all_us " + (sync * 1e6).toFixed(2));
}
`;

async function main(): Promise<void> {
  const counts = process.argv.slice(2).map(Number);
  const dir = mkdtempSync(join(tmpdir(), "pgasc-micro-"));
  const program = join(dir, "micro.mjs");
  writeFileSync(program, PROGRAM);
  try {
    for (const images of counts.length > 0 ? counts : [2, 16]) {
      process.stdout.write(`images ${images}:\n`);
      const status = await runLocal({ program, images, args: [], timeoutSeconds: 120 });
      if (status !== 0) process.exitCode = status;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
