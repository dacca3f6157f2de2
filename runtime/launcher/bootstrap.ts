// The bootstrap contract of `pgasc node`: how one node process learns its place in a job from
// its environment — generic PGASC_* variables, Slurm's srun, or a Kubernetes Indexed Job.
// Consumes an environment object (plus command-line overrides); produces a NodeConfig. Pure.

import { isLoopbackHost } from "./hostfile.js";
import { expandHostlist } from "./hostlist.js";
import type { NodeConfig, TlsFiles, TlsPem } from "../node/node-config.js";
import type { ObserveOptions } from "../observe/outputs.js";
import { eventsPerImage } from "../observe/options.js";
import { defaultCheckpointDir, type CheckpointSettings, type RestartMode } from "../checkpoint/storage.js";

export type Environment = Readonly<Record<string, string | undefined>>;
export type BootstrapKind = "generic" | "slurm" | "kubernetes";

export class BootstrapError extends Error {}

/** Names of the generic variables (docs/deployment.md has the table). */
export const Var = {
  bootstrap: "PGASC_BOOTSTRAP",
  nodeIndex: "PGASC_NODE_INDEX",
  nodeCount: "PGASC_NODE_COUNT",
  images: "PGASC_IMAGES",
  rendezvous: "PGASC_RENDEZVOUS",
  rendezvousPort: "PGASC_RENDEZVOUS_PORT",
  token: "PGASC_JOB_TOKEN",
  listenHost: "PGASC_LISTEN_HOST",
  listenPort: "PGASC_LISTEN_PORT",
  advertiseHost: "PGASC_ADVERTISE_HOST",
  tlsCert: "PGASC_TLS_CERT",
  tlsKey: "PGASC_TLS_KEY",
  tlsCa: "PGASC_TLS_CA",
  /** 1: accept clear text between hosts (no TLS); refused otherwise (checkTransport). */
  insecure: "PGASC_INSECURE",
  program: "PGASC_PROGRAM",
  label: "PGASC_LABEL",
  timeout: "PGASC_TIMEOUT",
  deadlockTimeout: "PGASC_DEADLOCK_TIMEOUT",
  /** 1: print the profile table at the end (`pgasc run --profile`). */
  profile: "PGASC_PROFILE",
  /** Write the trace here (`pgasc run --trace FILE`, made absolute), and how many events per image. */
  trace: "PGASC_TRACE",
  traceEvents: "PGASC_TRACE_EVENTS",
  /** The checkpoint directory (`--checkpoint-dir`, default NAME.ckpt beside the program). */
  checkpointDir: "PGASC_CHECKPOINT_DIR",
  /** 1: restart from the last complete checkpoint (`--restart`); auto: if there is one (`--restart-on-failure`). */
  restart: "PGASC_RESTART",
  k8sJob: "PGASC_K8S_JOB",
  k8sService: "PGASC_K8S_SERVICE",
  /** Process behaviour, set by `pgasc run` for the node processes it starts (not NodeConfig). */
  exitOnStdinEof: "PGASC_EXIT_ON_STDIN_EOF",
  tokenOnStdin: "PGASC_TOKEN_ON_STDIN",
  /** Three more stdin lines after the token: the job's TLS material made by `pgasc run`. */
  tlsOnStdin: "PGASC_TLS_ON_STDIN",
  readyLine: "PGASC_READY_LINE",
} as const;

/** Rendezvous port of a Kubernetes job when PGASC_RENDEZVOUS_PORT does not say. */
export const KUBERNETES_DEFAULT_PORT = 46000;
/** Slurm rendezvous ports are derived from the job and step ids into [FIRST, FIRST + SPAN). */
export const SLURM_PORT_FIRST = 15000;
export const SLURM_PORT_SPAN = 15000;

/** What the command line of `pgasc node` may give; each wins over its variable. */
export interface NodeOverrides {
  program?: string;
  args?: string[];
  images?: number;
  label?: boolean;
  timeoutSeconds?: number;
  deadlockTimeoutSeconds?: number;
  tls?: Partial<TlsFiles>;
  /** The job token when it arrived another way (on stdin from `pgasc run`). */
  token?: string;
  /** TLS material that arrived on stdin from `pgasc run` (wins over files). */
  tlsPem?: TlsPem;
  /** `pgasc node --insecure`. */
  insecure?: boolean;
}

/** The one address a job on one host uses (what `pgasc run --nodes` gives every node). */
export const ONE_HOST_ADDRESS = "127.0.0.1";

