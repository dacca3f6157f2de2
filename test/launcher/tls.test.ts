// Secure by default across hosts: `pgasc tls-init`; `pgasc run -H` making per-job TLS material and
// handing it to each node on stdin (a local rsh agent and the stand-in node stand for other
// hosts); `pgasc node` refusing clear text across hosts; a Kubernetes-style job over mutual TLS from
// a mounted secret; and no token ever given to an impostor at the rendezvous address.

import { spawn, spawnSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer as createTlsServer } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../grpc/harness.js";

const root = join(import.meta.dirname, "..", "..");
const cli = join(root, "dist", "cli", "pgasc.js");
const standIn = join(root, "test", "fixtures", "launcher", "stand-in-node.mjs");
const hello = join(root, "samples", "hello.pgas");

let dir: string;
let program: string;
let agent: string;

/** The environment without anything a surrounding job (or another test) may have set. */
function clean(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const kept = Object.entries(process.env).filter(([k]) => !k.startsWith("PGASC_") && !k.startsWith("SLURM_") && k !== "JOB_COMPLETION_INDEX");
  return { ...Object.fromEntries(kept), NO_COLOR: "1", ...extra };
}

function pgasc(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: "utf8", env, timeout: timeoutMs });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tlsInit(name: string): { cert: string; key: string; ca: string } {
  const target = join(dir, name);
  const r = pgasc(["tls-init", target], clean());
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return { cert: join(target, "node.pem"), key: join(target, "node-key.pem"), ca: join(target, "ca.pem") };
}

const tlsEnv = (files: { cert: string; key: string; ca: string }) => ({ PGASC_TLS_CERT: files.cert, PGASC_TLS_KEY: files.key, PGASC_TLS_CA: files.ca });

beforeAll(() => {
  // The directory's name is in every node's command line: `ps` finds this file's node processes.
  dir = mkdtempSync(join(tmpdir(), "pgasc-tls-launch-"));
  program = join(dir, "hello.mjs");
  const r = pgasc(["build", hello, "-o", program], clean());
  expect(r.stderr).toBe("");
  // An rsh agent for "other hosts" that are this one: runs the words through sh, as ssh would.
  agent = join(dir, "local-rsh");
  writeFileSync(agent, '#!/bin/sh\n# test rsh agent: ignores the host, runs the command here\nshift\nexec sh -c "$*"\n');
  chmodSync(agent, 0o755);
});

/** Pids of this file's node processes (not the shells of the rsh agent that started them). */
function nodeProcesses(): number[] {
  return spawnSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" })
    .stdout.split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f[1] === process.execPath && f.includes("node") && f.some((w) => w.startsWith(dir)))
    .map((f) => Number(f[0]));
}

afterAll(() => {
  for (const pid of nodeProcesses()) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      /* gone */
    }
  }
});

describe("pgasc tls-init", () => {
  it("writes a CA and a node certificate signed by it, the key 0600, and never replaces them", () => {
    const files = tlsInit("init");
    const ca = new X509Certificate(readFileSync(files.ca));
    const cert = new X509Certificate(readFileSync(files.cert));
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkIssued(ca)).toBe(true);
    expect(ca.ca).toBe(true);
    expect(cert.subjectAltName).toBe("DNS:pgasc-node");
    expect(statSync(files.key).mode & 0o777).toBe(0o600);
    const again = pgasc(["tls-init", join(dir, "init")], clean());
    expect(again.status).toBe(1);
    expect(again.stderr).toBe(`pgasc: ${files.ca} already exists; not replacing it (use a new directory for each job)\n`);
    // Another directory: another CA, which the first one's nodes would not accept.
    const other = new X509Certificate(readFileSync(tlsInit("init2").ca));
    expect(cert.verify(other.publicKey)).toBe(false);
  });
});

