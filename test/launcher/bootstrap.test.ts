// Unit tests of the bootstrap contract (runtime/launcher/bootstrap.ts) and the job planner:
// environments of generic, Slurm and Kubernetes nodes in, NodeConfigs out; run requests in, node
// commands out. Pure functions only: no process is started here.

import { describe, expect, it } from "vitest";
import {
  BootstrapError,
  KUBERNETES_DEFAULT_PORT,
  acrossHosts,
  checkTransport,
  detectBootstrap,
  environmentForNode,
  nodeConfigFromEnvironment,
  parseHostPort,
  slurmRendezvousPort,
  type Environment,
} from "../../runtime/launcher/bootstrap.js";
import { parseHostList, parseHostfile } from "../../runtime/launcher/hostfile.js";
import { NODE_MALLOC_TUNABLES, PlanError, describeImages, describeLost, planJob, showCommand, type JobRequest } from "../../runtime/launcher/job-plan.js";
import { imagesOfNode } from "../../runtime/core/placement.js";
import { tlsPemFromLines, tlsPemToLines } from "../../runtime/node/node-config.js";
import { splitWords } from "../../runtime/launcher/shell-words.js";

const facts = { hostname: "thishost" };
const TOKEN = "s3cret";

function generic(extra: Environment = {}): Environment {
  return {
    PGASC_NODE_INDEX: "1",
    PGASC_NODE_COUNT: "3",
    PGASC_IMAGES: "7",
    PGASC_RENDEZVOUS: "10.0.0.1:4000",
    PGASC_JOB_TOKEN: TOKEN,
    PGASC_PROGRAM: "/job/prog.mjs",
    ...extra,
  };
}