/**
 * Why a node may talk across hosts, or undefined when its job is on one host: started by the
 * generic bootstrap with node 0 reached at, and this node listening on, exactly 127.0.0.1 (as
 * `pgasc run --nodes` starts them). Anything else may cross a network, other loopback addresses
 * included (127.0.0.2 stands for a second host in tests with two Slurm daemons on one machine);
 * Slurm and Kubernetes place their tasks on any host.
 */
export function acrossHosts(config: NodeConfig, env: Environment): string | undefined {
  const kind = detectBootstrap(env);
  if (kind === "slurm") return "Slurm may place the tasks on any host";
  if (kind === "kubernetes") return "Kubernetes may place the pods on any host";
  if (config.rendezvous.host !== ONE_HOST_ADDRESS) return `node 0 is at ${config.rendezvous.host}, not ${ONE_HOST_ADDRESS}`;
  if (config.listenHost !== ONE_HOST_ADDRESS) return `this node listens on ${config.listenHost}, not ${ONE_HOST_ADDRESS}`;
  return undefined;
}

/**
 * Refuses clear text across hosts: without TLS material a job token and every coarray would cross
 * the network readable by anyone on the path, and a node would give its token to whatever answers
 * at the rendezvous address. PGASC_INSECURE=1 (or --insecure) accepts that on purpose.
 */
export function checkTransport(config: NodeConfig, env: Environment, overrides: NodeOverrides): void {
  if (config.tls || config.tlsPem || (overrides.insecure ?? flag(env, Var.insecure))) return;
  const why = acrossHosts(config, env);
  if (why === undefined) return;
  throw new BootstrapError(
    `refusing to run across hosts in clear text (${why}; the job token and all data would cross the network unprotected): ` +
      `set ${Var.tlsCert}, ${Var.tlsKey} and ${Var.tlsCa} (pgasc tls-init DIR makes them) or ${Var.insecure}=1`,
  );
}

/** Facts about the machine that a pure function cannot look up itself. */
export interface MachineFacts {
  hostname: string;
}

/** Which bootstrap applies: PGASC_BOOTSTRAP if set, else the first whose variables are present. */
export function detectBootstrap(env: Environment): BootstrapKind | undefined {
  const forced = env[Var.bootstrap];
  if (forced !== undefined && forced !== "") {
    if (forced === "generic" || forced === "slurm" || forced === "kubernetes") return forced;
    throw new BootstrapError(`${Var.bootstrap}=${forced}: expected generic, slurm or kubernetes`);
  }
  if (present(env, Var.nodeIndex)) return "generic";
  if (present(env, "SLURM_PROCID")) return "slurm";
  if (present(env, "JOB_COMPLETION_INDEX")) return "kubernetes";
  return undefined;
}

/** Builds this node's configuration from the environment; throws BootstrapError naming the variable at fault. */
export function nodeConfigFromEnvironment(env: Environment, overrides: NodeOverrides, facts: MachineFacts): NodeConfig {
  const kind = detectBootstrap(env);
  if (kind === undefined) {
    throw new BootstrapError(
      `no node environment: set ${Var.nodeIndex}, ${Var.nodeCount}, ${Var.images}, ${Var.rendezvous} and ${Var.token}, ` +
        `or run under Slurm's srun or a Kubernetes Indexed Job (docs/deployment.md)`,
    );
  }
  const place = kind === "generic" ? genericPlace(env) : kind === "slurm" ? slurmPlace(env, facts) : kubernetesPlace(env, facts);

  const images = overrides.images ?? place.images ?? optionalCount(env, Var.images);
  if (images === undefined) {
    throw new BootstrapError(`${Var.images} is not set: the number of images of the job (or pass -n to pgasc node)`);
  }
  if (place.nodeCount > images) {
    throw new BootstrapError(`${place.nodeCount} nodes but only ${images} images: every node needs at least one image`);
  }
  if (place.nodeIndex >= place.nodeCount) {
    throw new BootstrapError(`node index ${place.nodeIndex} is not below the node count ${place.nodeCount}`);
  }

  const token = overrides.token ?? env[Var.token];
  if (token === undefined || token === "") {
    throw new BootstrapError(
      `${Var.token} is not set: every node of a job needs the same secret token (for example export ${Var.token}=$(openssl rand -hex 32) before starting the job)`,
    );
  }

  const program = overrides.program ?? env[Var.program];
  if (program === undefined || program === "") {
    throw new BootstrapError(`no program: give the compiled module (pgasc node build/NAME.mjs) or set ${Var.program}`);
  }

  const listenHost = env[Var.listenHost] || place.listenHost;
  const advertiseHost = env[Var.advertiseHost] || place.advertiseHost || (isWildcard(listenHost) ? facts.hostname : listenHost);
  const listenPort =
    place.nodeIndex === 0 ? place.rendezvous.port : (optionalPort(env, Var.listenPort) ?? 0);

  const config: NodeConfig = {
    nodeIndex: place.nodeIndex,
    nodeCount: place.nodeCount,
    images,
    rendezvous: place.rendezvous,
    listenHost,
    listenPort,
    advertiseHost,
    token,
    program,
    args: overrides.args ?? [],
    label: overrides.label ?? flag(env, Var.label),
    timeoutSeconds: overrides.timeoutSeconds ?? optionalSeconds(env, Var.timeout),
  };
  const deadlockTimeout = overrides.deadlockTimeoutSeconds ?? optionalSeconds(env, Var.deadlockTimeout, true);
  if (deadlockTimeout !== undefined) config.deadlockTimeoutSeconds = deadlockTimeout;
  const observe = observeOptions(env);
  if (observe) config.observe = observe;
  const checkpoint = checkpointSettings(env, program);
  if (checkpoint) config.checkpoint = checkpoint;
  if (overrides.tlsPem) {
    config.tlsPem = overrides.tlsPem;
  } else {
    const tls = tlsFiles(env, overrides.tls);
    if (tls) config.tls = tls;
  }
  return config;
}

