// `pgasc node`: one node process of a multi-node job, started by `pgasc run`, srun, a Kubernetes
// Indexed Job or any launcher that sets the PGASC_* variables. Consumes the environment, stdin
// (token, TLS material, launcher liveness) and overrides; runs the grpc conduit's runNode; gives
// its status.

import { existsSync, statSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { unloadableModulePath } from "../support/program-url.js";
import { BootstrapError, Var, checkTransport, nodeConfigFromEnvironment, type Environment, type NodeOverrides } from "./bootstrap.js";
import { tlsPemFromLines, type NodeConfig, type TlsPem } from "../node/node-config.js";
import { writeAllSync } from "./output-lines.js";
import { READY_LINE } from "./run-nodes.js";

/** A failure to set the node up: one line for the user, then this status. */
export class NodeSetupError extends Error {
  constructor(
    message: string,
    readonly status = 2,
  ) {
    super(message);
  }
}

/** How long a launched node waits for its token on stdin. */
const TOKEN_WAIT_MS = 30_000;
/** The token and three lines of TLS material; a line of base64 PEM is a few KiB. */
const MAX_STDIN_LINES = 4;
const MAX_STDIN_BYTES = 1 << 20;

type RunNode = (config: NodeConfig) => Promise<number>;

/**
 * Runs this process as one node. The launcher-facing behaviour is switched on by variables that
 * `pgasc run` sets: PGASC_TOKEN_ON_STDIN (the first stdin line is the job token),
 * PGASC_TLS_ON_STDIN (three more lines: the job's TLS material, base64 PEM),
 * PGASC_EXIT_ON_STDIN_EOF (stdin closing means the launcher is gone: exit at once), and
 * PGASC_READY_LINE (say on stderr when the node program starts, so the launcher can tell a failed
 * rsh from a failed program).
 */
export async function runNodeCommand(overrides: NodeOverrides, env: Environment = process.env): Promise<number> {
  const stdin = watchStdin(env[Var.exitOnStdinEof] === "1");
  const tokenOnStdin = env[Var.tokenOnStdin] === "1";
  const tlsOnStdin = env[Var.tlsOnStdin] === "1";
  if (tlsOnStdin && !tokenOnStdin) throw new NodeSetupError(`pgasc node: ${Var.tlsOnStdin}=1 needs ${Var.tokenOnStdin}=1 (the TLS lines follow the token)`);
  const received = tokenOnStdin ? await stdin.lines(tlsOnStdin ? 4 : 1, TOKEN_WAIT_MS) : [];
  const token = received[0];
  if (tokenOnStdin && !token) {
    throw new NodeSetupError(`pgasc node: ${Var.tokenOnStdin}=1 but no token arrived on stdin`);
  }
  let tlsPem: TlsPem | undefined;
  if (tlsOnStdin) {
    tlsPem = tlsPemFromLines(received.slice(1));
    if (!tlsPem) throw new NodeSetupError(`pgasc node: ${Var.tlsOnStdin}=1 but no TLS material followed the token on stdin`);
  }

  let config: NodeConfig;
  try {
    const given: NodeOverrides = { ...overrides, ...(token ? { token } : {}), ...(tlsPem ? { tlsPem } : {}) };
    config = nodeConfigFromEnvironment(env, given, { hostname: hostname() });
    checkTransport(config, env, given);
  } catch (e) {
    if (e instanceof BootstrapError) throw new NodeSetupError(`pgasc node: ${e.message}`);
    throw e;
  }
  config.program = resolve(config.program);
  if (config.checkpoint) config.checkpoint.dir = resolve(config.checkpoint.dir);
  if (!existsSync(config.program) || statSync(config.program).isDirectory()) {
    throw new NodeSetupError(`pgasc node: ${config.program}: no such compiled program (build it first: pgasc build FILE.pgas -o OUT.mjs)`);
  }
  if (/\.pgas$/.test(config.program)) {
    throw new NodeSetupError(`pgasc node: ${config.program} is a source file: give the compiled module (pgasc build FILE.pgas -o OUT.mjs)`);
  }
  const unloadable = unloadableModulePath(config.program);
  if (unloadable) throw new NodeSetupError(`pgasc node: ${config.program}: ${unloadable}; build it elsewhere (pgasc build FILE.pgas -o OUT.mjs)`);

  const runNode = await loadRunNode(env);
  if (env[Var.readyLine] === "1") writeAllSync(2, Buffer.from(READY_LINE + "\n"));
  // From here the conduit watches stdin itself (it tells the other nodes before it exits).
  stdin.handOver();
  return runNode(config);
}

/**
 * The conduit's node program. PGASC_NODE_MAIN (a module path exporting runNode) replaces it:
 * the launcher's tests use a stand-in node program that way.
 */
async function loadRunNode(env: Environment): Promise<RunNode> {
  const replacement = env.PGASC_NODE_MAIN;
  const specifier = replacement ? pathToFileURL(resolve(replacement)).href : new URL("../conduits/grpc/node-main.js", import.meta.url).href;
  let module: { runNode?: RunNode };
  try {
    module = (await import(specifier)) as { runNode?: RunNode };
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ERR_MODULE_NOT_FOUND" && !replacement) {
      throw new NodeSetupError("pgasc node: this build has no multi-node conduit (runtime/conduits/grpc/node-main.js)", 70);
    }
    throw new NodeSetupError(`pgasc node: cannot load ${specifier}: ${(e as Error).message}`, 70);
  }
  if (typeof module.runNode !== "function") throw new NodeSetupError(`pgasc node: ${specifier} does not export runNode`, 70);
  return module.runNode;
}

