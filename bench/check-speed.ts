// Front-end speed: generates a 5,000-line program using most constructs, then times parse+check
// in this process after a warm-up (so start-up is excluded) and reports lines per second.
// Also times a whole `pgasc check` process for the same file, start-up included.

import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkSource } from "../compiler/driver/compile.js";

/** A valid program of about `lines` lines: functions, loops, coarray traffic, collectives. */
export function generateProgram(lines: number): string {
  const out: string[] = [
    "// generated for the front-end benchmark",
    "const N = 1000",
    "var c: float(N)[*]",
    "var s: int[*]",
    "shared x: float(N) cyclic(4)",
    "var total = 0.0",
  ];
  let k = 0;
  while (out.length < lines) {
    k++;
    out.push(
      `fn work${k}(a: float(:), n: int) -> float {`,
      `  var acc = 0.0`,
      `  for i in 0..n {`,
      `    if a(i) > ${k}.5 && i % 3 != 1 { acc += a(i) * 2.0 } else { acc -= float(i) / 7.0 }`,
      `  }`,
      `  var j = n`,
      `  while j > 0 { j = j / 2; acc = acc + sqrt(abs(acc)) }`,
      `  return acc`,
      `}`,
      `var local${k}: float(N)`,
      `local${k}(0:N) = c(0:N)[(this_image() + 1) % num_images()]`,
      `total += work${k}(local${k}, N) + float(s[0]) ** 2`,
      `forall i in 0..N on x(i) { x(i) = float(i) * ${k}.0 }`,
      `atomic_add(s[0], ${k})`,
      `sync all`,
      `co_sum(total)`,
      ``,
    );
  }
  out.push(`if this_image() == 0 { print("total", total) }`);
  return out.join("\n") + "\n";
}

function main(): void {
  const text = generateProgram(5000);
  const lines = text.split("\n").length - 1;
  for (let i = 0; i < 3; i++) checkSource(text, "bench.pgas"); // warm-up: JIT, parser self-analysis
  const runs = 10;
  const started = performance.now();
  for (let i = 0; i < runs; i++) {
    const r = checkSource(text, "bench.pgas");
    if (!r.ok) throw new Error(`generated program has errors: ${r.diagnostics[0]?.message}`);
  }
  const ms = (performance.now() - started) / runs;
  console.log(`front end: ${lines} lines in ${ms.toFixed(1)} ms: ${Math.round((lines / ms) * 1000).toLocaleString("en")} lines/s`);

  const dir = mkdtempSync(join(tmpdir(), "pgasc-bench-"));
  const file = join(dir, "big.pgas");
  writeFileSync(file, text);
  const cli = join(dirname(fileURLToPath(import.meta.url)), "..", "cli", "pgasc.js");
  const t0 = performance.now();
  execFileSync(process.execPath, [cli, "check", file]);
  console.log(`pgasc check (whole process, start-up included): ${(performance.now() - t0).toFixed(0)} ms`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
