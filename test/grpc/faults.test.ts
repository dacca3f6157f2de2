// Faults of node processes: when a node is killed (SIGKILL) the others end the job,
// name the lost node and its images once, and exit with status 1; a node whose launcher went away
// (stdin EOF with PGASC_EXIT_ON_STDIN_EOF=1) exits by itself.

import { describe, expect, it } from "vitest";
import { grpcFixture, lines, runNodes, waitForText } from "./harness.js";

describe("lost nodes", () => {
  for (const victim of [1, 0]) {
    it(`node ${victim} killed: the job ends and names it`, { timeout: 300_000 }, async () => {
      const r = await runNodes(grpcFixture("busy.mjs"), 4, 2, {
        args: ["600", "announce"],
        killAfterMs: 200_000,
        timeoutSeconds: 400,
        onStarted: (children, _configs, stdoutPath) => {
          // Kill once the program runs (every stream is up), not during startup.
          void waitForText(stdoutPath, "started").then(() => {
            children[victim].kill("SIGKILL");
          });
        },
      });
      // The busy image computes for 600 s without calling the runtime: a job that ends before the
      // guard (200 s) ended because of the kill, not because the program was done.
      expect(r.timedOut).toBe(false);
      expect(r.statuses[victim]).toBe(null);
      expect(r.statuses[1 - victim]).toBe(1);
      const lost = victim === 1 ? "pgasc: lost node 1 (images 2-3)" : "pgasc: lost node 0 (images 0-1)";
      expect(lines(r.stderr)).toEqual([lost]);
      expect(lines(r.stdout)).toEqual(["started"]);
    });
  }
});

describe("lost launcher", () => {
  it("every node exits by itself when its stdin closes", { timeout: 300_000 }, async () => {
    const r = await runNodes(grpcFixture("busy.mjs"), 4, 2, {
      args: ["600", "announce"],
      killAfterMs: 200_000,
      timeoutSeconds: 400,
      env: { PGASC_EXIT_ON_STDIN_EOF: "1" },
      onStarted: (children, _configs, stdoutPath) => {
        void waitForText(stdoutPath, "started").then(() => {
          for (const child of children) child.stdin?.end();
        });
      },
    });
    expect(r.timedOut).toBe(false);
    expect(r.statuses).toEqual([1, 1]);
  });
});