describe("bootstrap: generic variables", () => {
  it("builds the node config", () => {
    expect(nodeConfigFromEnvironment(generic(), { args: ["5"] }, facts)).toEqual({
      nodeIndex: 1,
      nodeCount: 3,
      images: 7,
      rendezvous: { host: "10.0.0.1", port: 4000 },
      listenHost: "0.0.0.0",
      listenPort: 0,
      advertiseHost: "thishost",
      token: TOKEN,
      program: "/job/prog.mjs",
      args: ["5"],
      label: false,
      timeoutSeconds: undefined,
    });
  });

  it("node 0 listens on the rendezvous port; a loopback rendezvous keeps the job on loopback", () => {
    const c = nodeConfigFromEnvironment(generic({ PGASC_NODE_INDEX: "0", PGASC_RENDEZVOUS: "127.0.0.1:5000" }), {}, facts);
    expect(c.listenPort).toBe(5000);
    expect(c.listenHost).toBe("127.0.0.1");
    expect(c.advertiseHost).toBe("127.0.0.1");
  });

  it("listen/advertise hosts, listen port, label, timeout, TLS from variables", () => {
    const c = nodeConfigFromEnvironment(
      generic({
        PGASC_LISTEN_HOST: "10.0.0.2",
        PGASC_LISTEN_PORT: "4100",
        PGASC_ADVERTISE_HOST: "n2.cluster",
        PGASC_LABEL: "1",
        PGASC_TIMEOUT: "90",
        PGASC_TLS_CERT: "/etc/pgasc/node.pem",
        PGASC_TLS_KEY: "/etc/pgasc/node.key",
        PGASC_TLS_CA: "/etc/pgasc/ca.pem",
      }),
      {},
      facts,
    );
    expect(c).toMatchObject({ listenHost: "10.0.0.2", listenPort: 4100, advertiseHost: "n2.cluster", label: true, timeoutSeconds: 90 });
    expect(c.tls).toEqual({ cert: "/etc/pgasc/node.pem", key: "/etc/pgasc/node.key", ca: "/etc/pgasc/ca.pem" });
  });

  it("without a wildcard listen host, the listen host is advertised", () => {
    expect(nodeConfigFromEnvironment(generic({ PGASC_LISTEN_HOST: "10.0.0.9" }), {}, facts).advertiseHost).toBe("10.0.0.9");
  });

  it("command-line overrides win over variables", () => {
    const c = nodeConfigFromEnvironment(
      generic({ PGASC_LABEL: "0" }),
      { program: "/other.mjs", images: 9, label: true, timeoutSeconds: 3, token: "fromstdin", tls: { cert: "c", key: "k", ca: "a" } },
      facts,
    );
    expect(c).toMatchObject({ program: "/other.mjs", images: 9, label: true, timeoutSeconds: 3, token: "fromstdin" });
    expect(c.tls).toEqual({ cert: "c", key: "k", ca: "a" });
  });

  it("IPv6 rendezvous", () => {
    expect(parseHostPort("[fd00::1]:4000", "X")).toEqual({ host: "fd00::1", port: 4000 });
    expect(() => parseHostPort("fd00::1:4000", "X")).toThrow("expected HOST:PORT");
    expect(() => parseHostPort("h:0", "X")).toThrow("1..65535");
    expect(() => parseHostPort("h:70000", "X")).toThrow("1..65535");
  });

  const bad: [string, Environment, string][] = [
    ["no environment", {}, "no node environment: set PGASC_NODE_INDEX"],
    ["bad index", generic({ PGASC_NODE_INDEX: "x" }), "PGASC_NODE_INDEX=x is not a whole number"],
    ["index beyond count", generic({ PGASC_NODE_INDEX: "3" }), "node index 3 is not below the node count 3"],
    ["zero count", generic({ PGASC_NODE_COUNT: "0" }), "PGASC_NODE_COUNT=0 must be at least 1"],
    ["no images", generic({ PGASC_IMAGES: undefined }), "PGASC_IMAGES is not set"],
    ["more nodes than images", generic({ PGASC_IMAGES: "2" }), "3 nodes but only 2 images"],
    ["no rendezvous", generic({ PGASC_RENDEZVOUS: undefined }), "PGASC_RENDEZVOUS is not set"],
    ["bad rendezvous", generic({ PGASC_RENDEZVOUS: "nohost" }), "PGASC_RENDEZVOUS=nohost: expected HOST:PORT"],
    ["no token", generic({ PGASC_JOB_TOKEN: "" }), "PGASC_JOB_TOKEN is not set"],
    ["no program", generic({ PGASC_PROGRAM: undefined }), "no program"],
    ["half TLS", generic({ PGASC_TLS_CERT: "c" }), "TLS needs all three"],
    ["bad timeout", generic({ PGASC_TIMEOUT: "-1" }), "PGASC_TIMEOUT=-1 must be a number of seconds above 0"],
    ["bad bootstrap", generic({ PGASC_BOOTSTRAP: "pbs" }), "PGASC_BOOTSTRAP=pbs: expected generic, slurm or kubernetes"],
    ["bad trace events", generic({ PGASC_TRACE: "/tmp/t.json", PGASC_TRACE_EVENTS: "0" }), "PGASC_TRACE_EVENTS=0: expected a whole number of at least 1"],
  ];
  for (const [what, env, message] of bad) {
    it(`error: ${what}`, () => {
      expect(() => nodeConfigFromEnvironment(env, {}, facts)).toThrow(BootstrapError);
      expect(() => nodeConfigFromEnvironment(env, {}, facts)).toThrow(message);
    });
  }

  it("environmentForNode and nodeConfigFromEnvironment are inverses (the launcher's own path)", () => {
    const config = nodeConfigFromEnvironment(
      generic({
        PGASC_LISTEN_HOST: "10.0.0.2",
        PGASC_ADVERTISE_HOST: "10.0.0.2",
        PGASC_LABEL: "1",
        PGASC_TIMEOUT: "5",
        PGASC_TLS_CERT: "c",
        PGASC_TLS_KEY: "k",
        PGASC_TLS_CA: "a",
        PGASC_PROFILE: "1",
        PGASC_TRACE: "/tmp/run.json",
        PGASC_TRACE_EVENTS: "100",
      }),
      { args: [] },
      facts,
    );
    expect(config.observe).toEqual({ profile: true, tracePath: "/tmp/run.json", eventsPerImage: 100 });
    const env = environmentForNode(config, { withToken: true });
    expect(nodeConfigFromEnvironment({ ...env, PGASC_PROGRAM: config.program }, { args: [] }, facts)).toEqual(config);
    expect(environmentForNode(config, { withToken: false }).PGASC_JOB_TOKEN).toBeUndefined();
  });
});