describe("pgasc run across hosts (stand-in nodes behind an rsh agent)", () => {
  const configs = (stdout: string) =>
    stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l))
      .sort((a, b) => a.nodeIndex - b.nodeIndex);

  it("makes TLS material per job and hands it to every node on stdin", () => {
    const run = () => pgasc(["run", "-H", "h1,h2", "--rsh", agent, "-o", program, hello, "--", "config"], clean({ PGASC_NODE_MAIN: standIn }));
    const first = run();
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    const [a, b] = configs(first.stdout);
    expect(a.listenHost).toBe("h1");
    for (const c of [a, b]) {
      expect(c.tls).toBeUndefined();
      expect(c.tlsPem).toMatchObject({ names: "DNS:pgasc-node", keyFitsCert: true, signedByCa: true });
    }
    expect(b.tlsPem).toEqual(a.tlsPem);
    // A new job, new material.
    expect(configs(run().stdout)[0].tlsPem.ca).not.toBe(a.tlsPem.ca);
  });

  it("the material never appears on a command line or in an environment", async () => {
    const job = spawn(process.execPath, [cli, "run", "-H", "h1,h2", "--rsh", agent, "-o", program, hello, "--", "hello", "hang"], {
      cwd: root,
      env: clean({ PGASC_NODE_MAIN: standIn }),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let out = "";
    job.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    try {
      const until = Date.now() + 30_000;
      while (out.split("\n").length < 3 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      const pids = nodeProcesses();
      expect(pids.length).toBe(2);
      for (const pid of pids) {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
        const environ = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
        expect(environ).toContain("PGASC_TLS_ON_STDIN=1");
        for (const text of [cmdline, ...environ]) expect(text).not.toMatch(/PRIVATE KEY|LS0tLS1CRUdJTi|PGASC_TLS_(CERT|KEY|CA)=/);
      }
    } finally {
      process.kill(-job.pid!, "SIGTERM");
      await new Promise((r) => job.on("close", r));
    }
  });

  it("--insecure: clear text on purpose, no material", () => {
    const r = pgasc(["run", "-H", "h1,h2", "--rsh", agent, "--insecure", "-o", program, hello, "--", "config"], clean({ PGASC_NODE_MAIN: standIn }));
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    for (const c of configs(r.stdout)) expect(c.tlsPem).toBeUndefined();
  });

  it("--insecure with TLS files, or without nodes, is an error", () => {
    const files = tlsInit("contradiction");
    const both = pgasc(["run", "-H", "h1", "--insecure", "--tls-cert", files.cert, "--tls-key", files.key, "--tls-ca", files.ca, hello], clean());
    expect(both.status).toBe(2);
    expect(both.stderr).toBe("pgasc: --insecure and --tls-cert/--tls-key/--tls-ca contradict each other: give one or the other\n");
    const alone = pgasc(["run", "--insecure", hello], clean());
    expect(alone.status).toBe(2);
    expect(alone.stderr).toBe("pgasc: --insecure needs --nodes, -H/--hosts or --hostfile\n");
  });

  it("--show names PGASC_TLS_ON_STDIN and shows no material", () => {
    const r = pgasc(["run", "-H", "h1,h2", "--show", "-o", program, hello], clean());
    expect(r.status).toBe(0);
    for (const line of r.stdout.trim().split("\n")) {
      expect(line).toContain("PGASC_TLS_ON_STDIN=1");
      expect(line).not.toMatch(/PGASC_TLS_(CERT|KEY|CA)=|BEGIN/);
    }
  });
});

describe("pgasc node refuses clear text across hosts", () => {
  const refusal = (why: string) =>
    `pgasc node: refusing to run across hosts in clear text (${why}; the job token and all data would cross the network unprotected): ` +
    "set PGASC_TLS_CERT, PGASC_TLS_KEY and PGASC_TLS_CA (pgasc tls-init DIR makes them) or PGASC_INSECURE=1\n";
  const generic = { PGASC_NODE_INDEX: "1", PGASC_NODE_COUNT: "2", PGASC_IMAGES: "2", PGASC_RENDEZVOUS: "10.1.2.3:4000", PGASC_JOB_TOKEN: "t" };
  const slurm = { SLURM_PROCID: "1", SLURM_NTASKS: "2", SLURM_STEP_NODELIST: "nid[001-002]", SLURM_JOB_ID: "7", PGASC_IMAGES: "2", PGASC_JOB_TOKEN: "t" };
  const k8s = { JOB_COMPLETION_INDEX: "1", PGASC_NODE_COUNT: "2", PGASC_IMAGES: "2", PGASC_K8S_SERVICE: "nodes", PGASC_K8S_JOB: "heat", PGASC_JOB_TOKEN: "t" };
  const cases: [string, Record<string, string>, string][] = [
    ["generic, rendezvous elsewhere", generic, "node 0 is at 10.1.2.3, not 127.0.0.1"],
    ["generic, a second loopback address", { ...generic, PGASC_RENDEZVOUS: "127.0.0.1:4000", PGASC_LISTEN_HOST: "127.0.0.2" }, "this node listens on 127.0.0.2, not 127.0.0.1"],
    ["Slurm", slurm, "Slurm may place the tasks on any host"],
    ["Kubernetes", k8s, "Kubernetes may place the pods on any host"],
  ];
  for (const [what, env, why] of cases) {
    it(`${what}: one line, status 2; PGASC_INSECURE=1 or TLS files let it start`, () => {
      const refused = pgasc(["node", program, "--", "config"], clean({ ...env, PGASC_NODE_MAIN: standIn }));
      expect(refused.stderr).toBe(refusal(why));
      expect(refused.status).toBe(2);
      const insecure = pgasc(["node", program, "--", "config"], clean({ ...env, PGASC_NODE_MAIN: standIn, PGASC_INSECURE: "1" }));
      expect(insecure.stderr).toBe("");
      expect(JSON.parse(insecure.stdout).tls).toBeUndefined();
      const files = tlsInit(`node-${what.replace(/\W+/g, "-")}`);
      const secured = pgasc(["node", program, "--", "config"], clean({ ...env, PGASC_NODE_MAIN: standIn, ...tlsEnv(files) }));
      expect(secured.stderr).toBe("");
      expect(JSON.parse(secured.stdout).tls).toEqual(files);
    });
  }

  it("pgasc node --insecure does what PGASC_INSECURE=1 does", () => {
    const r = pgasc(["node", "--insecure", program, "--", "config"], clean({ ...generic, PGASC_NODE_MAIN: standIn }));
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).rendezvous).toEqual({ host: "10.1.2.3", port: 4000 });
  });

  it("a job on 127.0.0.1 (as pgasc run --nodes starts it) needs no TLS", () => {
    const r = pgasc(["node", program, "--", "config"], clean({ ...generic, PGASC_RENDEZVOUS: "127.0.0.1:4000", PGASC_NODE_MAIN: standIn }));
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout).listenHost).toBe("127.0.0.1");
  });
});

