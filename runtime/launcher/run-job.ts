// `pgasc run` across node processes: turns the run options (--nodes, -H/--hostfile, --rsh, TLS,
// --show, checkpoints) into a JobPlan, then either prints its commands or supervises the job, and
// runs it again after a lost node with --restart-on-failure. Consumes the options; produces the
// exit status, or throws LauncherError (one line for the user).

import { randomBytes, randomInt } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:net";
import type { ObserveOptions } from "../observe/outputs.js";
import { HostSpecError, addressOf, isLoopbackHost, parseHostList, parseHostfile, type HostEntry } from "./hostfile.js";
import { thisMachine } from "./image-limits.js";
import { PlanError, planJob, showCommand, type JobPlan } from "./job-plan.js";
import { tlsPemToLines, type TlsFiles } from "../node/node-config.js";
import { writeAllSync } from "./output-lines.js";
import { superviseJob } from "./run-nodes.js";
import { CheckpointOptionError, checkpointForLaunch, runWithRestarts, type JobOutcome, type LaunchCheckpoint } from "./restarts.js";
import type { CheckpointSettings } from "../checkpoint/storage.js";
import { ShellWordsError, splitWords } from "./shell-words.js";

export class LauncherError extends Error {
  constructor(
    message: string,
    readonly status = 1,
  ) {
    super(message);
  }
}

export interface MultiNodeOptions {
  program: string;
  args: string[];
  images?: number;
  nodes?: number;
  hosts?: string;
  hostfile?: string;
  rsh?: string;
  label: boolean;
  timeoutSeconds?: number;
  deadlockTimeoutSeconds?: number;
  observe?: ObserveOptions;
  /** The checkpoint directory (absolute) and `--restart`. */
  checkpoint?: { dir: string; restart: boolean };
  /** `--restart-on-failure K`. */
  restartOnFailure?: number;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
  /** Across hosts: clear text instead of the TLS the launcher would set up. */
  insecure?: boolean;
  oversubscribe: boolean;
  show: boolean;
  /** `-x VAR[=VALUE]`, resolved: variables every node process gets. */
  exported?: Record<string, string>;
  defaultImages: number;
  nodeExecutable: string;
  pgascScript: string;
  stdoutFd?: number;
  stderrFd?: number;
}

/**
 * Days the launcher's own TLS material is valid: certificates are checked when links are made, at
 * the start of the job; the CA's key is gone once it has signed, so nothing else can use them.
 */
const JOB_TLS_DAYS = 30;

/** Rendezvous ports for jobs on other hosts, where we cannot probe: below Linux's ephemeral range. */
const REMOTE_PORT_FIRST = 20000;
const REMOTE_PORT_END = 32000;

/** Checks everything that does not need the program built: call it before building. */
export function checkLaunchOptions(opts: MultiNodeOptions): void {
  plan(opts, 1, undefined);
}

export async function runMultiNode(opts: MultiNodeOptions): Promise<number> {
  const hosts = readHosts(opts);
  const local = hosts === undefined || hosts.entries.every((e) => isLoopbackHost(addressOf(e.host)));
  const port = () => (local ? freeLoopbackPort() : Promise.resolve(randomInt(REMOTE_PORT_FIRST, REMOTE_PORT_END)));
  const checkpoint = await launchCheckpoint(opts, plan(opts, 1, undefined));
  if (opts.show) {
    const jobPlan = plan(opts, await port(), checkpoint?.settings);
    writeAllSync(opts.stdoutFd ?? 1, Buffer.from(jobPlan.nodes.map((n) => showCommand(n) + "\n").join("")));
    return 0;
  }
  const say = (line: string) => writeAllSync(opts.stderrFd ?? 2, Buffer.from(line + "\n"));
  return runWithRestarts(opts.restartOnFailure ?? 0, checkpoint, say, async (mode) => {
    // Every attempt is a job of its own: a fresh rendezvous port and token.
    const settings: CheckpointSettings | undefined = checkpoint && { dir: checkpoint.settings.dir, restart: mode };
    return superviseAttempt(plan(opts, await port(), settings), opts);
  });
}

/** The program's checkpoints, with --restart checked where the launcher sees what the nodes write. */
async function launchCheckpoint(opts: MultiNodeOptions, jobPlan: JobPlan): Promise<LaunchCheckpoint | undefined> {
  if (opts.checkpoint === undefined) return undefined;
  try {
    // All nodes on this host write the directory the launcher sees. Across hosts it cannot tell a
    // shared file system from directories of each host: the nodes' images check then.
    return await checkpointForLaunch({ module: opts.program, ...opts.checkpoint, images: jobPlan.images, visible: jobPlan.local, check: !opts.show });
  } catch (e) {
    if (e instanceof CheckpointOptionError) throw new LauncherError(e.message, e.status);
    throw e;
  }
}

