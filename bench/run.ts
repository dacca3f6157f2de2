// `npm run bench`: runs every benchmark script of bench/ (compiled to dist/bench/) one after the
// other in its own process, so one benchmark's heap and JIT state never colour another's.
// Consumes nothing; prints each benchmark's report. Not part of the test suite.

import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const scripts = readdirSync(here)
  .filter((f) => f.endsWith(".js") && f !== "run.js")
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

let failed = 0;
for (const script of scripts) {
  console.log(`\n== ${script.replace(/\.js$/, "")}`);
  const r = spawnSync(process.execPath, [join(here, script)], { stdio: "inherit" });
  if (r.status !== 0) {
    failed++;
    console.log(`(${script} failed with status ${r.status})`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
