// The launcher as a user meets it, with real processes of dist/cli/pgasc.js and a stand-in node
// program (test/fixtures/launcher/stand-in-node.mjs via PGASC_NODE_MAIN): whole-line output,
// kill -9 of a node, SIGINT/SIGTERM, a vanished launcher, --show, --timeout, every launcher error.

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAsync } from "../support/run-async.js";

const root = join(import.meta.dirname, "..", "..");
const cli = join(root, "dist", "cli", "pgasc.js");
const standIn = join(root, "test", "fixtures", "launcher", "stand-in-node.mjs");
const hello = join(root, "samples", "hello.pgas");

let dir: string;
let program: string;
const started: ChildProcess[] = [];

beforeAll(() => {
  // The temporary directory's name is in every node's command line: `ps` finds leftovers by it.
  dir = mkdtempSync(join(tmpdir(), "pgasc-launcher-"));
  program = join(dir, "hello.mjs");
  const r = spawnSync(process.execPath, [cli, "build", hello, "-o", program], { encoding: "utf8" });
  expect(r.stderr).toBe("");
});

afterAll(() => {
  for (const child of started) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    } catch {
      /* gone */
    }
  }
  killLeftovers();
});

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, PGASC_NODE_MAIN: standIn, NO_COLOR: "1", ...extra };
}

/** Runs pgasc to the end (bounded). */
function pgasc(args: string[], extra: Record<string, string> = {}, timeoutMs = 240_000) {
  // asynchronous: a worker blocked in spawnSync on a loaded machine misses vitest's RPC deadline
  return runAsync(process.execPath, [cli, ...args], { cwd: root, env: env(extra), timeoutMs });
}

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  ended: Promise<{ status: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts pgasc in the background, in its own process group (as a shell job would be). */
function start(args: string[]): Running {
  const child = spawn(process.execPath, [cli, ...args], { cwd: root, env: env(), stdio: ["ignore", "pipe", "pipe"], detached: true });
  started.push(child);
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (err += d));
  const ended = new Promise<{ status: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on("close", (status, signal) => r({ status, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, ended };
}

/** Pids of processes whose command line mentions this test's directory (node processes of our jobs). */
function leftovers(): number[] {
  const r = spawnSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" });
  return r.stdout
    .split("\n")
    .filter((l) => l.includes(dir) && l.includes(" node "))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}

function killLeftovers(): void {
  for (const pid of leftovers()) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      /* gone */
    }
  }
}

async function waitFor(condition: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return condition();
}

/** The pids of the node processes of a job (children of the launcher). */
function nodePids(launcher: number): number[] {
  const r = spawnSync("ps", ["-eo", "pid=,ppid=,args="], { encoding: "utf8" });
  return r.stdout
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => Number(f[1]) === launcher && f.includes("node"))
    .map((f) => Number(f[0]));
}

/** Waits until the job's `count` nodes run and all `lines` hello lines are out. */
function startedNodes(job: Running, count: number, lines = count): Promise<boolean> {
  return waitFor(() => nodePids(job.child.pid!).length === count && job.stdout().split("\n").length > lines, 120_000);
}

