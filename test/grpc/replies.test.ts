// Replies are tied to the peer that was asked: a client holding the job token sprays spoofed
// VALUE, DATA, ERROR and PUT_ACK frames at node 0's images while they get, add and put across
// nodes; every value stays right and the job ends normally. Also ReplyGuard's own rules.

import * as grpc from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { LINK_PATH, jobMetadata } from "../../runtime/transport/grpc/grpc-transport.js";
import { ReplyGuard } from "../../runtime/node/reply-guard.js";
import { NO_IMAGE, OpWriter, frameOf } from "../../runtime/transport/wire.js";
import { grpcFixture, lines, runNodes } from "./harness.js";

const TOKEN = "token-that-the-spoofer-also-holds";
const id = (b: Buffer) => b;

/** One frame of forged replies for `images`, tags [from, from + count). */
function spoofFrame(images: number[], from: number, count: number): Buffer {
  const w = new OpWriter(64 * 1024);
  for (let tag = from; tag < from + count; tag++) {
    for (const image of images) {
      w.value(image, tag, 424242);
      w.data(image, tag, Buffer.from([0x55, 0x55, 0x55, 0x55]));
      w.error(image, tag, "spoofed refusal");
      w.putAck(image, 1);
    }
  }
  w.value(NO_IMAGE, from, 1);
  w.error(NO_IMAGE, 0, "spoofed message for the log");
  return frameOf([w.take()]);
}

describe("spoofed replies from a client that holds the token", () => {
  it("are dropped: the job's values stay right and it ends normally", { timeout: 300_000 }, async () => {
    let frames = 0;
    let spraying: Promise<void> | undefined;
    let stop = false;
    const r = await runNodes(grpcFixture("verify.mjs"), 4, 2, {
      token: TOKEN,
      args: ["200"],
      timeoutSeconds: 60,
      onStarted: (children, configs) => {
        const client = new grpc.Client(`127.0.0.1:${configs[0].rendezvous.port}`, grpc.credentials.createInsecure());
        const done = Promise.all(children.map((child) => new Promise((resolve) => child.on("exit", resolve))));
        void done.then(() => (stop = true));
        spraying = (async () => {
          await new Promise<void>((resolve, reject) => client.waitForReady(Date.now() + 30_000, (e) => (e ? reject(e) : resolve())));
          const call = client.makeBidiStreamRequest(LINK_PATH, id, id, jobMetadata(TOKEN, "spoofer"), {});
          call.on("data", () => undefined);
          call.on("error", () => undefined);
          // Node 0 holds images 0 and 1; their request tags count up from 1, so future tags
          // sprayed now are the ones they will wait for next.
          for (let from = 1; !stop; from = from > 3000 ? 1 : from + 20) {
            call.write(spoofFrame([0, 1], from, 20));
            frames++;
            await new Promise((resolve) => setTimeout(resolve, 2));
          }
          call.end();
          client.close();
        })();
      },
    });
    await spraying;
    expect(frames).toBeGreaterThan(100);
    expect(r.statuses).toEqual([0, 0]);
    expect(lines(r.stdout).sort()).toEqual(["counter 800 of 800", "image 0 wrong 0", "image 1 wrong 0", "image 2 wrong 0", "image 3 wrong 0", "started"]);
    // Said once by the node that was sprayed; the forged log message never reaches stderr.
    expect(lines(r.stderr)).toEqual([
      expect.stringMatching(/^pgasc: node 0: warning: dropped a reply \(operation \d+\) for (image \d|this node) from a client that is not a node of this job/),
    ]);
  });
});

describe("ReplyGuard", () => {
  // Images 4 and 5 on this node, 3 nodes.
  const guard = () => new ReplyGuard(4, 2, 3);

  it("accepts a reply once, from the node asked, for the tag asked", () => {
    const g = guard();
    g.asked(4, 2, 17);
    expect(g.acceptReply(4, 17, 1)).toBe(-1); // another node of the job
    expect(g.acceptReply(4, 17, null)).toBe(-1); // a stream that is not a node
    expect(g.acceptReply(4, 16, 2)).toBe(-1); // an old tag
    expect(g.acceptReply(5, 17, 2)).toBe(-1); // another image
    expect(g.acceptReply(4, 17, 2)).toBe(0);
    expect(g.acceptReply(4, 17, 2)).toBe(-1); // a second time
    expect(g.refused).toBe(5);
    expect(g.layoutOf(4)).toBeNull();
  });

  it("a newer request replaces the older one", () => {
    const g = guard();
    g.asked(5, 0, 1);
    g.asked(5, 1, 2);
    expect(g.acceptReply(5, 1, 0)).toBe(-1);
    expect(g.acceptReply(5, 2, 1)).toBe(0);
  });

  it("a pipelined get's pieces: consecutive tags, in order, each once, then nothing", () => {
    const g = guard();
    // tags wrap from 2^31 - 1 to 1
    g.asked(4, 1, 0x7ffffffe, [100, 100, 50]);
    expect(g.layoutOf(4)).toEqual({ lengths: [100, 100, 50], offsets: [0, 100, 200], lastTag: 1 });
    expect(g.acceptReply(4, 0x7fffffff, 1)).toBe(-1); // out of order
    expect(g.acceptReply(4, 0x7ffffffe, 2)).toBe(-1); // another node
    expect(g.acceptReply(4, 0x7ffffffe, 1)).toBe(0);
    expect(g.acceptReply(4, 0x7ffffffe, 1)).toBe(-1); // again
    expect(g.acceptReply(4, 0x7fffffff, 1)).toBe(1);
    expect(g.acceptReply(4, 1, 1)).toBe(2);
    expect(g.acceptReply(4, 2, 1)).toBe(-1); // the get is complete
    g.asked(4, 1, 5, [10, 10]);
    expect(g.acceptReply(4, 5, 1)).toBe(0);
    g.forget(4); // its first piece failed: the rest is refused
    expect(g.acceptReply(4, 6, 1)).toBe(-1);
    g.asked(4, 1, 9);
    expect(g.layoutOf(4)).toBeNull(); // a plain request clears the layout
  });

  it("acknowledgements only for puts sent to that node and not yet acknowledged", () => {
    const g = guard();
    g.sentPuts(4, 1, 3);
    expect(g.acceptAck(4, 1, 2)).toBe(false); // nothing sent to node 2
    expect(g.acceptAck(4, 1, null)).toBe(false);
    expect(g.acceptAck(4, 4, 1)).toBe(false); // more than outstanding
    expect(g.acceptAck(4, 0, 1)).toBe(false);
    expect(g.acceptAck(4, 2, 1)).toBe(true);
    expect(g.acceptAck(4, 1, 1)).toBe(true);
    expect(g.acceptAck(4, 1, 1)).toBe(false); // all acknowledged
    expect(g.acceptAck(5, 1, 1)).toBe(false); // another image's puts
  });
});
