// The multi-node supervisor of `pgasc run --nodes/--hosts/--hostfile`: starts every node process
// of a JobPlan, hands each its token (and TLS material) on stdin, forwards their output line by
// line, watches for failures and signals, and tears everything down. Produces the job's exit status,
// and which node was lost if one died under the job (restarts.ts decides whether to run it again).

import { spawn, type ChildProcess } from "node:child_process";
import { describeImages, describeLost, type JobPlan, type NodeLaunch } from "./job-plan.js";
import { describeKill } from "./killed.js";
import { NODE_HUNG_LINE, nodeHungLine } from "../node/node-config.js";
import { LineSplitter, OutputClosedError, linesOf, writeAllSync } from "./output-lines.js";
import type { JobOutcome } from "./restarts.js";

/** The line a node writes on stderr once the node program runs (PGASC_READY_LINE=1). */
export const READY_LINE = "pgasc:node-ready";

/** Exit statuses of the launcher itself. */
export const Status = {
  /** A node could not be started or was lost. */
  failed: 1,
  timeout: 124,
  sigpipe: 141,
} as const;

const SIGNAL_STATUS: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

export interface SupervisorOptions {
  /** The job token: the first line of every node's stdin (never on a command line). */
  token: string;
  /** The job's TLS material as lines, written after the token (PGASC_TLS_ON_STDIN). */
  tlsLines?: string[];
  stdoutFd?: number;
  stderrFd?: number;
  /** The job's --timeout: nodes enforce it; the launcher ends them GRACE later if they did not. */
  timeoutSeconds?: number;
  /** How long a node may take to say it started (ssh log-ins can be slow). */
  startTimeoutSeconds?: number;
}

/** After a node fails with a status, the others get this long to end by themselves. */
const FAILURE_GRACE_MS = 3000;
/** After SIGTERM, a node gets this long before SIGKILL. */
const KILL_GRACE_MS = 1500;
/** The launcher's own timeout comes this long after the nodes' --timeout. */
const TIMEOUT_GRACE_MS = 5000;
/** How long after a node's exit its pipes may stay open before the exit is judged anyway. */
const CLOSE_AFTER_EXIT_MS = 500;
/** Lines of a node's stderr kept before it has started (shown if it fails to start). */
const EARLY_STDERR_LINES = 50;

interface NodeState {
  launch: NodeLaunch;
  child?: ChildProcess;
  ready: boolean;
  exited: boolean;
  closed: boolean;
  /** The process group has been sent SIGKILL after the node ended (never signal it again). */
  groupCleared: boolean;
  /** Another node reported it hung (and said so): it is ended at once, its end is no news. */
  hung: boolean;
  earlyStderr: string[];
  stdout: LineSplitter;
  stderr: LineSplitter;
}