describe("bootstrap: clear text only on one host", () => {
  const config = (env: Environment) => nodeConfigFromEnvironment(env, {}, facts);
  const oneHost = generic({ PGASC_RENDEZVOUS: "127.0.0.1:5000" });

  it("a job on 127.0.0.1 (rendezvous and listen address) is on one host; anything else is not", () => {
    expect(acrossHosts(config(oneHost), oneHost)).toBeUndefined();
    expect(acrossHosts(config(generic()), generic())).toBe("node 0 is at 10.0.0.1, not 127.0.0.1");
    const second = generic({ PGASC_RENDEZVOUS: "127.0.0.1:5000", PGASC_LISTEN_HOST: "127.0.0.2" });
    expect(acrossHosts(config(second), second)).toBe("this node listens on 127.0.0.2, not 127.0.0.1");
    const named = generic({ PGASC_RENDEZVOUS: "localhost:5000" });
    expect(acrossHosts(config(named), named)).toBe("node 0 is at localhost, not 127.0.0.1");
  });

  it("checkTransport refuses clear text across hosts unless TLS material or PGASC_INSECURE=1", () => {
    expect(() => checkTransport(config(generic()), generic(), {})).toThrow(BootstrapError);
    expect(() => checkTransport(config(generic()), generic(), {})).toThrow(/^refusing to run across hosts in clear text \(node 0 is at 10\.0\.0\.1/);
    expect(() => checkTransport(config(oneHost), oneHost, {})).not.toThrow();
    const insecure = generic({ PGASC_INSECURE: "1" });
    expect(() => checkTransport(config(insecure), insecure, {})).not.toThrow();
    expect(() => checkTransport(config(generic()), generic(), { insecure: true })).not.toThrow();
    const files = generic({ PGASC_TLS_CERT: "c", PGASC_TLS_KEY: "k", PGASC_TLS_CA: "a" });
    expect(() => checkTransport(config(files), files, {})).not.toThrow();
    const pem = { cert: "-----BEGIN CERTIFICATE-----", key: "-----BEGIN PRIVATE KEY-----", ca: "-----BEGIN CERTIFICATE-----" };
    const fromStdin = nodeConfigFromEnvironment(generic(), { tlsPem: pem }, facts);
    expect(fromStdin.tlsPem).toEqual(pem);
    expect(() => checkTransport(fromStdin, generic(), { tlsPem: pem })).not.toThrow();
  });

  it("TLS material travels as three base64 lines and comes back whole; anything else is refused", () => {
    const pem = { cert: "-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n", key: "-----BEGIN PRIVATE KEY-----\nBBB\n", ca: "-----BEGIN CERTIFICATE-----\nCCC\n" };
    const lines = tlsPemToLines(pem);
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).not.toMatch(/\s/);
    expect(tlsPemFromLines(lines)).toEqual(pem);
    expect(tlsPemFromLines(lines.slice(0, 2))).toBeUndefined();
    expect(tlsPemFromLines([lines[0], "not base64!", lines[2]])).toBeUndefined();
    expect(tlsPemFromLines([lines[0], Buffer.from("no pem").toString("base64"), lines[2]])).toBeUndefined();
  });
});

