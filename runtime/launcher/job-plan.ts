// Plans a multi-node `pgasc run`: which node process runs where, with which images, and the
// exact command that starts it (directly on this host, or through --rsh on another).
// Consumes the run request (options already parsed); produces a JobPlan or throws PlanError. Pure.

import { Var, environmentForNode } from "./bootstrap.js";
import { addressOf, isLoopbackHost, type HostEntry } from "./hostfile.js";
import { tooManyImagesHere, type MachineLimits } from "./image-limits.js";
import { imagesOfNode } from "../core/placement.js";
import type { NodeConfig, TlsFiles } from "../node/node-config.js";
import type { ObserveOptions } from "../observe/outputs.js";
import type { CheckpointSettings } from "../checkpoint/storage.js";
import { quoteCommand, quoteWord } from "./shell-words.js";

export class PlanError extends Error {}

export interface JobRequest {
  /** Absolute path of the compiled program module. */
  program: string;
  args: string[];
  /** `-n`; undefined means the default (total slots with hosts, else defaultImages but at least one per node). */
  images?: number;
  /** `--nodes`; undefined means one node per host entry (1 without hosts). */
  nodes?: number;
  /** From `-H` or `--hostfile`; undefined for a run on this host. */
  hosts?: HostEntry[];
  /** What the hosts came from, for messages: `--hosts` or the hostfile's name. */
  hostsOrigin?: string;
  /** The --rsh command split into words (`["ssh"]`). */
  rsh: string[];
  label: boolean;
  timeoutSeconds?: number;
  deadlockTimeoutSeconds?: number;
  observe?: ObserveOptions;
  /** Where the nodes write checkpoints and whether they restart (PGASC_CHECKPOINT_DIR, PGASC_RESTART). */
  checkpoint?: CheckpointSettings;
  tls?: TlsFiles;
  /** Across hosts without TLS: `--insecure` accepts clear text; else the launcher makes TLS material. */
  insecure?: boolean;
  /** Allow more images than slots (or, on this host alone, than image-limits.ts allows). */
  oversubscribe: boolean;
  /** This host's cores and memory, which bound a job that runs only here. */
  machine: MachineLimits;
  /** `-x VAR[=VALUE]`: variables every node process gets, resolved to values already. */
  exported?: Record<string, string>;
  /** `-n` when nothing else decides it: the CPU count of this machine. */
  defaultImages: number;
  /** Port of node 0's rendezvous (the caller finds a free one). */
  rendezvousPort: number;
  /** Absolute paths of the node executable and of pgasc.js, the same on every host. */
  nodeExecutable: string;
  pgascScript: string;
}

export interface NodeLaunch {
  index: number;
  /** [first, end) of this node's images. */
  images: [number, number];
  /** The host as written (with any `user@`), or undefined for a node started directly here. */
  remoteHost?: string;
  config: NodeConfig;
  /** The process to spawn: argv[0] and its arguments. */
  argv: string[];
  /** Variables added to this process's environment (for remote nodes they are inside argv). */
  env: Record<string, string>;
}

export interface JobPlan {
  images: number;
  nodes: NodeLaunch[];
  rendezvous: { host: string; port: number };
  /** True when every node runs on this host (the job stays on loopback). */
  local: boolean;
  /** The launcher makes the job's TLS material and sends it after the token on each node's stdin. */
  tlsOnStdin: boolean;
}

/** Variables every launched node gets: read the token from stdin, exit when stdin closes, say when started. */
export const LAUNCHED_NODE_VARIABLES: Record<string, string> = {
  [Var.tokenOnStdin]: "1",
  [Var.exitOnStdinEof]: "1",
  [Var.readyLine]: "1",
};

/**
 * glibc's malloc settings for node processes (ignored by other C libraries): blocks up to 32 MiB
 * come from the heap and stay there after free (up to 64 MiB of free heap is kept), instead of
 * being mapped fresh and unmapped each time. Every piece of a bulk transfer allocates several
 * 1-4 MiB buffers (grpc-js copies each message once on each side); fresh mappings fault in every
 * page, which on this project's VMs halved the throughput of 8 MiB puts across nodes
 * (docs/performance-causes.md). `-x GLIBC_TUNABLES=...` replaces them.
 */
export const NODE_MALLOC_TUNABLES = "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=67108864";

/** A job-plan token placeholder: the real token never enters the plan (it goes to stdin). */
const TOKEN_NOT_IN_PLAN = "";

