// Security of the node servers: calls without the job token or with a wrong one are refused with
// UNAUTHENTICATED; malformed or hostile requests from a client that has the token (truncated
// frames, unknown operations, huge sizes, out-of-range offsets, unknown segments, other nodes'
// images, job-control operations) get an error reply, never write outside an array, and the node
// keeps serving; TLS (throwaway CA from openssl) works and refuses plaintext clients.

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { afterAll, describe, expect, it } from "vitest";
import { LINK_PATH, REGISTER_PATH, jobMetadata } from "../../runtime/transport/grpc/grpc-transport.js";
import { Op, OpWriter, frameOf, parseFrame, type WireOp } from "../../runtime/transport/wire.js";
import type { NodeConfig } from "../../runtime/node/node-config.js";
import { grpcFixture, lines, runNodes, runtimeFixture } from "./harness.js";

const id = (b: Buffer) => b;
const TOKEN = "s3cret-token-for-this-test";

function waitReady(client: grpc.Client): Promise<void> {
  return new Promise((resolve, reject) => client.waitForReady(Date.now() + 20_000, (e) => (e ? reject(e) : resolve())));
}

/** Opens a Link stream and returns the status it ends with (or null if it stays open 30 s: a refusal comes at once). */
async function linkStatus(address: string, metadata: grpc.Metadata): Promise<number | null> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  try {
    await waitReady(client);
    const call = client.makeBidiStreamRequest(LINK_PATH, id, id, metadata, {});
    return await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), 30_000);
      call.on("error", (e: grpc.ServiceError) => {
        clearTimeout(timer);
        resolve(e.code);
      });
      call.on("data", () => undefined);
      call.write(frameOf([]));
    });
  } finally {
    client.close();
  }
}

async function registerStatus(address: string, metadata: grpc.Metadata): Promise<number> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  try {
    await waitReady(client);
    return await new Promise<number>((resolve) =>
      client.makeUnaryRequest(REGISTER_PATH, id, id, Buffer.alloc(8), metadata, { deadline: Date.now() + 5000 }, (e) =>
        resolve(e ? e.code : grpc.status.OK),
      ),
    );
  } finally {
    client.close();
  }
}

/** An authenticated client that is not a node: sends frames and reads the reply frame of each. */
class Prober {
  private readonly client: grpc.Client;
  private readonly call: grpc.ClientDuplexStream<Buffer, Buffer>;
  private readonly replies: Buffer[] = [];
  private waiter: (() => void) | null = null;

  constructor(address: string) {
    this.client = new grpc.Client(address, grpc.credentials.createInsecure());
    this.call = this.client.makeBidiStreamRequest(LINK_PATH, id, id, jobMetadata(TOKEN, "prober"), {});
    this.call.on("data", (frame: Buffer) => {
      this.replies.push(frame);
      this.waiter?.();
    });
    this.call.on("error", () => undefined);
  }

  async ask(frame: Buffer): Promise<WireOp[]> {
    this.call.write(frame);
    const deadline = Date.now() + 60_000; // generous: only a node that never answers reaches it
    while (this.replies.length === 0) {
      if (Date.now() > deadline) throw new Error("no reply within 60 s");
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, 100);
      });
    }
    return parseFrame(this.replies.shift()!).ops;
  }

  close(): void {
    this.call.end();
    this.client.close();
  }
}

const frame = (write: (w: OpWriter) => void) => {
  const w = new OpWriter();
  write(w);
  return frameOf([w.take()]);
};
const errorText = (ops: WireOp[]) => ops.filter((op) => op.op === Op.ERROR).map((op) => op.body.toString());

