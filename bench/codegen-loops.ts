// Focused benchmark of the generated local loops: bench/kernels/{nstream,transpose,stencil}.pgas at
// one image against the same loops written by hand (bench/baselines/local-loops.ts). Consumes the
// built CLI and baselines (dist/); prints best and median rate of each side and their ratio.
// Run: npx tsc -p tsconfig.json && node dist/bench/codegen-loops.js [ROUNDS] [--before CLI] [KERNEL...]
// (--before: another build's dist/cli/pgasc.js, e.g. of an older commit, measured alongside)

import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const distBench = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(distBench, "..", "..");
const cli = join(repoRoot, "dist", "cli", "pgasc.js");
const baseline = join(distBench, "baselines", "local-loops.js");

/** The suite's full-size arguments (bench/harness/figures.ts, kernelArgs). */
const KERNEL_ARGS: Record<string, string[]> = {
  nstream: ["4000000", "20"],
  transpose: ["1024", "10"],
  stencil: ["1024", "10"],
};

const argv = process.argv.slice(2);
const rounds = argv[0] !== undefined && /^\d+$/.test(argv[0]) ? Number(argv.shift()) : 7;
const beforeAt = argv.indexOf("--before");
const beforeCli = beforeAt >= 0 ? resolve(argv.splice(beforeAt, 2)[1] ?? "") : undefined;
const kernels = argv.length ? argv : Object.keys(KERNEL_ARGS);
const buildDir = mkdtempSync(join(tmpdir(), "pgasc-codegen-loops-"));

/** Runs a command and returns the rate on its `RESULT name rate unit` line. */
function rateOf(command: string[]): number {
  const r = spawnSync(process.execPath, command, { encoding: "utf8" });
  const line = r.stdout.split("\n").find((l) => l.startsWith("RESULT "));
  if (r.status !== 0 || !line) throw new Error(`${command.join(" ")} failed: ${r.stdout}${r.stderr}`);
  return Number(line.split(" ")[2]);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

for (const kernel of kernels) {
  const args = KERNEL_ARGS[kernel];
  if (!args) throw new Error(`unknown kernel ${kernel} (known: ${Object.keys(KERNEL_ARGS).join(", ")})`);
  const source = join(repoRoot, "bench", "kernels", `${kernel}.pgas`);
  const built = join(buildDir, `${kernel}.mjs`);
  const builtBefore = join(buildDir, `${kernel}.before.mjs`);
  const pgasc: number[] = [];
  const hand: number[] = [];
  const before: number[] = [];
  // interleaved, so that every side sees the same background load
  for (let r = 0; r < rounds; r++) {
    pgasc.push(rateOf([cli, "run", "-n", "1", "-o", built, source, "--", ...args]));
    hand.push(rateOf([baseline, kernel, ...args]));
    if (beforeCli) before.push(rateOf([beforeCli, "run", "-n", "1", "-o", builtBefore, source, "--", ...args]));
  }
  const best = Math.max(...pgasc) / Math.max(...hand);
  const med = median(pgasc) / median(hand);
  console.log(
    `${kernel.padEnd(10)} pgasc best ${Math.max(...pgasc).toFixed(0).padStart(6)} median ${median(pgasc).toFixed(0).padStart(6)}` +
      ` | JS best ${Math.max(...hand).toFixed(0).padStart(6)} median ${median(hand).toFixed(0).padStart(6)}` +
      ` | ratio best ${best.toFixed(2)} median ${med.toFixed(2)}` +
      (before.length ? ` | before: best ${Math.max(...before).toFixed(0)}, ratio ${(Math.max(...before) / Math.max(...hand)).toFixed(2)}` : ""),
  );
}