describe("bootstrap: Slurm", () => {
  function slurm(extra: Environment = {}): Environment {
    return {
      SLURM_PROCID: "2",
      SLURM_NTASKS: "4",
      SLURM_STEP_NUM_TASKS: "4",
      SLURM_STEP_NODELIST: "nid[001-004]",
      SLURM_JOB_NODELIST: "nid[001-008]",
      SLURM_JOB_ID: "123456",
      SLURM_STEP_ID: "3",
      SLURMD_NODENAME: "nid003",
      PGASC_IMAGES: "16",
      PGASC_JOB_TOKEN: TOKEN,
      ...extra,
    };
  }

  it("task, task count, first host as rendezvous, port from job and step ids", () => {
    expect(detectBootstrap(slurm())).toBe("slurm");
    const c = nodeConfigFromEnvironment(slurm(), { program: "/p.mjs" }, facts);
    expect(c).toMatchObject({
      nodeIndex: 2,
      nodeCount: 4,
      images: 16,
      rendezvous: { host: "nid001", port: slurmRendezvousPort(123456, 3) },
      listenHost: "0.0.0.0",
      listenPort: 0,
      advertiseHost: "nid003",
      token: TOKEN,
    });
  });

  it("every task of a step computes the same port; steps differ", () => {
    const ports = [0, 1, 2, 3].map((t) => nodeConfigFromEnvironment(slurm({ SLURM_PROCID: String(t) }), { program: "/p" }, facts).rendezvous.port);
    expect(new Set(ports).size).toBe(1);
    expect(ports[0]).toBeGreaterThanOrEqual(15000);
    expect(ports[0]).toBeLessThan(30000);
    expect(slurmRendezvousPort(123456, 4)).not.toBe(slurmRendezvousPort(123456, 3));
    expect(nodeConfigFromEnvironment(slurm({ SLURM_PROCID: "0" }), { program: "/p" }, facts).listenPort).toBe(ports[0]);
  });

  it("falls back to SLURM_JOB_NODELIST and SLURM_NTASKS; hostname when SLURMD_NODENAME is missing", () => {
    const c = nodeConfigFromEnvironment(
      slurm({ SLURM_STEP_NODELIST: undefined, SLURM_STEP_NUM_TASKS: undefined, SLURMD_NODENAME: undefined, SLURM_JOB_NODELIST: "a[7-8]" }),
      { program: "/p" },
      facts,
    );
    expect(c).toMatchObject({ nodeCount: 4, rendezvous: { host: "a7" }, advertiseHost: "thishost" });
  });

  it("PGASC_RENDEZVOUS / PGASC_RENDEZVOUS_PORT / PGASC_ADVERTISE_HOST override", () => {
    expect(nodeConfigFromEnvironment(slurm({ PGASC_RENDEZVOUS: "login1:7000" }), { program: "/p" }, facts).rendezvous).toEqual({ host: "login1", port: 7000 });
    expect(nodeConfigFromEnvironment(slurm({ PGASC_RENDEZVOUS_PORT: "7001" }), { program: "/p" }, facts).rendezvous).toEqual({ host: "nid001", port: 7001 });
    expect(nodeConfigFromEnvironment(slurm({ PGASC_ADVERTISE_HOST: "10.1.1.3" }), { program: "/p" }, facts).advertiseHost).toBe("10.1.1.3");
  });

  // The image-count rule under Slurm, one row per combination: -n beats PGASC_IMAGES beats
  // tasks x SLURM_CPUS_PER_TASK beats one image per task; SLURM_CPUS_ON_NODE is never used.
  const imageCases: [string, Environment, number | undefined, number][] = [
    ["nothing set (srun without -c): one image per task", {}, undefined, 4],
    ["SLURM_CPUS_PER_TASK=8 (srun -c 8): tasks x 8", { SLURM_CPUS_PER_TASK: "8" }, undefined, 32],
    ["PGASC_IMAGES=6 alone", { PGASC_IMAGES: "6" }, undefined, 6],
    ["PGASC_IMAGES=6 wins over SLURM_CPUS_PER_TASK=8", { PGASC_IMAGES: "6", SLURM_CPUS_PER_TASK: "8" }, undefined, 6],
    ["-n 5 wins over PGASC_IMAGES and SLURM_CPUS_PER_TASK", { PGASC_IMAGES: "6", SLURM_CPUS_PER_TASK: "8" }, 5, 5],
    ["-n 7 alone", {}, 7, 7],
    ["SLURM_CPUS_ON_NODE=16 alone is ignored: one image per task", { SLURM_CPUS_ON_NODE: "16" }, undefined, 4],
    ["SLURM_CPUS_ON_NODE=16 with SLURM_CPUS_PER_TASK=2: tasks x 2", { SLURM_CPUS_ON_NODE: "16", SLURM_CPUS_PER_TASK: "2" }, undefined, 8],
    ["SLURM_CPUS_PER_TASK empty counts as unset", { SLURM_CPUS_PER_TASK: "" }, undefined, 4],
  ];
  for (const [name, extra, imagesOption, images] of imageCases) {
    it(`images: ${name} -> ${images}`, () => {
      const env = slurm({ PGASC_IMAGES: undefined, ...extra });
      const overrides = imagesOption === undefined ? { program: "/p" } : { program: "/p", images: imagesOption };
      expect(nodeConfigFromEnvironment(env, overrides, facts).images).toBe(images);
    });
  }

  it("images: a malformed SLURM_CPUS_PER_TASK, or fewer images than tasks, is an error naming it", () => {
    expect(() => nodeConfigFromEnvironment(slurm({ PGASC_IMAGES: undefined, SLURM_CPUS_PER_TASK: "two" }), { program: "/p" }, facts)).toThrow(
      "SLURM_CPUS_PER_TASK=two is not a whole number",
    );
    expect(() => nodeConfigFromEnvironment(slurm({ PGASC_IMAGES: undefined, SLURM_CPUS_PER_TASK: "0" }), { program: "/p" }, facts)).toThrow(
      "SLURM_CPUS_PER_TASK=0 must be at least 1",
    );
    expect(() => nodeConfigFromEnvironment(slurm({ PGASC_IMAGES: "3" }), { program: "/p" }, facts)).toThrow("4 nodes but only 3 images");
  });

  it("errors name the Slurm variable", () => {
    expect(() => nodeConfigFromEnvironment(slurm({ SLURM_STEP_NODELIST: "nid[001-" }), { program: "/p" }, facts)).toThrow("SLURM_STEP_NODELIST: '[' without ']'");
    expect(() => nodeConfigFromEnvironment(slurm({ SLURM_PROCID: "x" }), { program: "/p" }, facts)).toThrow("SLURM_PROCID=x is not a whole number");
    expect(() => nodeConfigFromEnvironment(slurm({ PGASC_JOB_TOKEN: undefined }), { program: "/p" }, facts)).toThrow("PGASC_JOB_TOKEN is not set");
    expect(() =>
      nodeConfigFromEnvironment(slurm({ SLURM_STEP_NODELIST: undefined, SLURM_JOB_NODELIST: undefined }), { program: "/p" }, facts),
    ).toThrow("SLURM_STEP_NODELIST is not set");
  });

  it("generic variables win over Slurm's when PGASC_NODE_INDEX is set", () => {
    expect(detectBootstrap(slurm({ PGASC_NODE_INDEX: "0" }))).toBe("generic");
    expect(detectBootstrap(slurm({ PGASC_BOOTSTRAP: "slurm", PGASC_NODE_INDEX: "0" }))).toBe("slurm");
  });
});

