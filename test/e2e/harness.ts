// End-to-end harness for .pgas programs: samples/ and test/programs/.
//
// Each program is built once (as `pgasc build FILE -o TMP/NAME.mjs` would, in this process), then
// run at every image count (`pgasc run -n N -o TMP/NAME.mjs FILE -- ARGS`) with a per-run timeout
// that kills the whole process group, so a hang fails its test instead of stalling the suite.
//
// Each program carries its expectations in header comments (the leading `//` lines):
//   // images: 1 2 4          image counts to run with (default: 1 2 4)
//   // order: any             lines from several images are unordered: compare sorted lines
//   // args: 5 2.5 hello      program arguments (passed after `--`)
//   // exit: 1                expected exit status (default 0)
//   // stderr: text           a substring that must appear in stderr (several lines allowed)
//   // stderr: /regex/i       a regular expression that must match stderr
//   // nodes: 2 4             optional `--nodes K` splits, run only when PGASC_E2E_NODES=1 (or
//                            when the suite asks for them: listPrograms(dir, { nodeSplits: true }))
//   // timeout: 60            per-run timeout in seconds (default 120: generous, as only a hang
//                            should reach it on a loaded machine)
// Expected stdout: for samples `samples/expected/NAME.N.txt`; for test programs
// `test/programs/NAME.N.expected` if present, else `test/programs/NAME.expected`. A failing
// program (exit != 0) without an expected file has its stdout unchecked.
//
// Environment: PGASC_E2E_FILTER=substr (only matching programs), PGASC_E2E_MAX_IMAGES=n (skip
// larger image counts), PGASC_E2E_NODES=1 (also run the `nodes:` splits).

import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const repoRoot = resolve(fileURLToPath(new URL(".", import.meta.url)), "..", "..");
export const cliPath = join(repoRoot, "dist", "cli", "pgasc.js");

export interface ProgramSpec {
  name: string;
  file: string;
  images: number[];
  orderAny: boolean;
  args: string[];
  exit: number;
  stderr: (string | RegExp)[];
  nodes: number[];
  timeoutMs: number;
}

function parseRegex(text: string): string | RegExp {
  const m = /^\/(.*)\/([a-z]*)$/.exec(text);
  return m ? new RegExp(m[1], m[2]) : text;
}

/** How a suite treats the headers: `nodeSplits` runs the `nodes:` splits whatever the environment. */
export interface HeaderOptions {
  nodeSplits?: boolean;
}

/** Reads the header comment lines of a .pgas file. */
export function parseHeader(file: string, options: HeaderOptions = {}): ProgramSpec {
  const source = readFileSync(file, "utf8");
  const spec: ProgramSpec = {
    name: basename(file, ".pgas"),
    file,
    images: [1, 2, 4],
    orderAny: false,
    args: [],
    exit: 0,
    stderr: [],
    nodes: [],
    timeoutMs: 120_000,
  };
  for (const raw of source.split("\n")) {
    const line = raw.trim();
    if (line === "") continue;
    if (!line.startsWith("//")) break;
    const m = /^\/\/\s*(images|order|args|exit|stderr|nodes|timeout)\s*:\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    const [, key, value] = m;
    const ints = () => value.split(/[\s,]+/).filter((s) => s !== "").map((s) => Number.parseInt(s, 10));
    switch (key) {
      case "images":
        spec.images = ints();
        break;
      case "order":
        spec.orderAny = value === "any";
        break;
      case "args":
        spec.args = value === "" ? [] : value.split(/\s+/);
        break;
      case "exit":
        spec.exit = Number.parseInt(value, 10);
        break;
      case "stderr":
        spec.stderr.push(parseRegex(value));
        break;
      case "nodes":
        spec.nodes = ints();
        break;
      case "timeout":
        spec.timeoutMs = Number.parseFloat(value) * 1000;
        break;
    }
  }
  const max = Number.parseInt(process.env.PGASC_E2E_MAX_IMAGES ?? "", 10);
  if (Number.isFinite(max)) spec.images = spec.images.filter((n) => n <= max);
  if (process.env.PGASC_E2E_NODES !== "1" && !options.nodeSplits) spec.nodes = [];
  return spec;
}

/** Every .pgas file of a directory (sorted), filtered by PGASC_E2E_FILTER. */
export function listPrograms(dir: string, options: HeaderOptions = {}): ProgramSpec[] {
  const filter = process.env.PGASC_E2E_FILTER ?? "";
  return readdirSync(dir)
    .filter((f) => f.endsWith(".pgas") && f.includes(filter))
    .sort()
    .map((f) => parseHeader(join(dir, f), options));
}

export interface RunResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/**
 * Runs `node dist/cli/pgasc.js ARGS` in its own process group (`env` added to this process's);
 * on timeout the whole group is killed so that no image process survives a hang.
 */
export function runCli(args: string[], timeoutMs: number, cwd = repoRoot, env: Record<string, string> = {}): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", ...env },
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      killGroup(); // leftovers of a failed run
      resolvePromise({ status, signal, stdout, stderr, timedOut });
    });
  });
}

let outDir: string | undefined;
/** A temporary directory for build outputs of this test process. */
export function buildDir(): string {
  outDir ??= mkdtempSync(join(tmpdir(), "pgasc-e2e-"));
  return outDir;
}

export function cliAvailable(): boolean {
  return existsSync(cliPath);
}

/**
 * Builds a program once into the temporary directory, in this process: the module written is the
 * one `pgasc build` writes (cli/build-output.ts, header included, so `run -o` does not rebuild),
 * without starting a process and loading the compiler for each of hundreds of programs
 * (test/e2e/cli.test.ts runs `pgasc build` itself).
 */
