// A real several-hosts run: 3 network namespaces joined by veth pairs to a bridge (in a 4th
// namespace), addresses 10.77.0.1-3 inside them only; `pgasc run --hostfile` with an --rsh agent
// that enters the namespace; the nodes talk mutual TLS unless --insecure. Needs root and
// `ip netns`; otherwise skipped with the reason printed.

import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAsync } from "../support/run-async.js";

const root = join(import.meta.dirname, "..", "..");
const cli = join(root, "dist", "cli", "pgasc.js");
const standIn = join(root, "test", "fixtures", "launcher", "stand-in-node.mjs");
const conduitMain = join(root, "dist", "runtime", "conduits", "grpc", "node-main.js");

/** Namespaces are named after this process, so a later run can tell leftovers of dead runs. */
const PREFIX = `pgasct${process.pid}`;
const HOSTS = ["10.77.0.1", "10.77.0.2", "10.77.0.3"];
const SWITCH = `${PREFIX}sw`;
const hostNamespace = (i: number) => `${PREFIX}h${i}`;

function ip(args: string[]): { ok: boolean; out: string } {
  const r = spawnSync("ip", args, { encoding: "utf8", timeout: 10_000 });
  return { ok: r.status === 0, out: (r.stdout ?? "") + (r.stderr ?? "") };
}

/** Why this test cannot run here, or undefined when it can. */
function unavailable(): string | undefined {
  if (process.platform !== "linux") return "network namespaces are Linux only";
  if (process.getuid?.() !== 0) return "not running as root (ip netns needs CAP_SYS_ADMIN)";
  const probe = spawnSync("ip", ["netns", "list"], { encoding: "utf8" });
  if (probe.error) return "the `ip` command is missing (apt-get install iproute2)";
  if (probe.status !== 0) return `\`ip netns list\` fails: ${probe.stderr.trim()}`;
  const name = `${PREFIX}probe`;
  const add = ip(["netns", "add", name]);
  ip(["netns", "del", name]);
  if (!add.ok) return `cannot create a network namespace: ${add.out.trim()}`;
  return undefined;
}

const reason = unavailable();
if (reason) console.warn(`netns.test.ts skipped: ${reason}`);

/** Deletes namespaces left by earlier runs of this test whose process is gone. */
function removeStaleNamespaces(): void {
  for (const line of ip(["netns", "list"]).out.split("\n")) {
    const m = /^pgasct(\d+)(h\d|sw|probe)\b/.exec(line.trim());
    if (!m) continue;
    let alive = true;
    try {
      process.kill(Number(m[1]), 0);
    } catch {
      alive = false;
    }
    if (!alive) ip(["netns", "del", `pgasct${m[1]}${m[2]}`]);
  }
}

function namespacePids(): number[] {
  return HOSTS.flatMap((_, i) =>
    ip(["netns", "pids", hostNamespace(i)])
      .out.split("\n")
      .filter((l) => /^\d+$/.test(l.trim()))
      .map(Number),
  );
}

function removeNamespaces(): void {
  for (const pid of namespacePids()) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      /* gone */
    }
  }
  // Deleting a namespace destroys the veth ends and the bridge inside it.
  for (let i = 0; i < HOSTS.length; i++) ip(["netns", "del", hostNamespace(i)]);
  ip(["netns", "del", SWITCH]);
}

function setUpNamespaces(): void {
  const must = (args: string[]) => {
    const r = ip(args);
    if (!r.ok) throw new Error(`ip ${args.join(" ")}: ${r.out.trim()}`);
  };
  must(["netns", "add", SWITCH]);
  must(["-n", SWITCH, "link", "add", "br0", "type", "bridge"]);
  must(["-n", SWITCH, "link", "set", "br0", "up"]);
  HOSTS.forEach((address, i) => {
    const ns = hostNamespace(i);
    must(["netns", "add", ns]);
    // Both ends are created inside our namespaces: the host's own network is never touched.
    must(["-n", SWITCH, "link", "add", `p${i}`, "type", "veth", "peer", "name", "eth0", "netns", ns]);
    must(["-n", SWITCH, "link", "set", `p${i}`, "master", "br0"]);
    must(["-n", SWITCH, "link", "set", `p${i}`, "up"]);
    must(["-n", ns, "addr", "add", `${address}/24`, "dev", "eth0"]);
    must(["-n", ns, "link", "set", "eth0", "up"]);
    must(["-n", ns, "link", "set", "lo", "up"]);
  });
}

let dir: string;
let hostfile: string;
let agent: string;
/** An agent that behaves like ssh: the remote command runs in another session, its stdin relayed. */
let relayAgent: string;

function run(args: string[], extraEnv: Record<string, string>, timeoutMs = 240_000) {
  // asynchronous: a worker blocked in spawnSync on a loaded machine misses vitest's RPC deadline
  return runAsync(process.execPath, [cli, ...args], { cwd: root, env: { ...process.env, ...extraEnv }, timeoutMs });
}