describe("bootstrap: Kubernetes Indexed Job", () => {
  function k8s(extra: Environment = {}): Environment {
    return { JOB_COMPLETION_INDEX: "2", PGASC_NODE_COUNT: "4", PGASC_IMAGES: "8", PGASC_K8S_SERVICE: "pgasc-nodes", PGASC_JOB_TOKEN: TOKEN, ...extra };
  }

  it("rendezvous at <job>-0.<service>, job name from the pod's hostname", () => {
    expect(detectBootstrap(k8s())).toBe("kubernetes");
    const c = nodeConfigFromEnvironment(k8s(), { program: "/p" }, { hostname: "heat-run-2" });
    expect(c).toMatchObject({
      nodeIndex: 2,
      nodeCount: 4,
      images: 8,
      rendezvous: { host: "heat-run-0.pgasc-nodes", port: KUBERNETES_DEFAULT_PORT },
      listenHost: "0.0.0.0",
      advertiseHost: "heat-run-2.pgasc-nodes",
    });
    const zero = nodeConfigFromEnvironment(k8s({ JOB_COMPLETION_INDEX: "0" }), { program: "/p" }, { hostname: "heat-run-0" });
    expect(zero.listenPort).toBe(KUBERNETES_DEFAULT_PORT);
  });

  it("PGASC_K8S_JOB and PGASC_RENDEZVOUS_PORT", () => {
    const c = nodeConfigFromEnvironment(k8s({ PGASC_K8S_JOB: "heat", PGASC_RENDEZVOUS_PORT: "9000" }), { program: "/p" }, { hostname: "whatever" });
    expect(c.rendezvous).toEqual({ host: "heat-0.pgasc-nodes", port: 9000 });
  });

  it("errors", () => {
    expect(() => nodeConfigFromEnvironment(k8s({ PGASC_K8S_SERVICE: undefined }), { program: "/p" }, { hostname: "j-2" })).toThrow("PGASC_K8S_SERVICE is not set");
    expect(() => nodeConfigFromEnvironment(k8s(), { program: "/p" }, { hostname: "pod-xyz" })).toThrow("cannot tell the job name from hostname 'pod-xyz'");
    expect(() => nodeConfigFromEnvironment(k8s({ PGASC_NODE_COUNT: undefined }), { program: "/p" }, { hostname: "j-2" })).toThrow("PGASC_NODE_COUNT is not set");
  });
});