/**
 * The generic variables that describe `config` — what `pgasc run` gives each node it starts.
 * The token is left out unless asked for: `pgasc run` sends it on the node's stdin instead, so
 * that it never appears on a command line (ssh's arguments are visible to every local user).
 */
export function environmentForNode(config: NodeConfig, options: { withToken: boolean }): Record<string, string> {
  const env: Record<string, string> = {
    [Var.bootstrap]: "generic",
    [Var.nodeIndex]: String(config.nodeIndex),
    [Var.nodeCount]: String(config.nodeCount),
    [Var.images]: String(config.images),
    [Var.rendezvous]: formatHostPort(config.rendezvous.host, config.rendezvous.port),
    [Var.listenHost]: config.listenHost,
    [Var.advertiseHost]: config.advertiseHost,
  };
  if (config.nodeIndex !== 0 && config.listenPort !== 0) env[Var.listenPort] = String(config.listenPort);
  if (config.label) env[Var.label] = "1";
  if (config.timeoutSeconds !== undefined) env[Var.timeout] = String(config.timeoutSeconds);
  if (config.deadlockTimeoutSeconds !== undefined) env[Var.deadlockTimeout] = String(config.deadlockTimeoutSeconds);
  if (config.observe?.profile) env[Var.profile] = "1";
  if (config.observe?.tracePath !== undefined) env[Var.trace] = config.observe.tracePath;
  if (config.observe?.eventsPerImage !== undefined) env[Var.traceEvents] = String(config.observe.eventsPerImage);
  if (config.checkpoint) {
    env[Var.checkpointDir] = config.checkpoint.dir;
    if (config.checkpoint.restart !== "no") env[Var.restart] = config.checkpoint.restart === "yes" ? "1" : "auto";
  }
  if (config.tls) {
    env[Var.tlsCert] = config.tls.cert;
    env[Var.tlsKey] = config.tls.key;
    env[Var.tlsCa] = config.tls.ca;
  }
  if (options.withToken) env[Var.token] = config.token;
  return env;
}

/** PGASC_PROFILE, PGASC_TRACE and PGASC_TRACE_EVENTS as observe options; undefined when neither is asked for. */
function observeOptions(env: Environment): ObserveOptions | undefined {
  const profile = flag(env, Var.profile);
  const tracePath = env[Var.trace] || undefined;
  if (!profile && tracePath === undefined) return undefined;
  const observe: ObserveOptions = { profile };
  if (tracePath !== undefined) observe.tracePath = tracePath;
  const events = eventsPerImage(env[Var.traceEvents]);
  if (typeof events === "object") throw new BootstrapError(events.problem);
  if (events !== undefined) observe.eventsPerImage = events;
  return observe;
}