async function waitFor(condition: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return condition();
}

describe.skipIf(reason !== undefined)(`several hosts in network namespaces${reason ? ` (skipped: ${reason})` : ""}`, () => {
  beforeAll(() => {
    removeStaleNamespaces();
    process.once("exit", removeNamespaces);
    try {
      setUpNamespaces();
    } catch (e) {
      removeNamespaces();
      throw e;
    }
    dir = mkdtempSync(join(tmpdir(), "pgasc-netns-"));
    // The agent behaves as ssh does: HOST, then the words of a shell command to run there.
    agent = join(dir, "netns-rsh");
    writeFileSync(
      agent,
      [
        "#!/bin/sh",
        "# rsh agent for the netns test: enters the namespace that owns the host's address",
        'host=$1; shift',
        'case "$host" in',
        ...HOSTS.map((address, i) => `  ${address}) ns=${hostNamespace(i)} ;;`),
        '  *) echo "netns-rsh: no such host: $host" >&2; exit 255 ;;',
        "esac",
        'exec ip netns exec "$ns" sh -c "$*"',
        "",
      ].join("\n"),
    );
    chmodSync(agent, 0o755);
    // Like ssh, the remote command is not a descendant in our process group and holds no pipe of
    // the launcher's: its stdin comes through a relay (cat), as ssh relays it over the network.
    // Killing the agent ends the relay, and the remote node sees its stdin close.
    relayAgent = join(dir, "netns-ssh");
    writeFileSync(
      relayAgent,
      [
        "#!/bin/sh",
        "# ssh-like rsh agent for the netns test: relayed stdin, command in its own session",
        'host=$1; shift',
        'case "$host" in',
        ...HOSTS.map((address, i) => `  ${address}) ns=${hostNamespace(i)} ;;`),
        '  *) echo "netns-ssh: no such host: $host" >&2; exit 255 ;;',
        "esac",
        'cat | setsid ip netns exec "$ns" sh -c "$*"',
        "",
      ].join("\n"),
    );
    chmodSync(relayAgent, 0o755);
    hostfile = join(dir, "hosts");
    writeFileSync(hostfile, `# three hosts, one node process each\n${HOSTS[0]} slots=2\n${HOSTS[1]} slots=1\n${HOSTS[2]} slots=1\n`);
  });

  afterAll(() => {
    removeNamespaces();
    process.off("exit", removeNamespaces);
    expect(ip(["netns", "list"]).out).not.toContain(PREFIX);
  });

  it("each node runs in its host's namespace and listens on that host's address", async () => {
    const program = join(dir, "hello.mjs");
    const r = await run(["run", "--hostfile", hostfile, "--rsh", agent, "-o", program, join(root, "samples", "hello.pgas"), "--", "where", "hello"], {
      PGASC_NODE_MAIN: standIn,
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split("\n").sort();
    expect(lines).toEqual(
      [
        ...HOSTS.map((address, i) => `node ${i} listens on ${address}, has ${address}`),
        ...[0, 1, 2, 3].map((image) => `hello from image ${image} of 4`),
      ].sort(),
    );
    expect(namespacePids()).toEqual([]);
  });

  it("kill -9 of a node inside a namespace: the job ends, names the lost image, nothing left", async () => {
    const program = join(dir, "hello.mjs");
    const job = spawn(process.execPath, [cli, "run", "--hostfile", hostfile, "--rsh", agent, "-o", program, join(root, "samples", "hello.pgas"), "--", "hello", "hang"], {
      cwd: root,
      env: { ...process.env, PGASC_NODE_MAIN: standIn },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    job.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    job.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    const ended = new Promise<{ status: number | null }>((r) => job.on("close", (status) => r({ status })));
    try {
      expect(await waitFor(() => out.split("\n").length > 4, 120_000)).toBe(true);
      // The node process of host 3 (node 2, image 3) is the only node process in its namespace.
      const victims = ip(["netns", "pids", hostNamespace(2)]).out.split("\n").filter((l) => /^\d+$/.test(l.trim())).map(Number);
      expect(victims.length).toBeGreaterThan(0);
      for (const pid of victims) process.kill(pid, "SIGKILL");
      const end = await ended;
      expect(end.status).not.toBe(0);
      expect(err).toContain(`pgasc: node 2 (image 3) on ${HOSTS[2]} was killed by SIGKILL; image 3 lost`);
      expect(await waitFor(() => namespacePids().length === 0, 120_000)).toBe(true);
    } finally {
      job.kill("SIGKILL");
    }
  });

  it.skipIf(!existsSync(conduitMain))("an ssh-like agent killed: the remote node sees stdin close; the job ends, nothing left", { timeout: 300_000 }, async () => {
    const program = join(dir, "spin.mjs");
    const job = spawn(process.execPath, [cli, "run", "--hostfile", hostfile, "--rsh", relayAgent, "-o", program, join(root, "test", "fixtures", "launcher", "spin.pgas")], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    job.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    job.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    const ended = new Promise<{ status: number | null }>((r) => job.on("close", (status) => r({ status })));
    try {
      expect(await waitFor(() => out.split("\n").filter((l) => l.startsWith("started")).length === 4, 120_000), err).toBe(true);
      // The agent of node 1 is the launcher's child whose command line names host 2.
      const agents = spawnSync("ps", ["-eo", "pid=,ppid=,args="], { encoding: "utf8" })
        .stdout.split("\n")
        .map((l) => l.trim().split(/\s+/))
        .filter((f) => Number(f[1]) === job.pid && f.includes(HOSTS[1]));
      expect(agents).toHaveLength(1);
      process.kill(Number(agents[0][0]), "SIGKILL");
      const end = await ended;
      expect(end.status).not.toBe(0);
      expect(err).toContain(`pgasc: node 1 (image 2) on ${HOSTS[1]} was killed by SIGKILL; image 2 lost`);
      expect(await waitFor(() => namespacePids().length === 0, 120_000)).toBe(true);
    } finally {
      job.kill("SIGKILL");
    }
  });

  /** Starts spin over the hostfile through `rsh` (its own process group) and waits until all 4 images started. */
  async function spinAcrossHosts(rsh: string, extra: string[] = []) {
    const program = join(dir, "spin.mjs");
    const job = spawn(process.execPath, [cli, "run", "--hostfile", hostfile, "--rsh", rsh, ...extra, "-o", program, join(root, "test", "fixtures", "launcher", "spin.pgas")], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let out = "";
    job.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    const ended = new Promise((r) => job.on("close", r));
    expect(await waitFor(() => out.split("\n").filter((l) => l.startsWith("started")).length === 4, 120_000)).toBe(true);
    return { job, ended };
  }

  it.skipIf(!existsSync(conduitMain))("the launcher killed outright: remote nodes behind ssh-like agents end by themselves", { timeout: 300_000 }, async () => {
    const { job, ended } = await spinAcrossHosts(relayAgent);
    try {
      expect(namespacePids().length).toBeGreaterThanOrEqual(3);
      // Only the launcher: its agents (and their relays) lose their stdin, as ssh would lose its session.
      process.kill(job.pid!, "SIGKILL");
      await ended;
      expect(await waitFor(() => namespacePids().length === 0, 120_000)).toBe(true);
    } finally {
      try {
        process.kill(-job.pid!, "SIGKILL");
      } catch {
        /* gone */
      }
    }
  });

  /** What a TLS client on host 2 is shown by node 0's port while a spin job runs (`--insecure` or not). */
  async function handshakeWithNode0(extra: string[]): Promise<string> {
    const { job, ended } = await spinAcrossHosts(agent, extra);
    try {
      const listening = ip(["netns", "exec", hostNamespace(0), "ss", "-Hltn"]).out.split("\n").map((l) => l.trim().split(/\s+/)[3]).filter((a) => a?.startsWith(`${HOSTS[0]}:`));
      expect(listening).toHaveLength(1);
      const client = spawnSync("ip", ["netns", "exec", hostNamespace(1), "openssl", "s_client", "-connect", listening[0], "-servername", "pgasc-node"], {
        input: "",
        encoding: "utf8",
        timeout: 20_000,
      });
      return client.stdout + client.stderr;
    } finally {
      process.kill(-job.pid!, "SIGTERM");
      await ended;
    }
  }

  it.skipIf(!existsSync(conduitMain) || spawnSync("openssl", ["version"]).error !== undefined)(
    "TLS by default across the namespaces: node 0 shows the job's certificate; --insecure shows none",
    { timeout: 300_000 },
    async () => {
      expect(await handshakeWithNode0([])).toMatch(/subject\s*=\s*CN\s*=\s*pgasc-node/);
      expect(await handshakeWithNode0(["--insecure"])).toMatch(/no peer certificate available/);
      expect(await waitFor(() => namespacePids().length === 0, 120_000)).toBe(true);
    },
  );

  it.skipIf(!existsSync(conduitMain))(
    `the real conduit across the namespaces gives the one-node output${existsSync(conduitMain) ? "" : " (skipped: no dist/runtime/conduits/grpc/node-main.js yet)"}`,
    { timeout: 300_000 },
    async () => {
      for (const sample of ["hello", "ring", "pi", "heat", "bank"]) {
        const file = join(root, "samples", `${sample}.pgas`);
        const program = join(dir, `${sample}.mjs`);
        const one = await run(["run", "-n", "4", "-o", program, file], {});
        expect(one.status, one.stderr).toBe(0);
        const many = await run(["run", "--hostfile", hostfile, "--rsh", agent, "--timeout", "60", "-o", program, file], {});
        expect(many.stderr, sample).toBe("");
        expect(many.status, sample).toBe(0);
        const sorted = (text: string) => text.trim().split("\n").sort().join("\n");
        expect(sorted(many.stdout), sample).toBe(sorted(one.stdout));
        expect(namespacePids()).toEqual([]);
      }
    },
  );
});
