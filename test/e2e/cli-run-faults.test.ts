// Faults of multi-node runs through the real CLI and the real grpc conduit: kill -9 of a node,
// SIGSTOP of a node (hung), SIGINT/SIGTERM to the launcher, a launcher killed outright, errors on
// a remote node, --timeout, -l, TLS. Consumes test/fixtures/launcher/*.pgas; checks statuses,
// messages and leftovers (ps).

import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAsync } from "../support/run-async.js";

const root = join(import.meta.dirname, "..", "..");
const cli = join(root, "dist", "cli", "pgasc.js");
const fixture = (name: string) => join(root, "test", "fixtures", "launcher", name);
const conduit = join(root, "dist", "runtime", "conduits", "grpc", "node-main.js");

let dir: string;
const spin = () => join(dir, "spin.mjs");
const remoteError = () => join(dir, "remote-error.mjs");
const started: ChildProcess[] = [];

function pgasc(args: string[], timeoutMs = 240_000) {
  // asynchronous: a worker blocked in spawnSync on a loaded machine misses vitest's RPC deadline
  return runAsync(process.execPath, [cli, ...args], { cwd: root, timeoutMs, env: { ...process.env, NO_COLOR: "1" } });
}

interface Job {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  ended: Promise<{ status: number | null }>;
}