/** PGASC_CHECKPOINT_DIR and PGASC_RESTART; undefined when neither is set (the node's defaults apply). */
function checkpointSettings(env: Environment, program: string): CheckpointSettings | undefined {
  const dir = env[Var.checkpointDir];
  const text = env[Var.restart];
  if (!present(env, Var.checkpointDir) && !present(env, Var.restart)) return undefined;
  const modes: Record<string, RestartMode> = { "0": "no", no: "no", false: "no", "1": "yes", yes: "yes", true: "yes", auto: "auto" };
  const restart = text === undefined || text === "" ? "no" : modes[text];
  if (restart === undefined) throw new BootstrapError(`${Var.restart}=${text}: expected 1 (restart from the last checkpoint), auto or 0`);
  return { dir: dir || defaultCheckpointDir(program), restart };
}

/** `host:port`, with brackets around an IPv6 address. */
export function formatHostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Parses `host:port` or `[v6]:port`. */
export function parseHostPort(text: string, what: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d+)$/.exec(text.trim());
  if (!m) throw new BootstrapError(`${what}=${text}: expected HOST:PORT`);
  const port = Number(m[3]);
  if (port < 1 || port > 65535) throw new BootstrapError(`${what}=${text}: the port must be 1..65535`);
  return { host: m[1] ?? m[2], port };
}

/** Rendezvous port of a Slurm step: every task computes the same one from the job and step ids. */
export function slurmRendezvousPort(jobId: number, stepId: number): number {
  return SLURM_PORT_FIRST + ((jobId * 31 + stepId) % SLURM_PORT_SPAN);
}

interface Place {
  nodeIndex: number;
  nodeCount: number;
  images?: number;
  rendezvous: { host: string; port: number };
  listenHost: string;
  advertiseHost?: string;
}

function genericPlace(env: Environment): Place {
  const nodeIndex = requiredIndex(env, Var.nodeIndex);
  const nodeCount = requiredCount(env, Var.nodeCount);
  const rendezvousText = env[Var.rendezvous];
  if (rendezvousText === undefined || rendezvousText === "") {
    throw new BootstrapError(`${Var.rendezvous} is not set: HOST:PORT where node 0 listens`);
  }
  const rendezvous = parseHostPort(rendezvousText, Var.rendezvous);
  // A job whose rendezvous is on loopback is a one-host job: stay on loopback.
  return { nodeIndex, nodeCount, rendezvous, listenHost: isLoopbackHost(rendezvous.host) ? "127.0.0.1" : "0.0.0.0" };
}

function slurmPlace(env: Environment, facts: MachineFacts): Place {
  const nodeIndex = requiredIndex(env, "SLURM_PROCID");
  const countVar = ["SLURM_STEP_NUM_TASKS", "SLURM_NTASKS", "SLURM_NPROCS"].find((v) => present(env, v));
  if (countVar === undefined) throw new BootstrapError("SLURM_NTASKS is not set (is this a task started by srun?)");
  const nodeCount = requiredCount(env, countVar);
  const rendezvous = overriddenRendezvous(env) ?? {
    host: firstHost(env),
    port: optionalPort(env, Var.rendezvousPort) ?? slurmRendezvousPort(requiredIndex(env, "SLURM_JOB_ID"), stepId(env)),
  };
  // Without PGASC_IMAGES (or -n): one image per CPU srun reserved for each task. srun sets
  // SLURM_CPUS_PER_TASK only with -c, and without -c it reserves one CPU per task. Not
  // SLURM_CPUS_ON_NODE: it counts every task's CPUs on this node and may differ between nodes,
  // so the tasks could disagree on the job's size.
  const cpusPerTask = optionalCount(env, "SLURM_CPUS_PER_TASK") ?? 1;
  return {
    nodeIndex,
    nodeCount,
    images: present(env, Var.images) ? undefined : cpusPerTask * nodeCount,
    rendezvous,
    listenHost: "0.0.0.0",
    advertiseHost: env.SLURMD_NODENAME || facts.hostname,
  };
}

