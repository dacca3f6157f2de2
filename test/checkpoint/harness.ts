// Runs the checkpoint fixtures (test/fixtures/checkpoint/*.mjs, hand-written compiled modules)
// through the real `pgasc run`: each is installed as the build output of a .pgas file made from its
// sourceLines, with the header `pgasc build` writes, so `run -o` takes it as built. Also: start a
// run in the background, wait for the file a fixture writes when it reaches a point, and kill the
// process it names. Consumes dist/ (npm test builds it); produces run results.

import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { cliPath, repoRoot, type RunResult } from "../e2e/harness.js";

export const TIMEOUT_MS = 120_000;
const fixtures = join(repoRoot, "test", "fixtures", "checkpoint");

export interface Program {
  /** The .pgas file `pgasc run` is given, and the module its -o names. */
  source: string;
  module: string;
}

/** A fresh directory for one test's programs and checkpoints. */
export function workDir(): string {
  return mkdtempSync(join(tmpdir(), "pgasc-ckpt-"));
}

/**
 * Installs fixture `name` in `dir` as program `as` (default: the fixture's name); `edit` may change
 * the module's text (another program, another allocation).
 */
export function install(dir: string, name: string, as = name, edit: (text: string) => string = (t) => t): Program {
  const text = edit(readFileSync(join(fixtures, `${name}.mjs`), "utf8"));
  mkdirSync(join(dir, "build"), { recursive: true });
  const source = join(dir, `${as}.pgas`);
  const module = join(dir, "build", `${as}.mjs`);
  writeFileSync(`${module}.body`, text);
  return { source, module };
}

/**
 * The header `pgasc build` writes for `text`, from the built CLI. It names the compiler's build,
 * which build-output.js computes once per instance: a fresh instance each time sees a rebuild.
 */
async function header(text: string): Promise<string> {
  const url = `${pathToFileURL(join(repoRoot, "dist", "cli", "build-output.js")).href}?at=${Date.now()}-${Math.random()}`;
  const { buildHeader } = (await import(url)) as typeof import("../../cli/build-output.js");
  return buildHeader(text);
}

/** Writes the .pgas text and the module with a current header (just before a run: the compiler may be rebuilt meanwhile). */
async function refresh(program: Program): Promise<void> {
  const body = readFileSync(`${program.module}.body`, "utf8");
  const lines = /export const sourceLines = (\[[\s\S]*?\]);\n/.exec(body);
  if (!lines) throw new Error(`${program.module}: no sourceLines`);
  const text = (Function(`return ${lines[1]}`)() as string[]).join("\n") + "\n";
  writeFileSync(program.source, text);
  writeFileSync(program.module, (await header(text)) + body);
}

export interface Started {
  /** The process group of the `pgasc run` process (and its one-node job process). */
  group: number;
  ended: () => boolean;
  result: Promise<RunResult>;
}

/** Starts `pgasc run OPTIONS -o MODULE SOURCE -- ARGS` in a process group of its own. */
export async function start(program: Program, options: string[], args: string[] = [], env: Record<string, string> = {}): Promise<Started> {
  await refresh(program);
  const child = spawn(process.execPath, [cliPath, "run", ...options, "-o", program.module, program.source, "--", ...args], {
    cwd: repoRoot,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  let stdout = "";
  let stderr = "";
  let ended = false;
  let timedOut = false;
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const killGroup = () => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // gone already
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, TIMEOUT_MS);
  const result = new Promise<RunResult>((resolve) => {
    // Not killed again once closed: after a wrap-around of process ids the group id may already
    // belong to a new job's node. A one-node job's process outlives a killed launcher only until
    // its stdin closes.
    child.on("close", (status, signal) => {
      ended = true;
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, timedOut });
    });
  });
  return { group: child.pid!, ended: () => ended, result };
}

/**
 * True when `pgasc run` rebuilt the module instead of running the fixture: the compiler was
 * rebuilt (a new header) between refresh() and the run. The caller runs again.
 */
function rebuilt(program: Program): boolean {
  return !readFileSync(program.module, "utf8").endsWith(readFileSync(`${program.module}.body`, "utf8"));
}

/** `pgasc run OPTIONS -o MODULE SOURCE -- ARGS`, to its end. */
export async function run(program: Program, options: string[], args: string[] = [], env: Record<string, string> = {}): Promise<RunResult> {
  for (let tries = 1; ; tries++) {
    const result = await (await start(program, options, args, env)).result;
    if (!rebuilt(program) || tries === 3) return result;
  }
}

/** Resolves with the contents of `path` once it exists and is not empty. */
export async function waitForFile(path: string, done: () => boolean): Promise<string> {
  for (;;) {
    if (existsSync(path)) {
      const text = readFileSync(path, "utf8");
      if (text !== "") return text;
    }
    if (done()) throw new Error(`the run ended before it wrote ${path}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Starts a run whose last image blocks at step `hangAt` after writing its process id to `marker`
 * (steps.mjs), kills that process (the job's, or the last node's) and gives the run's result.
 */
export async function runAndKill(program: Program, options: string[], args: string[], marker: string, hangAt: number): Promise<RunResult> {
  for (let tries = 1; ; tries++) {
    const started = await start(program, options, args, { PGASC_TEST_HANG_AT: String(hangAt), PGASC_TEST_MARKER: marker });
    try {
      const pid = Number(await waitForFile(marker, started.ended));
      process.kill(pid, "SIGKILL");
      return started.result;
    } catch (e) {
      if (!rebuilt(program) || tries === 3) throw e;
    }
  }
}

export const lines = (text: string) => text.split("\n").filter((line) => line !== "");
