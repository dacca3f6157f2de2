// Runs a hand-written compiled module (bench/fixtures/NAME.mjs) as `pgasc run` runs a program on
// one node: the job's own process, N images, checkpoints in a temporary directory that is removed
// afterwards. For the benchmark figures whose pgasc side the compiler cannot emit yet (checkpoint).
// Usage: node dist/bench/run-module.js NAME N [ARGS...]; exits with the job's status.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runLocalProcess } from "../runtime/launcher/run-local-process.js";

const [name, images, ...args] = process.argv.slice(2);
if (name === undefined || !/^\d+$/.test(images ?? "")) {
  process.stderr.write("usage: node dist/bench/run-module.js NAME N [ARGS...]\n");
  process.exit(2);
}
const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
// The same file system as the JS baselines' temporary files: the figures compare like with like.
const dir = mkdtempSync(join(tmpdir(), "pgasc-bench-ckpt-"));
const status = await runLocalProcess({
  program: join(repo, "bench", "fixtures", `${name}.mjs`),
  images: Number(images),
  args,
  checkpoint: { dir, restart: "no" },
});
rmSync(dir, { recursive: true, force: true });
process.exit(status);