function start(args: string[]): Job {
  const child = spawn(process.execPath, [cli, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"], detached: true, env: { ...process.env, NO_COLOR: "1" } });
  started.push(child);
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (err += d));
  const ended = new Promise<{ status: number | null }>((r) => child.on("close", (status) => r({ status })));
  return { child, stdout: () => out, stderr: () => err, ended };
}

/** Node processes of this file's jobs: their command lines name this file's temporary directory. */
function leftovers(): number[] {
  return spawnSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" })
    .stdout.split("\n")
    .filter((l) => l.includes(dir) && l.includes(" node "))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}

function nodeIndexOf(pid: number): number {
  const env = spawnSync("cat", [`/proc/${pid}/environ`], { encoding: "utf8" }).stdout.split("\0");
  const entry = env.find((e) => e.startsWith("PGASC_NODE_INDEX="));
  return entry === undefined ? -1 : Number(entry.split("=")[1]);
}

async function waitFor(condition: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return condition();
}

/** Starts spin on `n` images over `k` nodes and waits until every image has said it started. */
async function spinning(n: number, k: number, extra: string[] = []): Promise<Job> {
  const job = start(["run", "-n", String(n), "--nodes", String(k), ...extra, "-o", spin(), fixture("spin.pgas")]);
  const ok = await waitFor(() => job.stdout().split("\n").filter((l) => l.startsWith("started")).length === n, 120_000);
  expect(ok, `not started: ${job.stdout()} ${job.stderr()}`).toBe(true);
  expect(leftovers()).toHaveLength(k);
  return job;
}

describe.skipIf(!existsSync(conduit))("multi-node faults with the grpc conduit", () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "pgasc-faults-"));
    for (const [source, out] of [["spin.pgas", spin()], ["remote-error.pgas", remoteError()]]) {
      const r = spawnSync(process.execPath, [cli, "build", fixture(source), "-o", out], { encoding: "utf8" });
      expect(r.stderr).toBe("");
    }
  });

  afterAll(() => {
    for (const child of started) {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* gone */
      }
    }
    for (const pid of leftovers()) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        /* gone */
      }
    }
  });

  it("node processes of a run on this host listen on 127.0.0.1 only", { timeout: 300_000 }, async (ctx) => {
    if (spawnSync("ss", ["-V"]).error) ctx.skip();
    const job = await spinning(4, 2);
    try {
      const pids = leftovers();
      const listening = spawnSync("ss", ["-H", "-ltnp"], { encoding: "utf8" })
        .stdout.split("\n")
        .filter((l) => pids.some((pid) => l.includes(`pid=${pid},`)));
      expect(listening.length).toBeGreaterThanOrEqual(2); // node 0's rendezvous/server and node 1's server
      for (const line of listening) expect(line.split(/\s+/)[3], line).toMatch(/^127\.0\.0\.1:\d+$/);
    } finally {
      process.kill(job.child.pid!, "SIGTERM");
      await job.ended;
    }
  });

  it("kill -9 of node 1 of 3: the job ends, lost images named, non-zero, nothing left", { timeout: 300_000 }, async () => {
    const job = await spinning(7, 3);
    const victim = leftovers().find((pid) => nodeIndexOf(pid) === 1)!;
    process.kill(victim, "SIGKILL");
    const end = await job.ended;
    expect(end.status).not.toBe(0);
    expect(job.stderr()).toContain("pgasc: node 1 (images 3-4) was killed by SIGKILL; images 3, 4 lost");
    expect(leftovers()).toEqual([]);
  });

  it("kill -9 of node 0 (the rendezvous node) of 4 single-image nodes", { timeout: 300_000 }, async () => {
    const job = await spinning(4, 4);
    process.kill(leftovers().find((pid) => nodeIndexOf(pid) === 0)!, "SIGKILL");
    const end = await job.ended;
    expect(end.status).not.toBe(0);
    expect(job.stderr()).toContain("pgasc: node 0 (image 0) was killed by SIGKILL; image 0 lost");
    expect(leftovers()).toEqual([]);
  });

  it("SIGSTOP of node 1 of 3 (hung, its connections open): named by the heartbeat, the job ends, nothing left", { timeout: 300_000 }, async () => {
    const job = await spinning(7, 3);
    const victim = leftovers().find((pid) => nodeIndexOf(pid) === 1)!;
    process.kill(victim, "SIGSTOP");
    const end = await job.ended;
    expect(end.status).toBe(1);
    // One line: the nodes' report; the launcher ends the stopped node at once and quietly.
    expect(job.stderr()).toMatch(/^pgasc: node 1 \(images 3-4\) stopped responding: no heartbeat for \d+\.\d s; ending the job\n$/);
    expect(await waitFor(() => leftovers().length === 0, 120_000)).toBe(true);
  });

  for (const [signal, status] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    it(`${signal} to the launcher: ${status}, nothing left`, { timeout: 300_000 }, async () => {
      const job = await spinning(4, 2);
      process.kill(job.child.pid!, signal);
      const end = await job.ended;
      expect(end.status).toBe(status);
      expect(leftovers()).toEqual([]);
    });
  }

  it("the launcher killed outright: the nodes notice stdin closing and end", { timeout: 300_000 }, async () => {
    const job = await spinning(4, 2);
    process.kill(job.child.pid!, "SIGKILL");
    await job.ended;
    expect(await waitFor(() => leftovers().length === 0, 120_000)).toBe(true);
  });

  it("a runtime error on the last node: status 1, the message names the image and the line", async () => {
    const r = await pgasc(["run", "-n", "4", "--nodes", "2", "-o", remoteError(), fixture("remote-error.pgas")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("remote-error.pgas:7:3: runtime error: image 3: index 13 is out of bounds for 'a' (valid 0..3)");
    expect(r.stdout).toBe("");
    expect(leftovers()).toEqual([]);
  });

  it("error stop 7 on the last node: the job's status is 7", async () => {
    const r = await pgasc(["run", "-n", "7", "--nodes", "3", "-o", remoteError(), fixture("remote-error.pgas"), "--", "1"]);
    expect(r.status).toBe(7);
    expect(r.stdout).toBe("");
    expect(leftovers()).toEqual([]);
  });

  it("--timeout: the nodes stop the job with status 124", async () => {
    const r = await pgasc(["run", "-n", "4", "--nodes", "2", "--timeout", "1", "-o", spin(), fixture("spin.pgas")]);
    expect(r.status).toBe(124);
    expect(r.stderr).toMatch(/timeout/);
    expect(leftovers()).toEqual([]);
  });

  it("-l labels every line with its image across nodes", async () => {
    const r = await pgasc(["run", "-n", "5", "--nodes", "2", "-l", "-o", spin(), fixture("spin.pgas"), "--", "10"]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split("\n").sort();
    expect(lines).toEqual([0, 1, 2, 3, 4].flatMap((i) => [`${i}: done ${i} 10.0`, `${i}: started ${i}`]).sort());
  });

  it("TLS options reach every node: a job over TLS with a throwaway CA", { timeout: 300_000 }, async (ctx) => {
    const tlsDir = mkdtempSync(join(tmpdir(), "pgasc-launch-tls-"));
    const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: tlsDir, stdio: "pipe" });
    try {
      openssl("version");
    } catch {
      ctx.skip();
    }
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    openssl("req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=pgasc launcher test CA");
    openssl("req", ...ec, "-keyout", "node.key", "-out", "node.csr", "-subj", "/CN=localhost");
    writeFileSync(join(tlsDir, "ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    openssl("x509", "-req", "-in", "node.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "node.pem", "-days", "1", "-extfile", "ext.cnf");
    const tls = ["--tls-cert", join(tlsDir, "node.pem"), "--tls-key", join(tlsDir, "node.key"), "--tls-ca", join(tlsDir, "ca.pem")];
    const r = await pgasc(["run", "-n", "4", "--nodes", "2", ...tls, "-o", spin(), fixture("spin.pgas"), "--", "10"]);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(8);
    // A wrong CA: the nodes cannot verify each other and the job fails instead of running in the
    // clear (today the nodes keep retrying the rendezvous; --timeout bounds it).
    openssl("req", "-x509", ...ec, "-keyout", "other.key", "-out", "other.pem", "-days", "1", "-subj", "/CN=another CA");
    const wrong = ["--tls-cert", join(tlsDir, "node.pem"), "--tls-key", join(tlsDir, "node.key"), "--tls-ca", join(tlsDir, "other.pem")];
    const bad = await pgasc(["run", "-n", "2", "--nodes", "2", "--timeout", "3", ...wrong, "-o", spin(), fixture("spin.pgas"), "--", "10"], 60_000);
    expect(bad.status).not.toBe(0);
    expect(bad.stdout).not.toContain("done");
    expect(leftovers()).toEqual([]);
  });
});