describe("pgasc run over node processes (stand-in node program)", () => {
  it("deals -n 7 over --nodes 3 and forwards every line", async () => {
    const r = await pgasc(["run", "-n", "7", "--nodes", "3", "-o", program, hello]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split("\n").sort()).toEqual(Array.from({ length: 7 }, (_, i) => `hello from image ${i} of 7`).sort());
  });

  it("passes the per-node configuration (loopback, one rendezvous, one fresh token per job)", async () => {
    const configsOf = async () => {
      const r = await pgasc(["run", "-n", "4", "--nodes", "2", "-l", "--timeout", "50", "-o", program, hello, "--", "config"]);
      expect(r.status).toBe(0);
      return r.stdout.trim().split("\n").map((l) => JSON.parse(l)).sort((a, b) => a.nodeIndex - b.nodeIndex);
    };
    const configs = await configsOf();
    expect(configs).toHaveLength(2);
    expect(configs[0].rendezvous).toEqual(configs[1].rendezvous);
    expect(configs[0].listenPort).toBe(configs[0].rendezvous.port);
    expect(configs[1].listenPort).toBe(0);
    for (const c of configs) {
      expect(c).toMatchObject({ nodeCount: 2, images: 4, listenHost: "127.0.0.1", advertiseHost: "127.0.0.1", label: true, timeoutSeconds: 50, args: ["config"], program });
      expect(c.token).toMatch(/^64:[0-9a-f]{12}$/); // 32 random bytes in hex
    }
    expect(configs[0].token).toBe(configs[1].token);
    expect((await configsOf())[0].token).not.toBe(configs[0].token);
  });

  it("a fresh random token per job, sent on stdin, never on a command line", async () => {
    const job = start(["run", "-n", "2", "--nodes", "2", "-o", program, hello, "--", "hello", "hang"]);
    expect(await startedNodes(job, 2)).toBe(true);
    const pids = nodePids(job.child.pid!);
    const args = pids.map((pid) => spawnSync("cat", [`/proc/${pid}/cmdline`], { encoding: "utf8" }).stdout);
    const environ = pids.map((pid) => spawnSync("cat", [`/proc/${pid}/environ`], { encoding: "utf8" }).stdout);
    for (const a of args) expect(a).not.toMatch(/[0-9a-f]{64}/);
    for (const e of environ) expect(e).not.toMatch(/PGASC_JOB_TOKEN/);
    process.kill(-job.child.pid!, "SIGTERM");
    expect((await job.ended).status).toBe(143);
  });

  it("never splits or interleaves lines (3 nodes writing 3 KB lines in pieces)", async () => {
    const r = await pgasc(["run", "-n", "6", "--nodes", "3", "-o", program, hello, "--", "lines", "300"]);
    expect(r.status).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines.pop()).toBe("");
    expect(lines).toHaveLength(6 * 300);
    const seen = new Set<string>();
    for (const line of lines) {
      const m = /^image (\d) line (\d+) (\d+)$/.exec(line);
      expect(m, line.slice(0, 60)).not.toBeNull();
      expect(m![3]).toBe(m![1].repeat(3000));
      seen.add(`${m![1]}/${m![2]}`);
    }
    expect(seen.size).toBe(6 * 300);
    // Each image's lines keep their order.
    for (let image = 0; image < 6; image++) {
      const order = lines.filter((l) => l.startsWith(`image ${image} `)).map((l) => Number(l.split(" ")[3]));
      expect(order).toEqual(order.slice().sort((a, b) => a - b));
    }
  });

  it("-l labels reach the node", async () => {
    const r = await pgasc(["run", "-n", "3", "--nodes", "3", "-l", "-o", program, hello]);
    expect(r.stdout.trim().split("\n").sort()).toEqual(["0: hello from image 0 of 3", "1: hello from image 1 of 3", "2: hello from image 2 of 3"]);
  });

  it("kill -9 of a node: the job ends, names the lost images, exits non-zero, leaves nothing", async () => {
    const job = start(["run", "-n", "7", "--nodes", "3", "-o", program, hello, "--", "hello", "hang"]);
    expect(await startedNodes(job, 3, 7)).toBe(true);
    const pids = nodePids(job.child.pid!);
    expect(pids).toHaveLength(3);
    // Node 1 holds images 3 and 4 (7 over 3 is 3, 2, 2). Find it by its environment.
    const node1 = pids.find((pid) => spawnSync("cat", [`/proc/${pid}/environ`], { encoding: "utf8" }).stdout.split("\0").includes("PGASC_NODE_INDEX=1"))!;
    process.kill(node1, "SIGKILL");
    const end = await job.ended;
    expect(end.status).not.toBe(0);
    expect(job.stderr()).toContain("pgasc: node 1 (images 3-4) was killed by SIGKILL; images 3, 4 lost");
    expect(leftovers()).toEqual([]);
  });

  for (const [signal, status] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    it(`${signal} to the launcher: exit ${status}, every node gone`, async () => {
      const job = start(["run", "-n", "4", "--nodes", "2", "-o", program, hello, "--", "hello", "hang"]);
      expect(await startedNodes(job, 2, 4)).toBe(true);
      process.kill(job.child.pid!, signal);
      const end = await job.ended;
      expect(end.status).toBe(status);
      expect(job.stderr()).toContain(`pgasc: ${signal} received; stopping every node`);
      expect(leftovers()).toEqual([]);
    });
  }

  it("a launcher killed with SIGKILL: its nodes see stdin close and exit by themselves", async () => {
    const job = start(["run", "-n", "4", "--nodes", "2", "-o", program, hello, "--", "hello", "hang"]);
    expect(await startedNodes(job, 2, 4)).toBe(true);
    expect(leftovers().length).toBe(2);
    process.kill(job.child.pid!, "SIGKILL");
    await job.ended;
    expect(await waitFor(() => leftovers().length === 0, 120_000)).toBe(true);
  });

  it("a node that fails with a status: the job takes that status and stops the others", async () => {
    const r = await pgasc(["run", "-n", "4", "--nodes", "2", "-o", program, hello, "--", "fail", "1", "7", "hang"]);
    expect(r.status).toBe(7);
    expect(r.stderr).toContain("node 1: failing with status 7");
    expect(r.stderr).toContain("pgasc: node 1 ended with status 7; stopping node 0");
    expect(leftovers()).toEqual([]);
  });

  it("a program's line that looks like a hung-node report (without the job's proof) is only output", async () => {
    const forged = "pgasc:node-hung 1 0123456789abcdef0123456789abcdef";
    const r = await pgasc(["run", "-n", "2", "--nodes", "2", "-o", program, hello, "--", "say", forged, "sleep", "1", "hello"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`${forged}\n${forged}\n`);
    expect(r.stdout.trim().split("\n").sort()).toEqual(["hello from image 0 of 2", "hello from image 1 of 2"]);
  });

  it("--timeout: the launcher ends nodes that do not end themselves", async () => {
    const r = await pgasc(["run", "-n", "2", "--nodes", "2", "--timeout", "0.5", "-o", program, hello, "--", "hello", "hang"]);
    expect(r.status).toBe(124);
    expect(r.stderr).toContain("pgasc: the job did not end within --timeout 0.5 s; stopping every node");
    expect(leftovers()).toEqual([]);
  });

  it("output closed by its reader (| head): the job ends with 141, nothing left", async () => {
    const job = start(["run", "-n", "4", "--nodes", "2", "-o", program, hello, "--", "lines", "5000"]);
    expect(await waitFor(() => job.stdout().length > 0, 120_000)).toBe(true);
    job.child.stdout!.destroy();
    const end = await job.ended;
    expect({ status: end.status, stderr: job.stderr() }).toEqual({ status: 141, stderr: "" });
    expect(await waitFor(() => leftovers().length === 0, 120_000)).toBe(true);
  });

  it("--show builds the program it names, prints one command per node (with -x variables) and runs nothing", async () => {
    const shown = join(dir, "shown.mjs");
    const r = await pgasc(["run", "-n", "5", "--nodes", "2", "--show", "-x", "OMP_X=1 2", "-o", shown, hello, "--", "a b"]);
    expect(r.status).toBe(0);
    expect(readFileSync(shown, "utf8")).toContain("export function main");
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(2);
    lines.forEach((line, k) => {
      expect(line).toMatch(new RegExp(`^env 'OMP_X=1 2' PGASC_BOOTSTRAP=generic PGASC_NODE_INDEX=${k} PGASC_NODE_COUNT=2 PGASC_IMAGES=5 PGASC_RENDEZVOUS=127\\.0\\.0\\.1:\\d+ `));
      expect(line).toContain(`${process.execPath} ${cli} node ${shown} -- 'a b'`);
      expect(line).not.toMatch(/TOKEN=/);
    });
  });

  it("--show with hosts and --rsh", async () => {
    const hostfile = join(dir, "show-hosts");
    writeFileSync(hostfile, "# two hosts\nn1 slots=2\nme@n2 slots=2\n");
    const r = await pgasc(["run", "--hostfile", hostfile, "--rsh", "ssh -p 2222", "--show", "-o", program, hello]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^ssh -p 2222 n1 env PGASC_BOOTSTRAP=generic PGASC_NODE_INDEX=0 PGASC_NODE_COUNT=2 PGASC_IMAGES=4 PGASC_RENDEZVOUS=n1:\d+ PGASC_LISTEN_HOST=n1 PGASC_ADVERTISE_HOST=n1 /);
    expect(lines[1]).toMatch(/^ssh -p 2222 me@n2 env .*PGASC_NODE_INDEX=1 .*PGASC_LISTEN_HOST=n2 PGASC_ADVERTISE_HOST=n2 /);
  });
});