describe("job plans", () => {
  function request(extra: Partial<JobRequest> = {}): JobRequest {
    return {
      program: "/b/ring.mjs",
      args: [],
      rsh: ["ssh"],
      label: false,
      oversubscribe: false,
      machine: { cores: 2, freeBytes: 8 * 2 ** 30 },
      defaultImages: 2,
      rendezvousPort: 4444,
      nodeExecutable: "/usr/bin/node",
      pgascScript: "/opt/pgasc/dist/cli/pgasc.js",
      ...extra,
    };
  }

  it("--nodes on this host: loopback, images as imagesOfNode deals them, token not in the plan", () => {
    const plan = planJob(request({ images: 7, nodes: 3 }));
    expect(plan.local).toBe(true);
    expect(plan.rendezvous).toEqual({ host: "127.0.0.1", port: 4444 });
    expect(plan.nodes.map((n) => n.images)).toEqual([0, 1, 2].map((k) => imagesOfNode(7, 3, k)));
    expect(plan.nodes.map((n) => n.images)).toEqual([[0, 3], [3, 5], [5, 7]]);
    for (const node of plan.nodes) {
      expect(node.config.listenHost).toBe("127.0.0.1");
      expect(node.remoteHost).toBeUndefined();
      expect(node.argv).toEqual(["/usr/bin/node", "/opt/pgasc/dist/cli/pgasc.js", "node", "/b/ring.mjs"]);
      expect(node.env).toMatchObject({ PGASC_EXIT_ON_STDIN_EOF: "1", PGASC_TOKEN_ON_STDIN: "1", PGASC_READY_LINE: "1" });
      expect(node.env.PGASC_JOB_TOKEN).toBeUndefined();
    }
    expect(plan.nodes[0].config.listenPort).toBe(4444);
    expect(plan.nodes[1].config.listenPort).toBe(0);
  });

  it("a local node's environment boots the same config through the generic bootstrap", () => {
    const plan = planJob(request({ images: 4, nodes: 2, label: true, timeoutSeconds: 9, args: ["x y"] }));
    for (const node of plan.nodes) {
      const back = nodeConfigFromEnvironment(node.env, { program: node.config.program, args: node.config.args, token: "t" }, facts);
      expect(back).toEqual({ ...node.config, token: "t" });
    }
  });

  it("hostfile: one node per line, -n defaults to the total slots, rendezvous on the first host", () => {
    const hosts = parseHostfile("10.77.0.1 slots=2\nme@10.77.0.2 slots=1\n10.77.0.3", "hf");
    const plan = planJob(request({ hosts, hostsOrigin: "hf", rsh: ["/t/agent.sh", "-q"] }));
    expect(plan.images).toBe(4);
    expect(plan.local).toBe(false);
    expect(plan.rendezvous).toEqual({ host: "10.77.0.1", port: 4444 });
    expect(plan.nodes.map((n) => [n.remoteHost, n.config.listenHost, n.config.advertiseHost])).toEqual([
      ["10.77.0.1", "10.77.0.1", "10.77.0.1"],
      ["me@10.77.0.2", "10.77.0.2", "10.77.0.2"],
      ["10.77.0.3", "10.77.0.3", "10.77.0.3"],
    ]);
    const node1 = plan.nodes[1];
    expect(node1.argv.slice(0, 4)).toEqual(["/t/agent.sh", "-q", "me@10.77.0.2", "env"]);
    expect(node1.argv).toContain("PGASC_NODE_INDEX=1");
    expect(node1.argv.slice(-4)).toEqual(["/usr/bin/node", "/opt/pgasc/dist/cli/pgasc.js", "node", "/b/ring.mjs"]);
    expect(node1.env).toEqual({});
  });

  it("remote words are quoted once for the remote shell; --show quotes them again for the local one", () => {
    const plan = planJob(request({ hosts: parseHostList("h1,h2"), args: ["a b", "it's"], rsh: ["ssh", "-p", "22"] }));
    const node = plan.nodes[0];
    expect(node.argv.slice(-3)).toEqual(["--", "'a b'", `'it'\\''s'`]);
    const shown = showCommand(node);
    expect(shown.startsWith("ssh -p 22 h1 env PGASC_BOOTSTRAP=generic PGASC_NODE_INDEX=0 ")).toBe(true);
    // Splitting the shown line as the local shell would gives the argv exactly.
    expect(splitWords(shown)).toEqual(node.argv);
    // Joining the remote words as ssh does and splitting as the remote shell would gives the command.
    const remote = splitWords(node.argv.slice(4).join(" "));
    expect(remote.slice(-5)).toEqual(["node", "/b/ring.mjs", "--", "a b", "it's"]);
    expect(shown).not.toMatch(/TOKEN=/);
  });

  it("node processes get pgasc's malloc settings, local and remote, unless -x gives GLIBC_TUNABLES", () => {
    const local = planJob(request({ images: 2, nodes: 2 })).nodes[1];
    expect(local.env.GLIBC_TUNABLES).toBe(NODE_MALLOC_TUNABLES);
    const remote = planJob(request({ hosts: parseHostList("h1,h2"), rsh: ["ssh"] })).nodes[1];
    expect(remote.argv).toContain(`GLIBC_TUNABLES=${NODE_MALLOC_TUNABLES}`);
    const own = planJob(request({ images: 2, nodes: 2, exported: { GLIBC_TUNABLES: "glibc.malloc.arena_max=2" } })).nodes[0];
    expect(own.env.GLIBC_TUNABLES).toBe("glibc.malloc.arena_max=2");
  });

  it("--show of a local node is a runnable env command line", () => {
    const node = planJob(request({ images: 2, nodes: 2, args: ["$x"] })).nodes[1];
    expect(node.argv.slice(-2)).toEqual(["--", "$x"]);
    expect(splitWords(showCommand(node))).toEqual(["env", ...Object.entries(node.env).map(([k, v]) => `${k}=${v}`), ...node.argv]);
  });

  it("--nodes with hosts: node k on host entry k mod H; slots of the used entries", () => {
    const hosts = parseHostList("a:2,b:2");
    const plan = planJob(request({ hosts, nodes: 4, images: 4 }));
    expect(plan.nodes.map((n) => n.remoteHost)).toEqual(["a", "b", "a", "b"]);
    expect(planJob(request({ hosts: parseHostList("a:3,b:5"), nodes: 1 })).images).toBe(3);
  });

  it("localhost entries run here, without --rsh, on loopback", () => {
    const plan = planJob(request({ hosts: parseHostList("localhost:2,127.0.0.1:2") }));
    expect(plan.local).toBe(true);
    expect(plan.images).toBe(4);
    expect(plan.nodes.every((n) => n.remoteHost === undefined && n.argv[0] === "/usr/bin/node")).toBe(true);
  });

  const bad: [string, Partial<JobRequest>, string][] = [
    ["more nodes than images", { images: 4, nodes: 5 }, "--nodes 5 is more than the 4 images: every node process needs at least one image"],
    ["more hosts than images", { images: 2, hosts: parseHostList("a,b,c"), oversubscribe: true, hostsOrigin: "hf" }, "hf gives 3 hosts (one node process each) but there are only 2 images"],
    ["more images than slots", { images: 5, hosts: parseHostList("a:2,b:2"), hostsOrigin: "hf" }, "-n 5 is more than the 4 slots of hf: add slots, lower -n, or pass --oversubscribe"],
    ["localhost mixed with others", { hosts: parseHostList("localhost,b"), hostsOrigin: "--hosts" }, "--hosts mixes localhost with other hosts"],
    ["more than 8 images per core here", { images: 17, nodes: 2 }, "-n 17 is more than 8 images per core on this host's 2 cores (16): lower -n, spread the job over hosts, or pass --oversubscribe"],
    ["more images than memory here", { images: 16, nodes: 2, machine: { cores: 2, freeBytes: 100 * 2 ** 20 } }, "-n 16 needs about 0.2 GiB before the program allocates anything, and this host has 0.1 GiB available"],
  ];
  for (const [what, extra, message] of bad) {
    it(`error: ${what}`, () => {
      expect(() => planJob(request(extra))).toThrow(PlanError);
      expect(() => planJob(request(extra))).toThrow(message);
    });
  }

  it("across hosts: TLS material on stdin by default, PGASC_INSECURE with --insecure, the user's files as given", () => {
    const hosts = parseHostList("h1,h2");
    const secure = planJob(request({ hosts }));
    expect(secure.tlsOnStdin).toBe(true);
    for (const node of secure.nodes) expect(node.argv).toContain("PGASC_TLS_ON_STDIN=1");
    const insecure = planJob(request({ hosts, insecure: true }));
    expect(insecure.tlsOnStdin).toBe(false);
    for (const node of insecure.nodes) expect(node.argv).toContain("PGASC_INSECURE=1");
    const files = planJob(request({ hosts, tls: { cert: "/c", key: "/k", ca: "/a" } }));
    expect(files.tlsOnStdin).toBe(false);
    expect(files.nodes[0].argv).toContain("PGASC_TLS_CERT=/c");
    expect(files.nodes[0].argv.join(" ")).not.toMatch(/PGASC_TLS_ON_STDIN|PGASC_INSECURE/);
    // On one host: loopback, no TLS, no variable about it.
    const local = planJob(request({ nodes: 2, images: 2, insecure: true }));
    expect(local.tlsOnStdin).toBe(false);
    for (const node of local.nodes) expect(Object.keys(node.env).filter((k) => /TLS|INSECURE/.test(k))).toEqual([]);
  });

  it("--oversubscribe allows more images than slots", () => {
    expect(planJob(request({ images: 9, hosts: parseHostList("a:2,b:2"), oversubscribe: true })).images).toBe(9);
  });

  it("the per-core and memory bounds apply to this host only; --oversubscribe lifts them", () => {
    expect(planJob(request({ images: 16, nodes: 2 })).images).toBe(16);
    expect(planJob(request({ images: 1000, nodes: 4, oversubscribe: true })).images).toBe(1000);
    expect(planJob(request({ images: 64, hosts: parseHostList("a:32,b:32") })).images).toBe(64);
  });

  it("describes images", () => {
    expect(describeImages([3, 6])).toBe("images 3-5");
    expect(describeImages([3, 4])).toBe("image 3");
    expect(describeLost([3, 6])).toBe("images 3, 4, 5 lost");
    expect(describeLost([0, 1])).toBe("image 0 lost");
  });
});