export function planJob(request: JobRequest): JobPlan {
  const hosts = request.hosts;
  if (hosts !== undefined && hosts.length === 0) throw new PlanError("no hosts given");
  const nodeCount = request.nodes ?? hosts?.length ?? 1;
  if (nodeCount < 1) throw new PlanError("--nodes must be at least 1");

  // Node k runs on host entry k mod H: with --nodes above the number of entries, hosts take
  // several node processes each, in turn.
  const placement = hosts ? Array.from({ length: nodeCount }, (_, k) => hosts[k % hosts.length]) : undefined;
  const usedEntries = hosts ? hosts.slice(0, Math.min(hosts.length, nodeCount)) : undefined;
  const slots = usedEntries?.reduce((sum, e) => sum + e.slots, 0);

  // Without hosts, -n defaults to the CPU count, raised to one image per node process.
  const images = request.images ?? slots ?? Math.max(request.defaultImages, nodeCount);
  if (nodeCount > images) {
    const why =
      request.nodes === undefined && hosts
        ? `${request.hostsOrigin ?? "--hosts"} gives ${nodeCount} hosts (one node process each) but there are only ${images} images`
        : `--nodes ${nodeCount} is more than the ${images} images`;
    throw new PlanError(`${why}: every node process needs at least one image (raise -n or lower --nodes)`);
  }
  if (slots !== undefined && images > slots && !request.oversubscribe) {
    throw new PlanError(
      `-n ${images} is more than the ${slots} slots of ${request.hostsOrigin ?? "--hosts"}: add slots, lower -n, or pass --oversubscribe`,
    );
  }

  const loopbacks = placement?.filter((e) => isLoopbackHost(addressOf(e.host))).length ?? 0;
  const local = placement === undefined || loopbacks === placement.length;
  if (!local && loopbacks > 0) {
    throw new PlanError(
      `${request.hostsOrigin ?? "--hosts"} mixes localhost with other hosts: name this host by an address the others can reach`,
    );
  }
  if (!local && request.rsh.length === 0) throw new PlanError("--rsh is empty");
  const crowded = local ? tooManyImagesHere(images, request.machine, request.oversubscribe) : undefined;
  if (crowded) throw new PlanError(crowded);

  const rendezvous = { host: local ? "127.0.0.1" : addressOf(placement![0].host), port: request.rendezvousPort };
  // Across hosts the nodes talk mutual TLS: with the user's files, else with material made for
  // this job (the secure way needs no option); clear text only when --insecure says so.
  const tlsOnStdin = !local && !request.tls && !request.insecure;
  const security: Record<string, string> = tlsOnStdin ? { [Var.tlsOnStdin]: "1" } : !local && request.insecure ? { [Var.insecure]: "1" } : {};
  const nodes: NodeLaunch[] = [];
  for (let index = 0; index < nodeCount; index++) {
    const host = local ? "127.0.0.1" : addressOf(placement![index].host);
    const config: NodeConfig = {
      nodeIndex: index,
      nodeCount,
      images,
      rendezvous,
      listenHost: host,
      listenPort: index === 0 ? rendezvous.port : 0,
      advertiseHost: host,
      token: TOKEN_NOT_IN_PLAN,
      program: request.program,
      args: request.args,
      label: request.label,
      timeoutSeconds: request.timeoutSeconds,
      deadlockTimeoutSeconds: request.deadlockTimeoutSeconds,
    };
    if (request.observe) config.observe = request.observe;
    if (request.checkpoint) config.checkpoint = { ...request.checkpoint };
    if (request.tls) config.tls = request.tls;
    // The job's own variables win over the user's -x (PGASC_NODE_INDEX=... must not break a node).
    const env: Record<string, string> = { ...request.exported, ...environmentForNode(config, { withToken: false }), ...LAUNCHED_NODE_VARIABLES, ...security };
    env.GLIBC_TUNABLES ??= NODE_MALLOC_TUNABLES;
    const nodeCommand = [request.nodeExecutable, request.pgascScript, "node", request.program];
    if (request.args.length > 0) nodeCommand.push("--", ...request.args);
    const launch: NodeLaunch = { index, images: imagesOfNode(images, nodeCount, index), config, argv: nodeCommand, env };
    if (!local) {
      // The remote side runs the words through a shell (ssh joins its arguments with spaces), so
      // each word goes quoted; the variables travel with `env`, which every POSIX host has.
      const envWords = Object.entries(env).map(([k, v]) => `${k}=${v}`);
      launch.remoteHost = placement![index].host;
      launch.argv = [...request.rsh, placement![index].host, ...["env", ...envWords, ...nodeCommand].map(quoteWord)];
      launch.env = {};
    }
    nodes.push(launch);
  }
  return { images, nodes, rendezvous, local, tlsOnStdin };
}

/** The command line `--show` prints for one node: what would be run, ready to paste into a shell. */
export function showCommand(launch: NodeLaunch): string {
  if (launch.remoteHost === undefined) {
    return quoteCommand(["env", ...Object.entries(launch.env).map(([k, v]) => `${k}=${v}`), ...launch.argv]);
  }
  // The words after the host are already quoted for the remote shell; quote them once more for
  // the local one, exactly as they would be passed.
  return quoteCommand(launch.argv);
}

/** "images 3-5", "image 3". */
export function describeImages([first, end]: [number, number]): string {
  return end - first === 1 ? `image ${first}` : `images ${first}-${end - 1}`;
}

/** "images 3, 4, 5 lost", "image 3 lost". */
export function describeLost([first, end]: [number, number]): string {
  const list = Array.from({ length: end - first }, (_, i) => String(first + i));
  return `${list.length === 1 ? "image" : "images"} ${list.join(", ")} lost`;
}