describe("the real conduit with material from files", () => {
  it("a Kubernetes-style job reads a mounted secret (PGASC_TLS_*) and runs over mutual TLS", { timeout: 300_000 }, async () => {
    const secret = tlsInit("k8s-secret");
    // A mounted Secret is read-only.
    for (const path of Object.values(secret)) chmodSync(path, 0o400);
    const port = await freePort();
    const nodes = [0, 1].map((k) => {
      const host = `127.0.0.${k + 1}`;
      const env = clean({
        JOB_COMPLETION_INDEX: String(k),
        PGASC_NODE_COUNT: "2",
        PGASC_IMAGES: "4",
        PGASC_K8S_SERVICE: "heat-nodes",
        PGASC_K8S_JOB: "heat",
        PGASC_JOB_TOKEN: "k8s-test-token",
        // What the cluster's DNS would give: each pod its own address.
        PGASC_RENDEZVOUS: `127.0.0.1:${port}`,
        PGASC_LISTEN_HOST: host,
        PGASC_ADVERTISE_HOST: host,
        PGASC_TIMEOUT: "60",
        ...tlsEnv(secret),
      });
      const child = spawn(process.execPath, [cli, "node", program], { env, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let err = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
      child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
      const ended = new Promise<number | null>((r) => child.on("close", r));
      return { ended, out: () => out, err: () => err };
    });
    const statuses = await Promise.all(nodes.map((n) => n.ended));
    expect(nodes.map((n) => n.err())).toEqual(["", ""]);
    expect(statuses).toEqual([0, 0]);
    const lines = nodes.flatMap((n) => n.out().trim().split("\n")).sort();
    expect(lines).toEqual([0, 1, 2, 3].map((i) => `hello from image ${i} of 4`));
  });
});

describe("no token for an impostor at the rendezvous address", () => {
  /** Starts node 1 of a 2-node job whose rendezvous is `port`; returns a way to stop it. */
  function nodeOne(port: number, extra: Record<string, string>) {
    const env = clean({
      PGASC_NODE_INDEX: "1",
      PGASC_NODE_COUNT: "2",
      PGASC_IMAGES: "2",
      PGASC_RENDEZVOUS: `127.0.0.1:${port}`,
      PGASC_LISTEN_HOST: "127.0.0.2",
      PGASC_JOB_TOKEN: "the-secret-token-0123456789",
      ...extra,
    });
    const child = spawn(process.execPath, [cli, "node", program], { env, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    const ended = new Promise<number | null>((r) => child.on("close", r));
    return {
      err: () => err,
      ended,
      stop: async () => {
        child.kill("SIGKILL");
        await ended;
      },
    };
  }

  async function until(condition: () => boolean, ms: number): Promise<boolean> {
    const end = Date.now() + ms;
    while (!condition() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    return condition();
  }

  it("without TLS across hosts the node refuses before it connects anywhere", async () => {
    const port = await freePort();
    let connections = 0;
    const server = createServer((socket) => {
      connections++;
      socket.destroy();
    }).listen(port, "127.0.0.1");
    try {
      const node = nodeOne(port, {});
      expect(await node.ended).toBe(2);
      expect(node.err()).toMatch(/^pgasc node: refusing to run across hosts in clear text \(this node listens on 127\.0\.0\.2/);
      expect(connections).toBe(0);
    } finally {
      server.close();
    }
  });

  it("with TLS, a clear-text listener gets only a TLS handshake", { timeout: 300_000 }, async () => {
    const files = tlsInit("impostor-plain");
    const port = await freePort();
    const received: Buffer[] = [];
    const sockets: Socket[] = [];
    const server = createServer((socket) => {
      sockets.push(socket);
      socket.on("data", (d: Buffer) => received.push(d));
    }).listen(port, "127.0.0.1");
    const node = nodeOne(port, tlsEnv(files));
    try {
      expect(await until(() => received.length > 0, 120_000)).toBe(true);
      const bytes = Buffer.concat(received);
      expect(bytes[0]).toBe(0x16); // a TLS handshake record
      expect(bytes.includes(Buffer.from("PRI * HTTP/2.0"))).toBe(false);
      expect(bytes.includes(Buffer.from("the-secret-token"))).toBe(false);
    } finally {
      await node.stop();
      for (const socket of sockets) socket.destroy();
      server.close();
    }
  });

  it("with TLS, a TLS server whose certificate another CA signed is never trusted", { timeout: 300_000 }, async () => {
    const ours = tlsInit("impostor-ours");
    const theirs = tlsInit("impostor-theirs");
    const port = await freePort();
    let attempts = 0;
    let established = 0;
    const server = createTlsServer({ cert: readFileSync(theirs.cert), key: readFileSync(theirs.key), ALPNProtocols: ["h2"] }, (socket) => {
      established++;
      socket.destroy();
    });
    server.on("tlsClientError", () => attempts++);
    server.listen(port, "127.0.0.1");
    const node = nodeOne(port, tlsEnv(ours));
    try {
      // The node keeps retrying the rendezvous: several refused handshakes, none completed.
      expect(await until(() => attempts >= 2, 120_000)).toBe(true);
      expect(established).toBe(0);
    } finally {
      await node.stop();
      server.close();
    }
  });
});
