// `pgasc node`: one node process of a multi-node job, started by `pgasc run`, srun, a Kubernetes
// Indexed Job or any launcher that sets the PGASC_* variables. Consumes the environment, stdin
// (token, launcher liveness) and overrides; runs the grpc conduit's runNode; gives its status.

import { existsSync, statSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { unloadableModulePath } from "../support/program-url.js";
import { BootstrapError, Var, nodeConfigFromEnvironment, type Environment, type NodeOverrides } from "./bootstrap.js";
import type { NodeConfig } from "./node-config.js";
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

type RunNode = (config: NodeConfig) => Promise<number>;

/**
 * Runs this process as one node. The launcher-facing behaviour is switched on by variables that
 * `pgasc run` sets: PGASC_TOKEN_ON_STDIN (the first stdin line is the job token),
 * PGASC_EXIT_ON_STDIN_EOF (stdin closing means the launcher is gone: exit at once), and
 * PGASC_READY_LINE (say on stderr when the node program starts, so the launcher can tell a failed
 * rsh from a failed program).
 */
export async function runNodeCommand(overrides: NodeOverrides, env: Environment = process.env): Promise<number> {
  const stdin = watchStdin(env[Var.exitOnStdinEof] === "1");
  const token = env[Var.tokenOnStdin] === "1" ? await stdin.firstLine(TOKEN_WAIT_MS) : undefined;
  if (env[Var.tokenOnStdin] === "1" && !token) {
    throw new NodeSetupError(`pgasc node: ${Var.tokenOnStdin}=1 but no token arrived on stdin`);
  }

  let config: NodeConfig;
  try {
    config = nodeConfigFromEnvironment(env, { ...overrides, ...(token ? { token } : {}) }, { hostname: hostname() });
  } catch (e) {
    if (e instanceof BootstrapError) throw new NodeSetupError(`pgasc node: ${e.message}`);
    throw e;
  }
  config.program = resolve(config.program);
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
  /** Resolves with the first line of stdin (without its newline), or "" at EOF or after `ms`. */
  firstLine(ms: number): Promise<string>;
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
  let lineWaiter: ((line: string) => void) | undefined;
  let line: string | undefined;
  let ended = false;
  let reading = false;

  const start = () => {
    if (reading) return;
    reading = true;
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (chunk: string) => {
      if (line !== undefined) return; // later input means nothing
      buffered += chunk;
      const newline = buffered.indexOf("\n");
      if (newline >= 0) {
        line = buffered.slice(0, newline).trim();
        buffered = "";
        lineWaiter?.(line);
      }
    });
    process.stdin.on("end", () => {
      ended = true;
      lineWaiter?.(line ?? "");
      if (exitOnEof && !handedOver) process.exit(1);
    });
    process.stdin.on("error", () => {
      if (exitOnEof && !handedOver) process.exit(1);
    });
  };
  if (exitOnEof) start();

  return {
    firstLine(ms: number) {
      start();
      if (line !== undefined || ended) return Promise.resolve(line ?? "");
      return new Promise((resolveLine) => {
        const timer = setTimeout(() => resolveLine(""), ms);
        lineWaiter = (l) => {
          clearTimeout(timer);
          resolveLine(l);
        };
      });
    },
    handOver() {
      handedOver = true;
    },
  };
}
