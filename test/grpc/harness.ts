// Runs a compiled program module as K real node processes on loopback (test/fixtures/grpc/
// spawn-node.mjs → runNode), all writing to one shared stdout and one stderr file, as a launcher
// that passes its own descriptors would. Consumes a program path and a split; produces statuses
// and output. Every process is killed when the run exceeds its time limit.

import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { NodeConfig, TlsFiles } from "../../runtime/node/node-config.js";

const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, "../..");
export const spawnNodeScript = join(root, "test/fixtures/grpc/spawn-node.mjs");
export const runtimeFixture = (name: string) => join(root, "test/fixtures/runtime", name);
export const grpcFixture = (name: string) => join(root, "test/fixtures/grpc", name);
/**
 * The jobs' --timeout when a test sets none: generous, because a busy 2-core machine (CI beside
 * other work) made a 300-round atomics contention over 3 nodes run past 30 s. Tests that expect a
 * timeout set their own.
 */
const DEFAULT_TIMEOUT_SECONDS = 150;

export interface NodesRun {
  /** Exit status of every node process (null if killed by a signal). */
  statuses: (number | null)[];
  status: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface NodesOptions {
  args?: string[];
  label?: boolean;
  timeoutSeconds?: number;
  /** Kill everything after this many ms (the test's own guard). */
  killAfterMs?: number;
  token?: string;
  tls?: TlsFiles;
  /** Called with the children once they are started (fault tests). */
  onStarted?: (children: ChildProcess[], configs: NodeConfig[], stdoutPath: string) => void;
  env?: Record<string, string>;
}

/** A port nothing listens on now at `host` ("0.0.0.0": on every address). */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export function makeConfigs(program: string, images: number, nodes: number, port: number, opts: NodesOptions): NodeConfig[] {
  const token = opts.token ?? randomBytes(16).toString("hex");
  return Array.from({ length: nodes }, (_, nodeIndex) => ({
    nodeIndex,
    nodeCount: nodes,
    images,
    rendezvous: { host: "127.0.0.1", port },
    listenHost: "127.0.0.1",
    listenPort: nodeIndex === 0 ? port : 0,
    advertiseHost: "127.0.0.1",
    token,
    tls: opts.tls,
    program,
    args: opts.args ?? [],
    label: opts.label ?? false,
    timeoutSeconds: opts.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
  }));
}

export async function runNodes(program: string, images: number, nodes: number, opts: NodesOptions = {}): Promise<NodesRun> {
  if (!existsSync(join(root, "dist/runtime/conduits/grpc/node-main.js"))) {
    throw new Error("dist/ is missing: run 'npx tsc -p tsconfig.json' first");
  }
  // The free port is found by binding and closing it; another process may take it before node 0
  // binds it (the suite runs many jobs at once): then run again on another port.
  for (let attempt = 1; ; attempt++) {
    const run = await runNodesOnce(program, images, nodes, opts);
    if (attempt === 3 || !/cannot listen on .*(EADDRINUSE|address already in use|No address added)/i.test(run.stderr)) return run;
  }
}

async function runNodesOnce(program: string, images: number, nodes: number, opts: NodesOptions): Promise<NodesRun> {
  const port = await freePort();
  const configs = makeConfigs(program, images, nodes, port, opts);
  const dir = mkdtempSync(join(tmpdir(), "pgasc-grpc-"));
  const outPath = join(dir, "stdout");
  const errPath = join(dir, "stderr");
  const outFd = openSync(outPath, "a");
  const errFd = openSync(errPath, "a");
  const children = configs.map((config) =>
    spawn(process.execPath, [spawnNodeScript, JSON.stringify(config)], {
      stdio: ["pipe", outFd, errFd],
      env: { ...process.env, ...(opts.env ?? {}) },
    }),
  );
  opts.onStarted?.(children, configs, outPath);
  let timedOut = false;
  const guard = setTimeout(
    () => {
      timedOut = true;
      for (const child of children) child.kill("SIGKILL");
    },
    opts.killAfterMs ?? ((opts.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) + 20) * 1000,
  );
  try {
    const statuses = await Promise.all(
      children.map((child) => new Promise<number | null>((done) => child.on("exit", (code) => done(code)))),
    );
    return {
      statuses,
      status: statuses[0],
      stdout: readFileSync(outPath, "utf8"),
      stderr: readFileSync(errPath, "utf8"),
      timedOut,
    };
  } finally {
    clearTimeout(guard);
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    closeSync(outFd);
    closeSync(errFd);
    rmSync(dir, { recursive: true, force: true });
  }
}

export const lines = (text: string) => text.split("\n").filter((line) => line !== "");

/** Resolves once `path` contains `text` (polling), or after `ms`. */
export async function waitForText(path: string, text: string, ms = 20_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      if (readFileSync(path, "utf8").includes(text)) return true;
    } catch {
      // not there yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}
