// What one node process of a multi-node job needs to know: the contract between whoever starts
// node processes (pgasc run --nodes/--hosts, Slurm's srun, a Kubernetes Indexed Job, anything
// else through PGASC_* variables) and the node program (runtime/node). Pure data; the placement
// of images on nodes is runtime/core/placement.ts.

import { createHash } from "node:crypto";
import type { CheckpointSettings } from "../checkpoint/storage.js";
import type { ObserveOptions } from "../observe/outputs.js";

export interface TlsFiles {
  /** PEM files: this node's certificate and key, and the CA that signed every node's certificate. */
  cert: string;
  key: string;
  ca: string;
}

/** The same material as PEM text in memory (what `pgasc run` hands its nodes on stdin). */
export type TlsPem = TlsFiles;

/**
 * The name in the certificates pgasc makes (`pgasc run` across hosts, `pgasc tls-init`). Nodes
 * whose own certificate carries it verify their peers by this name rather than by the host they
 * dial: every certificate signed by the job's CA belongs to the job, whatever host it is on.
 */
export const NODE_TLS_NAME = "pgasc-node";

/**
 * With PGASC_READY_LINE=1 (a `pgasc run` launcher reads our stderr), the node that reports a hung
 * peer adds the line `pgasc:node-hung K PROOF`: the launcher ends node K at once (it cannot end
 * itself) and removes the line. PROOF comes from the job token, so a program that prints such a
 * line cannot make the launcher kill a node.
 */
export const NODE_HUNG_LINE = "pgasc:node-hung";

export function nodeHungLine(token: string, node: number): string {
  const proof = createHash("sha256").update(`${NODE_HUNG_LINE} ${node} ${token}`).digest("hex").slice(0, 32);
  return `${NODE_HUNG_LINE} ${node} ${proof}`;
}

/** TLS material as stdin lines, one base64 line per PEM (cert, key, CA): PEM itself spans lines. */
export function tlsPemToLines(pem: TlsPem): string[] {
  return [pem.cert, pem.key, pem.ca].map((text) => Buffer.from(text, "utf8").toString("base64"));
}

/** The inverse of tlsPemToLines; undefined when a line is missing or is not base64 of a PEM block. */
export function tlsPemFromLines(lines: readonly string[]): TlsPem | undefined {
  if (lines.length !== 3) return undefined;
  const [cert, key, ca] = lines.map((line) => (/^[A-Za-z0-9+/]+=*$/.test(line) ? Buffer.from(line, "base64").toString("utf8") : ""));
  if (![cert, key, ca].every((text) => text.includes("-----BEGIN "))) return undefined;
  return { cert, key, ca };
}

export interface NodeConfig {
  /** This node's index, 0..nodeCount-1. */
  nodeIndex: number;
  nodeCount: number;
  /** Total number of images of the job (N). */
  images: number;
  /** Node 0 listens for the rendezvous here; every node connects to it first. */
  rendezvous: { host: string; port: number };
  /** Address this node's gRPC server binds to (loopback for a local run). */
  listenHost: string;
  /** Port to listen on (0 = any free port; node 0 uses rendezvous.port). */
  listenPort: number;
  /** Host name or address the other nodes use to reach this node. */
  advertiseHost: string;
  /** Per-job random secret; every call must carry it. */
  token: string;
  /** TLS from files (`--tls-*`, PGASC_TLS_*), or from PEM text (tlsPem); neither: clear text. */
  tls?: TlsFiles;
  tlsPem?: TlsPem;
  /** Path of the compiled program module. */
  program: string;
  /** Program arguments (after `--`). */
  args: string[];
  /** Prefix output lines with the image. */
  label: boolean;
  timeoutSeconds?: number;
  /** Deadlock watchdog: seconds without progress before the job ends (default 30; 0: off). */
  deadlockTimeoutSeconds?: number;
  /** `--profile` / `--trace FILE` (PGASC_PROFILE, PGASC_TRACE). */
  observe?: ObserveOptions;
  /** `--checkpoint-dir`, `--restart` (PGASC_CHECKPOINT_DIR, PGASC_RESTART); absent: NAME.ckpt beside the module, fresh. */
  checkpoint?: CheckpointSettings;
}
