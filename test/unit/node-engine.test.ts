// The node engine (runtime/node) over the in-process transport (runtime/transport/in-process.ts):
// several engines in this process, no image threads. Checks the all-gather and the barrier
// between nodes, and one-sided put/get served by an engine's RMA server from its segments.

import { afterEach, describe, expect, it } from "vitest";
import { Ctl } from "../../runtime/core/core.js";
import { ctlIndex } from "../../runtime/core/control-block.js";
import { NodeEngine } from "../../runtime/node/engine.js";
import type { EngineOptions } from "../../runtime/node/engine-options.js";
import { InProcessHub } from "../../runtime/transport/in-process.js";
import type { Transport } from "../../runtime/transport/transport.js";
import { GatherKind, Op, OpWriter, parseFrame, type WireOp } from "../../runtime/transport/wire.js";

function options(nodeIndex: number, nodeCount: number, images: number): EngineOptions {
  return {
    nodeIndex,
    nodeCount,
    images,
    programUrl: "file:///nonexistent.mjs",
    args: [],
    label: false,
    stdoutFd: 1,
    stderrFd: 2,
    token: "",
    workerUrl: new URL("file:///nonexistent-worker.mjs"),
    launcherReadsStderr: false,
    watchStdin: false,
  };
}

const opened: Transport[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((t) => t.close()));
});

/** Engines for nodes `from`..nodeCount-1 of a hub; node indices below `from` are left to the test. */
function engines(hub: InProcessHub, images: number, from = 0): NodeEngine[] {
  const list: NodeEngine[] = [];
  for (let node = from; node < hub.nodeCount; node++) {
    const engine = new NodeEngine(options(node, hub.nodeCount, images), hub.factory(node));
    opened.push(engine.transport);
    list.push(engine);
  }
  return list;
}

/** Lets the event loop run `turns` times (the hub delivers frames on later turns). */
async function turns(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe("node engines over the in-process transport", () => {
  it("all-gather: every node ends with every node's block", async () => {
    const hub = new InProcessHub(3);
    const nodes = engines(hub, 6);
    await Promise.all(nodes.map((engine) => engine.transport.start()));
    const results = await Promise.all(
      nodes.map(
        (engine, k) =>
          new Promise<Map<number, Uint8Array>>((resolve) => engine.gather.start(GatherKind.BARRIER, 77, Uint8Array.from([k, 10 + k, 20 + k]), resolve)),
      ),
    );
    for (const blocks of results) {
      expect([...blocks.keys()].sort()).toEqual([0, 1, 2]);
      for (let k = 0; k < 3; k++) expect([...blocks.get(k)!]).toEqual([k, 10 + k, 20 + k]);
    }
  });

  it("barrier: no node passes until the last one arrives, then every node does", async () => {
    const hub = new InProcessHub(3);
    const nodes = engines(hub, 5);
    await Promise.all(nodes.map((engine) => engine.transport.start()));
    const generation = (engine: NodeEngine) => Atomics.load(engine.words, ctlIndex(5, engine.local.first, Ctl.BARRIER_GENERATION));
    nodes[0].barrier.start(null);
    nodes[2].barrier.start(null);
    await turns(20);
    expect(nodes.map(generation)).toEqual([0, 0, 0]);
    nodes[1].barrier.start(null);
    await turns(20);
    expect(nodes.map(generation)).toEqual([1, 1, 1]);
    expect(nodes.map((engine) => engine.barrier.completed)).toEqual([1, 1, 1]);
  });

  it("put and get: served from the target image's part, answered on the requesting link", async () => {
    const hub = new InProcessHub(2);
    const received: WireOp[] = [];
    const client = hub.factory(0)({
      onFrame: (frame) => received.push(...parseFrame(frame).ops),
      onPeerLost: () => {},
      onPeerHung: () => {},
    });
    opened.push(client);
    const [server] = engines(hub, 4, 1);
    await Promise.all([client.start(), server.transport.start()]);
    // Node 1 holds images 2 and 3; a segment of 4 floats each.
    const parts = [new SharedArrayBuffer(32), new SharedArrayBuffer(32)];
    const segment = server.segments.add("c", parts, new Map());
    const writer = new OpWriter();
    writer.putScalar(0, 8, segment, 3, 2, 6.5);
    writer.get(0, 7, 8, segment, 3, 2, 1);
    writer.get(1, 8, 8, segment, 3, 4, 1);
    expect(client.send(1, writer.take())).toBe(true);
    await turns(10);
    expect(new Float64Array(parts[1])[2]).toBe(6.5);
    const data = received.find((op) => op.op === Op.DATA);
    expect(data?.tag).toBe(7);
    expect(Buffer.from(data!.body).readDoubleLE(0)).toBe(6.5);
    const error = received.find((op) => op.op === Op.ERROR);
    expect(error?.requester).toBe(1);
    expect(error?.body.toString("utf8")).toContain("outside segment");
    const ack = received.find((op) => op.op === Op.PUT_ACK);
    expect(ack?.requester).toBe(0);
  });
});