interface StdinWatch {
  /** Resolves with the first `count` lines of stdin (without newlines); fewer at EOF or after `ms`. */
  lines(count: number, ms: number): Promise<string[]>;
  /** runNode takes over watching for EOF (PGASC_EXIT_ON_STDIN_EOF is part of its contract). */
  handOver(): void;
}

/**
 * Reads stdin only when a launcher said it speaks through it. With `exitOnEof`, the end of stdin
 * before runNode runs ends the process: the launcher (or the ssh that carried its pipe) has gone,
 * and a node must not outlive its job.
 */
function watchStdin(exitOnEof: boolean): StdinWatch {
  let handedOver = false;
  let buffered = "";
  let wanted = 0;
  let linesWaiter: (() => void) | undefined;
  const received: string[] = [];
  let ended = false;
  let reading = false;

  const start = () => {
    if (reading) return;
    reading = true;
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (chunk: string) => {
      // Only the launcher's first lines mean something; anything later or longer is ignored.
      if (received.length >= MAX_STDIN_LINES || buffered.length > MAX_STDIN_BYTES) return;
      buffered += chunk;
      for (let newline = buffered.indexOf("\n"); newline >= 0 && received.length < MAX_STDIN_LINES; newline = buffered.indexOf("\n")) {
        received.push(buffered.slice(0, newline).trim());
        buffered = buffered.slice(newline + 1);
      }
      if (wanted > 0 && received.length >= wanted) linesWaiter?.();
    });
    process.stdin.on("end", () => {
      ended = true;
      linesWaiter?.();
      if (exitOnEof && !handedOver) process.exit(1);
    });
    process.stdin.on("error", () => {
      if (exitOnEof && !handedOver) process.exit(1);
    });
  };
  if (exitOnEof) start();

  return {
    lines(count: number, ms: number) {
      wanted = count;
      start();
      if (received.length >= count || ended) return Promise.resolve(received.slice());
      return new Promise((resolveLines) => {
        const timer = setTimeout(() => resolveLines(received.slice()), ms);
        linesWaiter = () => {
          clearTimeout(timer);
          resolveLines(received.slice());
        };
      });
    },
    handOver() {
      handedOver = true;
    },
  };
}