export function superviseJob(plan: JobPlan, options: SupervisorOptions): Promise<JobOutcome> {
  const stdoutFd = options.stdoutFd ?? 1;
  const stderrFd = options.stderrFd ?? 2;
  const timers: NodeJS.Timeout[] = [];
  let finishing = false;
  let status: number | undefined;
  let outputClosed = false;
  /** The first node that died under the job (not one we stopped). */
  let lost: JobOutcome["lost"];
  let resolveJob!: (outcome: JobOutcome) => void;
  const done = new Promise<JobOutcome>((r) => (resolveJob = r));

  const say = (line: string) => {
    try {
      writeAllSync(stderrFd, Buffer.from(line + "\n"));
    } catch {
      // our stderr is gone: nothing more to say
    }
  };

  const write = (fd: number, lines: Buffer) => {
    if (outputClosed) return;
    try {
      writeAllSync(fd, lines);
    } catch (e) {
      if (!(e instanceof OutputClosedError)) throw e;
      // Whoever read our output has gone (`pgasc run ... | head`): end the job as a shell
      // pipeline would end a program that got SIGPIPE.
      outputClosed = true;
      fail(Status.sigpipe);
    }
  };

  // The lines a node may write to say another node hung (they carry a proof made from the token).
  const hungLines = new Map(plan.nodes.map((n) => [nodeHungLine(options.token, n.index), n.index]));

  const nodes: NodeState[] = plan.nodes.map((launch) => {
    const state: NodeState = {
      launch,
      ready: false,
      exited: false,
      closed: false,
      groupCleared: false,
      hung: false,
      earlyStderr: [],
      stdout: new LineSplitter((lines) => write(stdoutFd, lines)),
      stderr: new LineSplitter((lines) => onStderrLines(state, lines)),
    };
    return state;
  });

  function where(node: NodeState): string {
    const host = node.launch.remoteHost === undefined ? "" : ` on ${node.launch.remoteHost}`;
    return `node ${node.launch.index} (${describeImages(node.launch.images)})${host}`;
  }

  function onStderrLines(node: NodeState, lines: Buffer): void {
    if (node.ready && !lines.includes(READY_LINE) && !lines.includes(NODE_HUNG_LINE)) {
      write(stderrFd, lines);
      return;
    }
    const kept: string[] = [];
    for (const line of linesOf(lines)) {
      const hung = line.startsWith(NODE_HUNG_LINE) ? hungLines.get(line) : undefined;
      if (hung !== undefined && node.ready) {
        onHungReported(hung);
      } else if (line === READY_LINE && !node.ready) {
        node.ready = true;
        // Whatever came before (an ssh warning, say) was held back in case the start failed.
        kept.push(...node.earlyStderr);
        node.earlyStderr = [];
      } else if (node.ready) {
        kept.push(line);
      } else {
        node.earlyStderr.push(line);
        if (node.earlyStderr.length > EARLY_STDERR_LINES) node.earlyStderr.shift();
      }
    }
    if (kept.length > 0) write(stderrFd, Buffer.from(kept.join("\n") + "\n"));
  }

  /** A node found node `index` hung and has said so: end it now rather than after the grace. */
  function onHungReported(index: number): void {
    const target = nodes[index];
    if (target === undefined || target.exited || target.hung) return;
    target.hung = true;
    lost ??= { what: `node ${index}`, why: "stopped responding" };
    signalGroup(target, "SIGKILL");
  }

  /** Sends `signal` to the node's whole process group (the rsh and whatever it started). */
  function signalGroup(node: NodeState, signal: NodeJS.Signals): void {
    const pid = node.child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // the group is gone already
    }
  }

  /** Ends the job with `jobStatus`: every node still running is stopped, then we resolve. */
  function fail(jobStatus: number): void {
    if (status === undefined) status = jobStatus;
    teardown();
  }

  function teardown(): void {
    if (finishing) return;
    finishing = true;
    for (const node of nodes) {
      // EOF on stdin ends a node whose rsh cannot pass signals on (the remote side of ssh).
      node.child?.stdin?.end();
      if (!node.exited) {
        signalGroup(node, "SIGTERM");
        // A stopped node (SIGSTOP, hung) would hold SIGTERM until the SIGKILL: let it act on it now.
        signalGroup(node, "SIGCONT");
      }
    }
    timers.push(
      setTimeout(() => {
        for (const node of nodes) if (!node.exited) signalGroup(node, "SIGKILL");
      }, KILL_GRACE_MS),
    );
    // Do not wait forever for pipes that a stray grandchild keeps open.
    timers.push(setTimeout(() => finish(), KILL_GRACE_MS + 2000));
    maybeFinish();
  }

  function maybeFinish(): void {
    if (nodes.every((n) => n.exited && n.closed)) finish();
  }

  let finished = false;
  function finish(): void {
    if (finished) return;
    finished = true;
    for (const t of timers) clearTimeout(t);
    for (const [signal, handler] of signalHandlers) process.off(signal, handler);
    for (const node of nodes) {
      node.stdout.end();
      node.stderr.end();
      if (!node.groupCleared) signalGroup(node, "SIGKILL");
      node.child?.stdin?.destroy();
    }
    const final = status ?? 0;
    // Only a job that failed because a node died is worth running again.
    resolveJob(final === Status.failed && lost !== undefined ? { status: final, lost } : { status: final });
  }

  function onExit(node: NodeState, code: number | null, signal: NodeJS.Signals | null): void {
    node.exited = true;
    if (finishing) {
      maybeFinish();
      return;
    }
    if (node.hung) {
      if (status === undefined) status = Status.failed;
      if (nodes.every((n) => n.exited)) teardown();
      return;
    }
    // A node killed by a signal has lost its images, whether or not it had said it started.
    if (!node.ready && signal === null) {
      say(`pgasc: ${startFailure(node, code)}`);
      fail(Status.failed);
      return;
    }
    if (signal !== null) {
      lost ??= { what: `node ${node.launch.index}`, why: `killed by ${signal}` };
      say(`pgasc: ${describeKill(where(node), signal, describeLost(node.launch.images))}`);
      fail(Status.failed);
      return;
    }
    if (code !== 0) {
      if (status === undefined) status = code ?? Status.failed;
      // The node reported its failure and the conduit tells the other nodes to stop; give them
      // a moment to do so in order, then make sure.
      timers.push(
        setTimeout(() => {
          if (finishing) return;
          const left = nodes.filter((n) => !n.exited).map((n) => n.launch.index);
          if (left.length > 0) say(`pgasc: node ${node.launch.index} ended with status ${code}; stopping node${left.length === 1 ? "" : "s"} ${left.join(", ")}`);
          teardown();
        }, FAILURE_GRACE_MS),
      );
    }
    if (nodes.every((n) => n.exited)) teardown();
  }

  function startFailure(node: NodeState, code: number | null): string {
    const how = `exited with status ${code}`;
    const last = node.earlyStderr.filter((l) => l.trim() !== "").pop();
    const detail = last === undefined ? "" : `: ${last.trim()}`;
    if (node.launch.remoteHost !== undefined) {
      return `cannot start node ${node.launch.index} on ${node.launch.remoteHost}: '${node.launch.argv[0]}' ${how} before the node program ran${detail}`;
    }
    return `cannot start node ${node.launch.index}: the node program ${how} before it ran${detail}`;
  }

  const signalHandlers: [NodeJS.Signals, () => void][] = (["SIGINT", "SIGTERM", "SIGHUP"] as NodeJS.Signals[]).map((signal) => [
    signal,
    () => {
      if (!finishing) say(`pgasc: ${signal} received; stopping every node`);
      fail(SIGNAL_STATUS[signal]);
    },
  ]);
  for (const [signal, handler] of signalHandlers) process.on(signal, handler);

  for (const node of nodes) {
    const { launch } = node;
    let child: ChildProcess;
    try {
      child = spawn(launch.argv[0], launch.argv.slice(1), {
        env: { ...process.env, ...launch.env },
        stdio: ["pipe", "pipe", "pipe"],
        // Its own process group: the launcher decides when nodes stop (a terminal's Ctrl-C comes
        // to us, and we end them), and a kill reaches everything the rsh started locally.
        detached: true,
      });
    } catch (e) {
      say(`pgasc: cannot start node ${launch.index}: ${(e as Error).message}`);
      node.exited = node.closed = true;
      fail(Status.failed);
      break;
    }
    node.child = child;
    child.on("error", (e: NodeJS.ErrnoException) => {
      if (node.exited) return;
      const what = launch.remoteHost === undefined ? "the node program" : `--rsh command '${launch.argv[0]}'`;
      const why = e.code === "ENOENT" ? "not found" : e.code === "EACCES" ? "not executable" : e.message;
      say(`pgasc: cannot start node ${launch.index}${launch.remoteHost ? ` on ${launch.remoteHost}` : ""}: ${what}: ${why}`);
      node.exited = node.closed = true;
      fail(Status.failed);
    });
    child.stdin!.on("error", () => {
      // The node has gone; its exit is reported through 'exit'.
    });
    child.stdin!.write([options.token, ...(options.tlsLines ?? [])].map((line) => line + "\n").join(""));
    child.stdout!.on("data", (chunk: Buffer) => node.stdout.push(chunk));
    child.stderr!.on("data", (chunk: Buffer) => node.stderr.push(chunk));
    // 'exit' can come before the last output (the ready line among it) has been read: the end
    // is judged at 'close', when the pipes are drained, or shortly after 'exit' should something
    // the node started keep its pipes open.
    let ended = false;
    const end = (code: number | null, signal: NodeJS.Signals | null) => {
      if (ended) return;
      ended = true;
      // Whatever is left of the node's process group (a grandchild of the rsh) goes now, while
      // the group id cannot yet belong to anyone else.
      signalGroup(node, "SIGKILL");
      node.groupCleared = true;
      onExit(node, code, signal);
    };
    child.on("exit", (code, signal) => {
      timers.push(setTimeout(() => end(code, signal), CLOSE_AFTER_EXIT_MS));
    });
    child.on("close", (code, signal) => {
      node.closed = true;
      node.stdout.end();
      node.stderr.end();
      end(code, signal);
      if (finishing || nodes.every((n) => n.exited)) maybeFinish();
    });
  }

  const startLimit = (options.startTimeoutSeconds ?? 60) * 1000;
  timers.push(
    setTimeout(() => {
      const slow = nodes.filter((n) => !n.ready && !n.exited);
      if (slow.length === 0 || finishing) return;
      say(`pgasc: ${where(slow[0])} did not start within ${startLimit / 1000} s`);
      fail(Status.failed);
    }, startLimit),
  );
  if (options.timeoutSeconds !== undefined) {
    timers.push(
      setTimeout(() => {
        if (finishing) return;
        say(`pgasc: the job did not end within --timeout ${options.timeoutSeconds} s; stopping every node`);
        fail(Status.timeout);
      }, options.timeoutSeconds * 1000 + TIMEOUT_GRACE_MS),
    );
  }
  return done;
}
