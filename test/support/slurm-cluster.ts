// A real Slurm cluster on this host for tests: munged, slurmctld and two `slurmd -N` (nodes
// 127.0.0.1 and 127.0.0.2, each with its own port, spool directory, pid and log file) under a temp
// directory, run in the foreground as children of the test and stopped by PID. Needs root, Debian's
// slurm-wlm and munge; produces the variables srun/sbatch/sinfo need (SLURM_CONF).

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, delimiter, dirname, join } from "node:path";
import { freePort } from "../grpc/harness.js";
import { jobIdWithFreePorts } from "./deployment-files.js";
import { waitFor } from "./wait.js";

/** Node names are their addresses: they resolve without DNS or /etc/hosts, here and in pgasc. */
export const SLURM_NODES = ["127.0.0.1", "127.0.0.2"] as const;
/** What each node offers: `#SBATCH --cpus-per-task=2` on one task per node must fit. */
const CPUS_PER_NODE = 2;
const DIR_PREFIX = "pgasc-slurm-";
const SEARCH_PATH = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/sbin", "/usr/local/sbin"].filter((d) => d !== "");
const COMMANDS = ["munged", "slurmctld", "slurmd", "srun", "sbatch", "sinfo", "squeue"] as const;

function findCommand(name: string): string | undefined {
  return SEARCH_PATH.map((d) => join(d, name)).find((p) => existsSync(p));
}

/** Why a cluster cannot be started here, or undefined when it can. */
export function slurmUnavailable(): string | undefined {
  if (process.platform !== "linux") return "Slurm runs on Linux only";
  if (process.getuid?.() !== 0) return "not running as root (slurmd must be root to start tasks)";
  const missing = COMMANDS.filter((c) => findCommand(c) === undefined);
  if (missing.length > 0) return `no ${missing.join(", ")} (apt-get install slurm-wlm munge; .ci/run does it as root)`;
  return undefined;
}

export interface SlurmCluster {
  readonly dir: string;
  /** SLURM_CONF and a PATH with the Slurm commands: give these to srun, sbatch, squeue. */
  readonly env: Record<string, string>;
  /** Seconds from the first daemon started to both nodes idle. */
  readonly setupSeconds: number;
  /** PIDs of every live process of this cluster: daemons, slurmstepd, tasks, srun and sbatch. */
  processes(): number[];
  /** The same without the daemons and their helpers (slurmscriptd): what jobs left running. */
  jobProcesses(): number[];
  /** Output of a Slurm client command, e.g. squeue. */
  query(command: string, args: string[]): string;
  /** Stops the daemons by PID, then kills whatever of the cluster is left, and removes the directory. */
  stop(): Promise<void>;
}

