// Runs a hand-written program module from test/fixtures/runtime through runLocal (real worker
// threads, real SharedArrayBuffers) and captures its output. The runtime is imported from dist/
// (worker threads need JavaScript), so build first: `npx tsc -p tsconfig.json` (`npm test` does).

import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const runLocalPath = join(root, "dist/runtime/launcher/run-local.js");

export const fixture = (name: string) => join(root, "test/fixtures/runtime", name);

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  args?: string[];
  label?: boolean;
  timeoutSeconds?: number;
}

export async function runFixture(name: string, images: number, opts: RunOptions = {}): Promise<RunResult> {
  if (!existsSync(runLocalPath)) throw new Error(`${runLocalPath} is missing: run 'npx tsc -p tsconfig.json' first`);
  const { runLocal } = (await import(runLocalPath)) as typeof import("../../runtime/launcher/run-local.js");
  const dir = mkdtempSync(join(tmpdir(), "pgasc-rt-"));
  const outPath = join(dir, "stdout");
  const errPath = join(dir, "stderr");
  const outFd = openSync(outPath, "w");
  const errFd = openSync(errPath, "w");
  try {
    const status = await runLocal({
      program: fixture(name),
      images,
      args: opts.args ?? [],
      label: opts.label ?? false,
      timeoutSeconds: opts.timeoutSeconds ?? 30,
      stdoutFd: outFd,
      stderrFd: errFd,
    });
    return { status, stdout: readFileSync(outPath, "utf8"), stderr: readFileSync(errPath, "utf8") };
  } finally {
    closeSync(outFd);
    closeSync(errFd);
    rmSync(dir, { recursive: true, force: true });
  }
}

export const lines = (text: string) => text.split("\n").filter((line) => line !== "");
export const IMAGE_COUNTS = [1, 2, 3, 4, 16];