describe("tokens and malformed requests", () => {
  it("refuses calls without the token, survives hostile frames, keeps serving", { timeout: 300_000 }, async () => {
    const findings: Record<string, unknown> = {};
    let probing: Promise<void> | undefined;
    const run = runNodes(grpcFixture("serve.mjs"), 2, 2, {
      token: TOKEN,
      timeoutSeconds: 280,
      onStarted: (_children, configs: NodeConfig[]) => {
        const address = `127.0.0.1:${configs[0].rendezvous.port}`;
        probing = (async () => {
          findings.noToken = await linkStatus(address, new grpc.Metadata());
          findings.wrongToken = await linkStatus(address, jobMetadata("not-the-token", 1));
          findings.registerNoToken = await registerStatus(address, new grpc.Metadata());
          const prober = new Prober(address);
          try {
            // wait until the program has allocated c (segment 1) on image 0
            for (let i = 0; ; i++) {
              const ops = await prober.ask(frame((w) => w.get(0, 1, 4, 1, 0, 0, 1)));
              if (ops[0]?.op === Op.DATA) break;
              if (i > 1200) throw new Error(`segment never appeared: ${errorText(ops)}`);
              await new Promise((resolve) => setTimeout(resolve, 100));
            }
            const truncated = frame((w) => w.get(0, 2, 4, 1, 0, 0, 1)).subarray(0, 12);
            findings.truncated = errorText(await prober.ask(truncated));
            const unknown = frame((w) => w.get(0, 3, 4, 1, 0, 0, 1));
            unknown[4] = 99;
            findings.unknownOp = errorText(await prober.ask(unknown));
            findings.notAFrame = errorText(await prober.ask(Buffer.from("hello, node")));
            findings.hugeGet = errorText(await prober.ask(frame((w) => w.get(0, 4, 8, 1, 0, 0, 0x7fffffff))));
            findings.pastEnd = errorText(await prober.ask(frame((w) => w.put(0, 4, 1, 0, 8, new Uint8Array(12)))));
            findings.hugeOffset = errorText(await prober.ask(frame((w) => w.putScalar(0, 4, 1, 0, 0xfffffff0, 5))));
            findings.lyingCount = await (async () => {
              const f = frame((w) => w.put(0, 4, 1, 0, 0, new Uint8Array(4)));
              f.writeUInt32LE(1 << 30, 4 + 16 + 12); // count field of the put
              return errorText(await prober.ask(f));
            })();
            findings.negativeRect = errorText(
              await prober.ask(frame((w) => w.putRect(0, 4, 1, 0, { offset: -1, n0: 2, s0: 1, n1: 1, s1: 0 }, new Uint8Array(8)))),
            );
            findings.unknownSegment = errorText(await prober.ask(frame((w) => w.get(0, 5, 4, 999, 0, 0, 1))));
            findings.otherImage = errorText(await prober.ask(frame((w) => w.get(0, 6, 4, 1, 1, 0, 1))));
            findings.outOfRangeImage = errorText(await prober.ask(frame((w) => w.get(0, 7, 4, 1, 57, 0, 1))));
            findings.atomicPastEnd = errorText(await prober.ask(frame((w) => w.atomic(0, 8, 2, 1, 0, 10, 1, 0))));
            findings.controlWord = errorText(await prober.ask(frame((w) => w.ctl(0, 9, 2, 0, 100_000, 1, 0))));
            findings.abortFromStranger = errorText(await prober.ask(frame((w) => w.abort(9, -1))));
            // still serving: a valid get, then the put that lets image 0 go on
            const get = await prober.ask(frame((w) => w.get(0, 10, 4, 1, 0, 3, 1)));
            findings.stillServing = get[0]?.op === Op.DATA ? get[0].body.readInt32LE(0) : errorText(get);
            const ack = await prober.ask(frame((w) => w.putScalar(0, 4, 1, 0, 9, 1)));
            findings.ack = ack[0]?.op;
          } finally {
            prober.close();
          }
        })();
      },
    });
    const r = await run;
    await probing;
    expect(findings.noToken).toBe(grpc.status.UNAUTHENTICATED);
    expect(findings.wrongToken).toBe(grpc.status.UNAUTHENTICATED);
    expect(findings.registerNoToken).toBe(grpc.status.UNAUTHENTICATED);
    expect(findings.truncated).toEqual([expect.stringMatching(/^malformed frame: truncated/)]);
    expect(findings.unknownOp).toEqual(["malformed frame: unknown operation 99"]);
    expect(findings.notAFrame).toEqual(["malformed frame: not a pgasc frame"]);
    expect(findings.hugeGet).toEqual([expect.stringMatching(/outside segment 1 of image 0/)]);
    expect(findings.pastEnd).toEqual([expect.stringMatching(/outside segment 1 of image 0/)]);
    expect(findings.hugeOffset).toEqual([expect.stringMatching(/outside segment 1 of image 0/)]);
    expect(findings.lyingCount).toEqual(["malformed put"]);
    expect(findings.negativeRect).toEqual([expect.stringMatching(/section reaches element -1/)]);
    expect(findings.unknownSegment).toEqual(["unknown segment 999"]);
    expect(findings.otherImage).toEqual(["image 1 is not on node 0"]);
    expect(findings.outOfRangeImage).toEqual(["image 57 is not on node 0"]);
    expect(findings.atomicPastEnd).toEqual([expect.stringMatching(/atomic on word 10/)]);
    expect(findings.controlWord).toEqual(["no control word 100000"]);
    expect(findings.abortFromStranger).toEqual([expect.stringMatching(/only accepted from the job's nodes/)]);
    expect(findings.stillServing).toBe(3);
    expect(findings.ack).toBe(Op.PUT_ACK);
    expect(r.stderr).toBe("");
    expect(r.statuses).toEqual([0, 0]);
    expect(lines(r.stdout)).toEqual(["c 0,1,2,3,4,5,6,7,8,1 d 0,0,0,0,0,0,0,0,0,0"]);
  });
});

describe("TLS", () => {
  const dir = mkdtempSync(join(tmpdir(), "pgasc-tls-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const path = (name: string) => join(dir, name);

  it("runs a job over TLS with a throwaway CA and refuses plaintext clients", { timeout: 300_000 }, async (ctx) => {
    const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
    try {
      openssl("version");
    } catch {
      ctx.skip();
    }
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    openssl("req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=pgasc test CA");
    openssl("req", ...ec, "-keyout", "node.key", "-out", "node.csr", "-subj", "/CN=localhost");
    writeFileSync(path("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    openssl("x509", "-req", "-in", "node.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "node.pem", "-days", "1", "-extfile", "ext.cnf");
    const tls = { cert: path("node.pem"), key: path("node.key"), ca: path("ca.pem") };
    let plaintext: number | null | undefined;
    const r = await runNodes(runtimeFixture("rma.mjs"), 4, 2, {
      tls,
      token: TOKEN,
      onStarted: (_children, configs) => {
        void linkStatus(`127.0.0.1:${configs[0].rendezvous.port}`, jobMetadata(TOKEN, "x")).then(
          (status) => (plaintext = status),
          () => (plaintext = -1),
        );
      },
    });
    // Node warns (DEP0123) that TLS server names cannot be IP addresses; the certificate's IP SAN is still checked.
    expect(lines(r.stderr).filter((line) => !/DEP0123|trace-deprecation/.test(line))).toEqual([]);
    expect(r.statuses).toEqual([0, 0]);
    expect(lines(r.stdout).sort()).toEqual(["image 0: ok", "image 1: ok", "image 2: ok", "image 3: ok"]);
    // A plaintext client never gets a working stream from a TLS server.
    expect(plaintext).not.toBe(null);
    expect(plaintext).not.toBe(grpc.status.OK);
  });
});