function kubernetesPlace(env: Environment, facts: MachineFacts): Place {
  const nodeIndex = requiredIndex(env, "JOB_COMPLETION_INDEX");
  const nodeCount = requiredCount(env, Var.nodeCount);
  const service = env[Var.k8sService];
  if (service === undefined || service === "") {
    throw new BootstrapError(`${Var.k8sService} is not set: the headless Service named in the pod template's subdomain`);
  }
  // Pods of an Indexed Job are named <job>-<index> (their hostname), so the job name is the
  // hostname without its index suffix unless PGASC_K8S_JOB says otherwise.
  let job = env[Var.k8sJob];
  if (job === undefined || job === "") {
    const suffix = `-${nodeIndex}`;
    if (!facts.hostname.endsWith(suffix) || facts.hostname.length === suffix.length) {
      throw new BootstrapError(`cannot tell the job name from hostname '${facts.hostname}' (expected <job>${suffix}): set ${Var.k8sJob}`);
    }
    job = facts.hostname.slice(0, -suffix.length);
  }
  const rendezvous = overriddenRendezvous(env) ?? {
    host: `${job}-0.${service}`,
    port: optionalPort(env, Var.rendezvousPort) ?? KUBERNETES_DEFAULT_PORT,
  };
  return { nodeIndex, nodeCount, rendezvous, listenHost: "0.0.0.0", advertiseHost: `${job}-${nodeIndex}.${service}` };
}

function overriddenRendezvous(env: Environment): { host: string; port: number } | undefined {
  const text = env[Var.rendezvous];
  return text === undefined || text === "" ? undefined : parseHostPort(text, Var.rendezvous);
}

function firstHost(env: Environment): string {
  const listVar = ["SLURM_STEP_NODELIST", "SLURM_JOB_NODELIST", "SLURM_NODELIST"].find((v) => present(env, v));
  if (listVar === undefined) throw new BootstrapError("SLURM_STEP_NODELIST is not set (is this a task started by srun?)");
  // Only the first host matters, but expanding all of it checks the whole list's syntax.
  try {
    return expandHostlist(env[listVar]!)[0];
  } catch (e) {
    throw new BootstrapError(`${listVar}: ${(e as Error).message}`);
  }
}

function stepId(env: Environment): number {
  const text = env.SLURM_STEP_ID ?? env.SLURM_STEPID;
  if (text === undefined || text === "") return 0;
  // Batch and interactive steps have symbolic ids in some Slurm versions; they are not task steps.
  return /^\d+$/.test(text) ? Number(text) : 0;
}

function present(env: Environment, name: string): boolean {
  const v = env[name];
  return v !== undefined && v !== "";
}

function requiredIndex(env: Environment, name: string): number {
  const text = env[name];
  if (text === undefined || text === "") throw new BootstrapError(`${name} is not set`);
  if (!/^\d+$/.test(text.trim())) throw new BootstrapError(`${name}=${text} is not a whole number`);
  return Number(text.trim());
}

function requiredCount(env: Environment, name: string): number {
  const n = requiredIndex(env, name);
  if (n < 1) throw new BootstrapError(`${name}=${env[name]} must be at least 1`);
  return n;
}

function optionalCount(env: Environment, name: string): number | undefined {
  return present(env, name) ? requiredCount(env, name) : undefined;
}

function optionalPort(env: Environment, name: string): number | undefined {
  if (!present(env, name)) return undefined;
  const port = requiredIndex(env, name);
  if (port > 65535) throw new BootstrapError(`${name}=${env[name]} is not a port (0..65535)`);
  return port;
}

function optionalSeconds(env: Environment, name: string, zeroAllowed = false): number | undefined {
  if (!present(env, name)) return undefined;
  const n = Number(env[name]);
  if (zeroAllowed && n === 0) return 0;
  if (!Number.isFinite(n) || n <= 0) throw new BootstrapError(`${name}=${env[name]} must be a number of seconds ${zeroAllowed ? "(0 or more)" : "above 0"}`);
  return n;
}

function flag(env: Environment, name: string): boolean {
  const v = env[name];
  return v === "1" || v === "true" || v === "yes";
}

function tlsFiles(env: Environment, given: Partial<TlsFiles> | undefined): TlsFiles | undefined {
  const cert = given?.cert ?? env[Var.tlsCert];
  const key = given?.key ?? env[Var.tlsKey];
  const ca = given?.ca ?? env[Var.tlsCa];
  const set = [cert, key, ca].filter((v) => v !== undefined && v !== "").length;
  if (set === 0) return undefined;
  if (set < 3) {
    throw new BootstrapError(`TLS needs all three of ${Var.tlsCert}, ${Var.tlsKey} and ${Var.tlsCa} (--tls-cert, --tls-key, --tls-ca)`);
  }
  return { cert: cert!, key: key!, ca: ca! };
}

function isWildcard(host: string): boolean {
  return host === "0.0.0.0" || host === "::" || host === "";
}