describe("launcher errors: one clear line, non-zero exit", () => {
  function expectOneLine(r: { status: number | null; stderr: string; stdout: string }, status: number, text: string | RegExp) {
    expect(r.status).toBe(status);
    const lines = r.stderr.trim().split("\n");
    expect(lines[0]).toMatch(typeof text === "string" ? new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) : text);
    // commander adds its usage hint after its own errors; nothing else may follow.
    expect(lines.slice(1).filter((l) => !l.startsWith("(run 'pgasc --help'"))).toEqual([]);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  }

  it("missing program file", async () => {
    expectOneLine(await pgasc(["run", "-n", "2", "--nodes", "2", join(dir, "nope.pgas")]), 1, `pgasc: ${join(dir, "nope.pgas")}: no such file`);
  });

  it("missing, unreadable or malformed hostfile", async () => {
    expectOneLine(await pgasc(["run", "--hostfile", join(dir, "nohosts"), hello]), 1, `pgasc: ${join(dir, "nohosts")}: no such hostfile`);
    const asDir = join(dir, "hostdir");
    mkdirSync(asDir, { recursive: true });
    expectOneLine(await pgasc(["run", "--hostfile", asDir, hello]), 1, `pgasc: ${asDir}: is a directory, not a hostfile`);
    const bad = join(dir, "badhosts");
    writeFileSync(bad, "a slots=2\nb slots=many\n");
    expectOneLine(await pgasc(["run", "--hostfile", bad, hello]), 2, `pgasc: ${bad}:2: slots must be a whole number of at least 1, not 'many'`);
    const empty = join(dir, "emptyhosts");
    writeFileSync(empty, "# nobody\n");
    expectOneLine(await pgasc(["run", "--hostfile", empty, hello]), 2, `pgasc: ${empty}: no hosts in the file`);
    if (process.getuid?.() !== 0) {
      const locked = join(dir, "locked");
      writeFileSync(locked, "a\n");
      chmodSync(locked, 0);
      expectOneLine(await pgasc(["run", "--hostfile", locked, hello]), 1, `pgasc: ${locked}: cannot read the hostfile: EACCES`);
    }
  });

  it("bad -n / --nodes combinations", async () => {
    expectOneLine(await pgasc(["run", "--nodes", "0", hello]), 2, "-n/--nodes must be a whole number of at least 1".replace("-n/", ""));
    expectOneLine(await pgasc(["run", "-n", "4", "--nodes", "5", "-o", program, hello]), 2, "pgasc: --nodes 5 is more than the 4 images: every node process needs at least one image");
    expectOneLine(await pgasc(["run", "-n", "5", "-H", "a:2,b:2", "-o", program, hello]), 2, "pgasc: -n 5 is more than the 4 slots of --hosts: add slots, lower -n, or pass --oversubscribe");
    expectOneLine(await pgasc(["run", "-n", "2", "-H", "a,b,c", "--oversubscribe", "-o", program, hello]), 2, "pgasc: --hosts gives 3 hosts (one node process each) but there are only 2 images");
    expectOneLine(await pgasc(["run", "-H", "a", "--hostfile", "x", hello]), 2, "pgasc: give either -H/--hosts or --hostfile, not both");
    expectOneLine(await pgasc(["run", "--rsh", "ssh", hello]), 2, "pgasc: --rsh needs --nodes, -H/--hosts or --hostfile");
    expectOneLine(await pgasc(["run", "--nodes", "2", "--tls-cert", "c", hello]), 2, "pgasc: TLS needs all three of --tls-cert, --tls-key and --tls-ca");
    expectOneLine(await pgasc(["run", "-H", "localhost,b", hello]), 2, "pgasc: --hosts mixes localhost with other hosts");
  });

  it("an --rsh command that fails or does not exist", async () => {
    expectOneLine(await pgasc(["run", "-H", "h1,h2", "--rsh", "false", "-o", program, hello]), 1, /^pgasc: cannot start node [01] on h[12]: 'false' exited with status 1 before the node program ran$/);
    expectOneLine(await pgasc(["run", "-H", "h1", "--rsh", "/nonexistent/rsh", "-o", program, hello]), 1, "pgasc: cannot start node 0 on h1: --rsh command '/nonexistent/rsh': not found");
    expectOneLine(await pgasc(["run", "-H", "h1", "--rsh", "'unterminated", "-o", program, hello]), 2, "pgasc: --rsh: unterminated '");
  });

  it("an unreachable host (an rsh that fails as ssh does)", async () => {
    const fakeSsh = join(dir, "fake-ssh");
    writeFileSync(fakeSsh, `#!/bin/sh\necho "ssh: connect to host $1 port 22: Connection refused" >&2\nexit 255\n`);
    chmodSync(fakeSsh, 0o755);
    expectOneLine(
      await pgasc(["run", "-H", "far1", "--rsh", fakeSsh, "-o", program, hello]),
      1,
      `pgasc: cannot start node 0 on far1: '${fakeSsh}' exited with status 255 before the node program ran: ssh: connect to host far1 port 22: Connection refused`,
    );
  });

  it("pgasc node without a node environment, or with a missing program", async () => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PGASC_") && !k.startsWith("SLURM_") && k !== "JOB_COMPLETION_INDEX"));
    const r = spawnSync(process.execPath, [cli, "node", program], { encoding: "utf8", env: clean, timeout: 20_000 });
    expectOneLine({ status: r.status, stderr: r.stderr, stdout: r.stdout }, 2, "pgasc node: no node environment: set PGASC_NODE_INDEX");
    const r2 = spawnSync(process.execPath, [cli, "node", join(dir, "missing.mjs")], {
      encoding: "utf8",
      env: { ...clean, PGASC_NODE_INDEX: "0", PGASC_NODE_COUNT: "1", PGASC_IMAGES: "1", PGASC_RENDEZVOUS: "127.0.0.1:1", PGASC_JOB_TOKEN: "t" },
      timeout: 20_000,
    });
    expectOneLine({ status: r2.status, stderr: r2.stderr, stdout: r2.stdout }, 2, `pgasc node: ${join(dir, "missing.mjs")}: no such compiled program`);
  });
});