/** The variables of a process, or undefined once it is gone (or not ours to read). */
function environmentOf(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/environ`, "latin1").split("\0");
  } catch {
    return undefined;
  }
}

/** The value of NAME in a live process's environment. */
export function processVariable(pid: number, name: string): string | undefined {
  const line = environmentOf(pid)?.find((v) => v.startsWith(`${name}=`));
  return line?.slice(name.length + 1);
}

export function commandLineOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "latin1").split("\0").filter((a) => a !== "");
  } catch {
    return [];
  }
}

function parentOf(pid: number): number | undefined {
  try {
    // The fields after the command name, which is in parentheses and may hold anything.
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

/** Live processes whose SLURM_CONF passes the test (every process a cluster starts carries it). */
function processesWithConf(test: (conf: string) => boolean): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      const conf = processVariable(pid, "SLURM_CONF");
      return conf !== undefined && test(conf);
    });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function killPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    /* already gone */
  }
}

/** Kills what is left of clusters started by test processes that have died since, and removes their directories. */
function removeStaleClusters(): void {
  const owner = (name: string) => Number(new RegExp(`^${DIR_PREFIX}(\\d+)-`).exec(name)?.[1] ?? NaN);
  const stale = (name: string) => Number.isInteger(owner(name)) && owner(name) !== process.pid && !isAlive(owner(name));
  for (const pid of processesWithConf((conf) => stale(basename(dirname(conf))))) killPid(pid, "SIGKILL");
  for (const name of readdirSync(tmpdir()).filter(stale)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
}

function slurmConf(dir: string, ports: { controller: number; nodes: number[] }, firstJobId: number): string {
  const nodes = SLURM_NODES.map(
    (name, i) => `NodeName=${name} NodeAddr=${name} Port=${ports.nodes[i]} CPUs=${CPUS_PER_NODE} RealMemory=1000 State=UNKNOWN`,
  );
  return [
    "# written by test/support/slurm-cluster.ts: a two-node test cluster on loopback",
    "ClusterName=pgasctest",
    "SlurmctldHost=localhost(127.0.0.1)",
    `SlurmctldPort=${ports.controller}`,
    "SlurmUser=root",
    "SlurmdUser=root",
    "AuthType=auth/munge",
    "CredType=cred/munge",
    `AuthInfo=socket=${join(dir, "munge.socket")}`,
    `StateSaveLocation=${join(dir, "state")}`,
    `SlurmdSpoolDir=${join(dir, "spool-%n")}`,
    `SlurmctldPidFile=${join(dir, "slurmctld.pid")}`,
    `SlurmdPidFile=${join(dir, "slurmd-%n.pid")}`,
    `SlurmctldLogFile=${join(dir, "slurmctld.log")}`,
    `SlurmdLogFile=${join(dir, "slurmd-%n.log")}`,
    // No cgroups (containers seldom have a usable hierarchy): processes tracked by parentage.
    "ProctrackType=proctrack/linuxproc",
    "TaskPlugin=task/none",
    "JobAcctGatherType=jobacct_gather/none",
    "AccountingStorageType=accounting_storage/none",
    "SelectType=select/cons_tres",
    "SelectTypeParameters=CR_Core",
    "MpiDefault=none",
    "SwitchType=switch/none",
    "MailProg=/bin/true",
    "ReturnToService=2",
    "SlurmdParameters=config_overrides",
    // A killed step's other tasks get SIGKILL 5 s after SIGTERM (default 30).
    "KillWait=5",
    `FirstJobId=${firstJobId}`,
    ...nodes,
    "PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP",
    "",
  ].join("\n");
}

interface Daemon {
  name: string;
  child: ChildProcess;
  exited: boolean;
  log: string;
}

function tail(file: string, lines = 15): string {
  if (!existsSync(file)) return "";
  return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
}

/**
 * Starts munged, slurmctld and one slurmd per node and waits until sinfo shows every node idle.
 * `jobs`: how many jobs the caller will run (their pgasc rendezvous ports are checked free).
 */
export async function startSlurmCluster(options: { jobs: number }): Promise<SlurmCluster> {
  removeStaleClusters();
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), `${DIR_PREFIX}${process.pid}-`));
  // munged wants its socket's directory searchable by everyone.
  chmodSync(dir, 0o711);
  const conf = join(dir, "slurm.conf");
  const env: Record<string, string> = { PATH: SEARCH_PATH.join(delimiter), SLURM_CONF: conf, HOME: dir };
  const daemons: Daemon[] = [];

  const startDaemon = (name: string, command: string, args: string[]): Daemon => {
    const log = join(dir, `${name}.out`);
    const fd = openSync(log, "a");
    const child = spawn(findCommand(command)!, args, { cwd: dir, env, stdio: ["ignore", fd, fd] });
    closeSync(fd);
    const daemon: Daemon = { name, child, exited: false, log };
    child.once("exit", () => (daemon.exited = true));
    child.once("error", () => (daemon.exited = true));
    daemons.push(daemon);
    return daemon;
  };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // The nodes first, the controller, then munge: every daemon by the PID we started it with.
    for (const d of [...daemons].reverse()) {
      if (d.exited) continue;
      killPid(d.child.pid!, "SIGTERM");
      if (!(await waitFor(() => d.exited, 20_000))) killPid(d.child.pid!, "SIGKILL");
      await waitFor(() => d.exited, 5_000);
    }
    // Steps still running when the daemons went (a failed test): their slurmstepd and tasks.
    const left = () => processesWithConf((c) => c === conf);
    for (const pid of left()) killPid(pid, "SIGKILL");
    await waitFor(() => left().length === 0, 10_000);
    rmSync(dir, { recursive: true, force: true });
  };
  const failed = async (what: string): Promise<never> => {
    const logs = daemons
      .flatMap((d) => [d.log, join(dir, `${d.name}.log`)])
      .map((f) => [f, tail(f)] as const)
      .filter(([, t]) => t !== "")
      .map(([f, t]) => `--- ${f}\n${t}`);
    await stop();
    throw new Error(`Slurm test cluster: ${what}\n${logs.join("\n")}`);
  };

  try {
    mkdirSync(join(dir, "state"));
    for (const node of SLURM_NODES) mkdirSync(join(dir, `spool-${node}`));
    writeFileSync(join(dir, "munge.key"), randomBytes(1024), { mode: 0o600 });
    const controller = await freePort("0.0.0.0");
    const nodePorts: number[] = [];
    while (nodePorts.length < SLURM_NODES.length) {
      const port = await freePort("0.0.0.0");
      if (port !== controller && !nodePorts.includes(port)) nodePorts.push(port);
    }
    const firstJobId = await jobIdWithFreePorts(options.jobs);
    writeFileSync(conf, slurmConf(dir, { controller, nodes: nodePorts }, firstJobId));

    const munged = startDaemon("munged", "munged", [
      "--foreground",
      `--socket=${join(dir, "munge.socket")}`,
      `--key-file=${join(dir, "munge.key")}`,
      `--pid-file=${join(dir, "munged.pid")}`,
      `--log-file=${join(dir, "munged.log")}`,
      `--seed-file=${join(dir, "munged.seed")}`,
    ]);
    if (!(await waitFor(() => munged.exited || existsSync(join(dir, "munge.socket")), 20_000)) || munged.exited) {
      return await failed("munged did not start");
    }
    startDaemon("slurmctld", "slurmctld", ["-D"]);
    for (const node of SLURM_NODES) startDaemon(`slurmd-${node}`, "slurmd", ["-D", "-N", node]);

    const query = (command: string, args: string[]) =>
      spawnSync(findCommand(command)!, args, { env, encoding: "utf8", timeout: 20_000 }).stdout ?? "";
    const idle = () => {
      const states = query("sinfo", ["-h", "-N", "-o", "%N %t"]).trim().split("\n");
      return SLURM_NODES.every((node) => states.includes(`${node} idle`));
    };
    const up = await waitFor(() => daemons.some((d) => d.exited) || idle(), 90_000);
    const dead = daemons.filter((d) => d.exited).map((d) => d.name);
    if (dead.length > 0) return await failed(`${dead.join(", ")} exited`);
    if (!up) return await failed("the nodes did not become idle within 90 s");

    return {
      dir,
      env,
      setupSeconds: (performance.now() - started) / 1000,
      processes: () => processesWithConf((c) => c === conf),
      jobProcesses: () => {
        const pids = new Set(daemons.map((d) => d.child.pid!));
        return processesWithConf((c) => c === conf).filter(
          (pid) => !pids.has(pid) && (commandLineOf(pid)[0]?.startsWith("slurmstepd") || !pids.has(parentOf(pid) ?? -1)),
        );
      },
      query,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