export async function buildProgram(spec: ProgramSpec): Promise<RunResult> {
  const { buildModuleFile } = (await import(pathToFileURL(join(repoRoot, "dist", "cli", "build-output.js")).href)) as typeof import("../../cli/build-output.js");
  const built = await buildModuleFile(readFileSync(spec.file, "utf8"), spec.file, outputFor(spec));
  return { status: built.ok ? 0 : 1, signal: null, stdout: "", stderr: built.diagnostics, timedOut: false };
}

/** Where a program's compiled form is kept: a temporary directory, not beside the source. */
export function outputFor(spec: ProgramSpec): string {
  return join(buildDir(), `${spec.name}.mjs`);
}

/** Runs a program on n images (optionally split over k nodes). */
export async function runProgram(spec: ProgramSpec, n: number, nodes?: number): Promise<RunResult> {
  // `-o` points run at the output of the build step, so it is not rebuilt (or written beside the
  // source) for every image count.
  const args = ["run", "-n", String(n), "-o", outputFor(spec)];
  if (nodes !== undefined) args.push("--nodes", String(nodes));
  args.push(spec.file);
  if (spec.args.length > 0) args.push("--", ...spec.args);
  return runCli(args, spec.timeoutMs);
}

function normalise(text: string, sorted: boolean): string {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  if (sorted) lines.sort();
  return lines.join("\n");
}

function describeRun(r: RunResult): string {
  const how = r.timedOut ? "TIMED OUT" : `exit ${r.status}${r.signal ? ` signal ${r.signal}` : ""}`;
  const cut = (s: string) => (s.length > 4000 ? s.slice(0, 4000) + "\n...(truncated)" : s);
  return `${how}\n--- stdout ---\n${cut(r.stdout)}\n--- stderr ---\n${cut(r.stderr)}`;
}

/**
 * Checks one run against the spec; returns a list of problems (empty when all is well).
 * `expected` is the expected stdout, or undefined when it is not checked.
 */
export function checkRun(spec: ProgramSpec, r: RunResult, expected: string | undefined): string[] {
  const problems: string[] = [];
  if (r.timedOut) problems.push(`timed out after ${spec.timeoutMs / 1000} s`);
  else if (r.status !== spec.exit) problems.push(`exit status ${r.status} (signal ${r.signal}), expected ${spec.exit}`);
  for (const pat of spec.stderr) {
    const ok = typeof pat === "string" ? r.stderr.includes(pat) : pat.test(r.stderr);
    if (!ok) problems.push(`stderr does not match ${String(pat)}`);
  }
  if (expected !== undefined) {
    const want = normalise(expected, spec.orderAny);
    const got = normalise(r.stdout, spec.orderAny);
    if (want !== got) problems.push(`stdout differs${spec.orderAny ? " (compared sorted)" : ""}:\n--- expected ---\n${want}`);
  }
  if (problems.length > 0) problems.push(describeRun(r));
  return problems;
}

/** Exits the test with a readable message if the compiler cannot build the program. */
export function checkBuild(r: RunResult): string[] {
  if (!r.timedOut && r.status === 0) return [];
  return [`build failed`, describeRun(r)];
}

export function readIfExists(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, "utf8") : undefined;
}

/** Builds the CLI if asked (PGASC_E2E_BUILD=1); normally `npm test` has already run tsc. */
export function ensureCli(): void {
  if (process.env.PGASC_E2E_BUILD === "1") {
    spawnSync("npx", ["tsc", "-p", "tsconfig.json"], { cwd: repoRoot, stdio: "inherit" });
  }
}

/**
 * Defines one vitest `describe` per program: a build test, then one test per image count (and
 * per `--nodes` split when enabled). `expectedFor(spec, n)` gives the expected stdout or undefined.
 */
export async function defineSuite(
  vitest: typeof import("vitest"),
  title: string,
  specs: ProgramSpec[],
  expectedFor: (spec: ProgramSpec, n: number) => string | undefined,
): Promise<void> {
  const { describe, it, expect } = vitest;
  ensureCli();
  describe(title, () => {
    if (!cliAvailable()) {
      it("needs the compiled CLI (dist/cli/pgasc.js: run `npm run build`)", () => {
        expect(existsSync(cliPath), `${cliPath} is missing`).toBe(true);
      });
      return;
    }
    for (const spec of specs) {
      describe(spec.name, () => {
        let built: RunResult | undefined;
        it("builds", { timeout: 300_000 }, async () => {
          built = await buildProgram(spec);
          expect(checkBuild(built).join("\n")).toBe("");
        });
        const runs: { n: number; nodes?: number }[] = [];
        for (const n of spec.images) {
          runs.push({ n });
          for (const k of spec.nodes) if (k > 1 && k <= n) runs.push({ n, nodes: k });
        }
        for (const { n, nodes } of runs) {
          const label = `-n ${n}${nodes ? ` --nodes ${nodes}` : ""}`;
          it(label, { timeout: spec.timeoutMs + 60_000 }, async (ctx) => {
            if (built !== undefined && checkBuild(built).length > 0) ctx.skip();
            const expected = expectedFor(spec, n);
            if (expected === undefined && spec.exit === 0) {
              throw new Error(`no expected output for ${spec.name} on ${n} images`);
            }
            const r = await runProgram(spec, n, nodes);
            expect(checkRun(spec, r, expected).join("\n")).toBe("");
          });
        }
      });
    }
  });
}
