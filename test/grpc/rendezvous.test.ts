// The rendezvous through node 0, with two real gRPC transports in this process: a node other than
// node 0 binds its server only once node 0 listens. A local launcher picks the rendezvous port
// free and releases it for node 0; a node asking for any free port before node 0 had bound it
// could be given that very port, and the others' rendezvous then reached it ("not a rendezvous
// request for node 0", seen once in CI with 4 nodes).

import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { GrpcTransport } from "../../runtime/transport/grpc/grpc-transport.js";
import type { NodeConfig } from "../../runtime/node/node-config.js";
import type { TransportEvents } from "../../runtime/transport/transport.js";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}

const events: TransportEvents = { onFrame: () => {}, onPeerLost: () => {}, onPeerHung: () => {} };

describe("rendezvous", () => {
  it("a node binds its server only once node 0 listens on the rendezvous port", { timeout: 60_000 }, async () => {
    const port = await freePort();
    const base: Omit<NodeConfig, "nodeIndex"> = {
      nodeCount: 2,
      images: 2,
      rendezvous: { host: "127.0.0.1", port },
      listenHost: "127.0.0.1",
      listenPort: 0,
      advertiseHost: "127.0.0.1",
      token: "rendezvous-test-token-0123456789abcdef",
      program: "",
      args: [],
      label: false,
    };
    const node1 = new GrpcTransport({ ...base, nodeIndex: 1 }, events);
    const started1 = node1.start();
    // Whatever the wait, node 1 has no server while nothing answers on the rendezvous port.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(node1.port).toBe(0);
    const node0 = new GrpcTransport({ ...base, nodeIndex: 0 }, events);
    try {
      await Promise.all([node0.start(), started1]);
      expect(node0.port).toBe(port);
      expect(node1.port).toBeGreaterThan(0);
      expect(node1.port).not.toBe(port);
      expect(node0.isAlive(1) && node1.isAlive(0)).toBe(true);
    } finally {
      await Promise.all([node0.close(), node1.close()]);
    }
  });
});