async function superviseAttempt(jobPlan: JobPlan, opts: MultiNodeOptions): Promise<JobOutcome> {
  // A fresh secret per job: nodes refuse every call that does not carry it.
  const token = randomBytes(32).toString("hex");
  let tlsLines: string[] | undefined;
  if (jobPlan.tlsOnStdin) {
    // Made here, as the token is, and sent the same way; the library loads only for such jobs.
    const { createJobTls } = await import("./tls-material.js");
    tlsLines = tlsPemToLines(await createJobTls(JOB_TLS_DAYS));
  }
  return superviseJob(jobPlan, {
    token,
    tlsLines,
    stdoutFd: opts.stdoutFd,
    stderrFd: opts.stderrFd,
    timeoutSeconds: opts.timeoutSeconds,
  });
}

/** Reads the hosts, checks the options and plans the job; every problem is a LauncherError. */
function plan(opts: MultiNodeOptions, rendezvousPort: number, checkpoint: CheckpointSettings | undefined): JobPlan {
  const hosts = readHosts(opts);
  const tls = tlsOf(opts);
  const rsh = rshWords(opts);
  const local = hosts === undefined || hosts.entries.every((e) => isLoopbackHost(addressOf(e.host)));
  if (tls && opts.insecure) {
    throw new LauncherError("pgasc: --insecure and --tls-cert/--tls-key/--tls-ca contradict each other: give one or the other", 2);
  }
  if (tls && local) {
    // Remote hosts have their own files at these paths; local ones can be checked now.
    for (const path of [tls.cert, tls.key, tls.ca]) {
      if (!existsSync(path)) throw new LauncherError(`pgasc: ${path}: no such file (TLS)`);
    }
  }
  try {
    return planJob({
      program: opts.program,
      args: opts.args,
      images: opts.images,
      nodes: opts.nodes,
      hosts: hosts?.entries,
      hostsOrigin: hosts?.origin,
      rsh,
      label: opts.label,
      timeoutSeconds: opts.timeoutSeconds,
      deadlockTimeoutSeconds: opts.deadlockTimeoutSeconds,
      observe: opts.observe,
      checkpoint,
      tls,
      insecure: opts.insecure,
      oversubscribe: opts.oversubscribe,
      machine: thisMachine(),
      exported: opts.exported,
      defaultImages: opts.defaultImages,
      rendezvousPort,
      nodeExecutable: opts.nodeExecutable,
      pgascScript: opts.pgascScript,
    });
  } catch (e) {
    if (e instanceof PlanError) throw new LauncherError(`pgasc: ${e.message}`, 2);
    throw e;
  }
}

/** The host entries of -H or --hostfile, with where they came from; undefined for a run here. */
function readHosts(opts: MultiNodeOptions): { entries: HostEntry[]; origin: string } | undefined {
  if (opts.hosts !== undefined && opts.hostfile !== undefined) {
    throw new LauncherError("pgasc: give either -H/--hosts or --hostfile, not both", 2);
  }
  try {
    if (opts.hosts !== undefined) return { entries: parseHostList(opts.hosts), origin: "--hosts" };
    if (opts.hostfile !== undefined) {
      const file = opts.hostfile;
      if (!existsSync(file)) throw new LauncherError(`pgasc: ${file}: no such hostfile`);
      if (statSync(file).isDirectory()) throw new LauncherError(`pgasc: ${file}: is a directory, not a hostfile`);
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch (e) {
        throw new LauncherError(`pgasc: ${file}: cannot read the hostfile: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      return { entries: parseHostfile(text, file), origin: file };
    }
  } catch (e) {
    if (e instanceof HostSpecError) throw new LauncherError(`pgasc: ${e.message}`, 2);
    throw e;
  }
  if (opts.rsh !== undefined) throw new LauncherError("pgasc: --rsh needs -H/--hosts or --hostfile", 2);
  return undefined;
}

function tlsOf(opts: MultiNodeOptions): TlsFiles | undefined {
  const given = [opts.tlsCert, opts.tlsKey, opts.tlsCa].filter((v) => v !== undefined).length;
  if (given === 0) return undefined;
  if (given < 3) throw new LauncherError("pgasc: TLS needs all three of --tls-cert, --tls-key and --tls-ca", 2);
  return { cert: opts.tlsCert!, key: opts.tlsKey!, ca: opts.tlsCa! };
}

function rshWords(opts: MultiNodeOptions): string[] {
  try {
    const words = splitWords(opts.rsh ?? "ssh");
    if (words.length === 0) throw new LauncherError("pgasc: --rsh is empty", 2);
    return words;
  } catch (e) {
    if (e instanceof ShellWordsError) throw new LauncherError(`pgasc: --rsh: ${e.message}`, 2);
    throw e;
  }
}

/** A port that was free on 127.0.0.1 a moment ago (node 0 binds it next). */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}
