// Hung nodes: a node process stopped with SIGSTOP (its connections stay open, so nothing but
// silence shows it) is named by the others through the heartbeat and the job ends; a node stopped
// for a moment and continued is not taken for hung. Also PeerHeartbeat's rules on a fake clock.

import type { ChildProcess } from "node:child_process";
import { describe, expect, it } from "vitest";
import { PeerHeartbeat, type HeartbeatTiming } from "../../runtime/transport/grpc/heartbeat.js";
import { grpcFixture, lines, runNodes, waitForText } from "./harness.js";

/** SIGKILLs the stopped node once every other node has exited (a launcher's teardown would). */
function reapWhenOthersExit(children: ChildProcess[], stopped: number): void {
  const others = children.filter((_, i) => i !== stopped);
  void Promise.all(others.map((child) => (child.exitCode !== null ? null : new Promise((resolve) => child.once("exit", resolve))))).then(() =>
    children[stopped].kill("SIGKILL"),
  );
}

describe("a node stopped with SIGSTOP", () => {
  for (const [victim, message] of [
    [1, "pgasc: node 1 (images 2-3) stopped responding: no heartbeat for"],
    [0, "pgasc: node 0 (images 0-1) stopped responding: no heartbeat for"],
  ] as const) {
    it(`node ${victim} of 3: the others name it once and end the job`, { timeout: 300_000 }, async () => {
      const r = await runNodes(grpcFixture("busy.mjs"), 6, 3, {
        // the busy image computes for 400 s: only the heartbeat ends the job before the guard
        args: ["400", "announce"],
        timeoutSeconds: 450,
        killAfterMs: 200_000,
        onStarted: (children, _configs, stdoutPath) => {
          void waitForText(stdoutPath, "started").then(() => {
            children[victim].kill("SIGSTOP");
            reapWhenOthersExit(children, victim);
          });
        },
      });
      expect(r.timedOut).toBe(false);
      expect(r.statuses[victim]).toBe(null);
      expect(r.statuses.filter((_, i) => i !== victim)).toEqual([1, 1]);
      const said = lines(r.stderr);
      expect(said).toHaveLength(1);
      expect(said[0].startsWith(message)).toBe(true);
      expect(said[0]).toMatch(/no heartbeat for \d+\.\d s; ending the job$/);
      expect(lines(r.stdout)).toEqual(["started"]);
    });
  }

  it("for a moment, then continued: not taken for hung, the job ends normally", { timeout: 300_000 }, async () => {
    const r = await runNodes(grpcFixture("busy.mjs"), 6, 3, {
      args: ["6", "announce"],
      timeoutSeconds: 60,
      onStarted: (children, _configs, stdoutPath) => {
        void waitForText(stdoutPath, "started").then(() => {
          children[1].kill("SIGSTOP");
          setTimeout(() => children[1].kill("SIGCONT"), 1000);
        });
      },
    });
    expect(r.stderr).toBe("");
    expect(r.statuses).toEqual([0, 0, 0]);
    expect(lines(r.stdout)[0]).toBe("started");
    expect(lines(r.stdout)).toContain("busy image saw put yes");
  });
});

describe("PeerHeartbeat", () => {
  const timing: HeartbeatTiming = { intervalMs: 500, checkMs: 250, silenceMs: 3500, selfStallMs: 1000 };

  function setUp(linked: number[]) {
    let now = 0;
    const beats: number[] = [];
    const hung: [number, number][] = [];
    const heartbeat = new PeerHeartbeat(4, { watched: () => linked, beat: (node) => beats.push(node), hung: (node, ms) => hung.push([node, ms]) }, timing, () => now);
    /** Advances the clock in checks of `step` ms, judging after each as the event loop would. */
    const run = (ms: number, step = timing.checkMs) => {
      for (let t = 0; t < ms; t += step) {
        now += step;
        heartbeat.tick();
        heartbeat.judge();
      }
    };
    return { heartbeat, beats, hung, run, at: () => now };
  }

  it("names a silent peer once, after the silence limit; peers that speak are not named", () => {
    const { heartbeat, hung, beats, run } = setUp([1, 2]);
    heartbeat.heard(1);
    heartbeat.heard(2);
    for (let i = 0; i < 40; i++) {
      run(250);
      heartbeat.heard(2);
    }
    // Named at the first check after 3.5 s of silence, and only once in the 10 s.
    expect(hung).toEqual([[1, 3750]]);
    // A heartbeat to each linked peer every 0.5 s.
    expect(beats.filter((n) => n === 2).length).toBeGreaterThanOrEqual(20);
  });

  it("a peer never linked is not judged", () => {
    const { hung, run } = setUp([3]);
    run(10_000);
    expect(hung).toEqual([]);
  });

  it("after its own stall (a late check) it judges nobody and starts the clocks anew", () => {
    const { heartbeat, hung, run } = setUp([1]);
    heartbeat.heard(1);
    run(3000, 3000); // one check 3 s late: this process did not run
    expect(hung).toEqual([]);
    run(3000);
    expect(hung).toEqual([]);
    run(1000);
    expect(hung.map(([node]) => node)).toEqual([1]);
  });
});
