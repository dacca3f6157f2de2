// Front-end speed: generates a 5,000-line program using most constructs, then times parse+check
// in this process after a warm-up (so start-up is excluded) and reports lines per second.
// Also times a whole `pgasc check` process for the same file, start-up included.
// Then the front end's regression checks (the tests assert no elapsed time; speed is judged
// here): each compares two timings taken in this run, so a loaded machine slows both sides
// alike. Prints one line per check and exits 1 when one is over its bound.
// `node dist/bench/check-speed.js [--checks-only]` (also run by `npm run bench` and `npm run bench:speed`).

import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkSource } from "../compiler/driver/compile.js";
import { DiagnosticSink } from "../compiler/diagnostics/diagnostic.js";
import { lex } from "../compiler/syntax/lexer.js";
import { parseProgram } from "../compiler/syntax/parse.js";

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

/** Milliseconds of the fastest of `runs` calls of `work` (the least disturbed by other processes). */
function fastestMs(runs: number, work: () => void): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    work();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

function parseOnly(text: string): void {
  parseProgram(text, "bench.pgas", new DiagnosticSink("bench.pgas"));
}

export interface SpeedCheck {
  name: string;
  /** What is compared with what, for the report line. */
  measured: string;
  ratio: number;
  bound: number;
}

/**
 * The front end's regression checks, each a ratio of two timings taken now:
 * - parse of the 5,000-line program against a plain lex of the same text (parsing must stay a
 *   small multiple of reading the characters);
 * - per-byte cost of 10 MB of one token (what hostile input looks like) against 1 MB of the same
 *   token (less where 1 MB is over the token budget): linear work gives about 1 (less once the lexer's token budget stops reading), work
 *   quadratic in the length gives 100s; lexing past the budget (10 MB read twice) gives 10s;
 * - per-term cost of one line of 200,000 '+' terms against 20,000 (both refused as too deep):
 *   linear gives about 1, quadratic 10.
 * The bounds leave room for a loaded machine's noise (each side is the fastest of a few runs).
 */
export function speedChecks(): SpeedCheck[] {
  const checks: SpeedCheck[] = [];
  const program = generateProgram(5000);
  parseOnly(program); // warm-up: JIT, parser self-analysis
  const lexMs = fastestMs(5, () => lex(program, new DiagnosticSink("bench.pgas")));
  const parseMs = fastestMs(5, () => parseOnly(program));
  checks.push({ name: "5,000-line program: parse / lex", measured: `${parseMs.toFixed(1)} ms / ${lexMs.toFixed(1)} ms`, ratio: parseMs / lexMs, bound: 20 });

  const M = 1024 * 1024;
  const tokens: [string, (bytes: number) => string][] = [
    ["a", (n) => "a".repeat(n)],
    ["+", (n) => "+".repeat(n)],
    [";", (n) => ";".repeat(n)],
    ["@", (n) => "@".repeat(n)],
    ['"x (unterminated string)', (n) => '"' + "x".repeat(n)],
    ["/*x (unterminated comment)", (n) => "/*" + "x".repeat(n)],
    ["'1 '", (n) => "1 ".repeat(n / 2)],
  ];
  for (const [what, make] of tokens) {
    // The baseline: the largest of 1 MB, 256 KB, 64 KB that stays under the lexer's token budget.
    const smallBytes = [M, M / 4, M / 16].find((n) => !lex(make(n), new DiagnosticSink("bench.pgas")).tooLarge) ?? M / 16;
    const small = make(smallBytes);
    const large = make(10 * M);
    parseOnly(small);
    const smallMs = fastestMs(3, () => parseOnly(small));
    const largeMs = fastestMs(2, () => parseOnly(large));
    const times = (10 * M) / smallBytes;
    const ratio = largeMs / times / Math.max(smallMs, 0.1);
    checks.push({ name: `10 MB of ${what}: per-byte cost against ${smallBytes / 1024} KB`, measured: `${largeMs.toFixed(0)} ms / ${times} x ${smallMs.toFixed(1)} ms`, ratio, bound: 4 });
  }

  const operators = (terms: number) => "var x = " + "1 + ".repeat(terms) + "1\n";
  const shortLine = operators(20_000);
  const longLine = operators(200_000);
  checkSource(shortLine, "bench.pgas");
  const shortMs = fastestMs(3, () => checkSource(shortLine, "bench.pgas"));
  const longMs = fastestMs(2, () => checkSource(longLine, "bench.pgas"));
  checks.push({
    name: "one line of 200,000 '+' terms: per-term cost against 20,000",
    measured: `${longMs.toFixed(0)} ms / 10 x ${shortMs.toFixed(0)} ms`,
    ratio: longMs / 10 / Math.max(shortMs, 0.1),
    bound: 4,
  });
  return checks;
}

function report(checks: SpeedCheck[]): boolean {
  let ok = true;
  console.log("front-end regression checks (ratios of timings taken in this run):");
  for (const c of checks) {
    const pass = c.ratio <= c.bound;
    ok &&= pass;
    console.log(`  ${pass ? "ok  " : "OVER"} ${c.name}: ${c.measured} = ${c.ratio.toFixed(2)} (bound ${c.bound})`);
  }
  return ok;
}

function main(): void {
  if (!process.argv.includes("--checks-only")) throughput();
  if (!report(speedChecks())) {
    console.log("a front-end speed check is over its bound: something became slower than linear");
    process.exitCode = 1;
  }
}

function throughput(): void {
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
