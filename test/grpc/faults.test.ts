// Faults of node processes: when a node is killed (SIGKILL) the others end the job within 5 s,
// name the lost node and its images once, and exit with status 1; a node whose launcher went away
// (stdin EOF with PGASC_EXIT_ON_STDIN_EOF=1) exits by itself.

import { describe, expect, it } from "vitest";
import { grpcFixture, lines, runNodes, waitForText } from "./harness.js";

describe("lost nodes", () => {
  for (const victim of [1, 0]) {
    it(`node ${victim} killed: the job ends and names it`, { timeout: 60_000 }, async () => {
      let killedAt = 0;
      const r = await runNodes(grpcFixture("busy.mjs"), 4, 2, {
        args: ["20", "announce"],
        killAfterMs: 30_000,
        onStarted: (children, _configs, stdoutPath) => {
          // Kill once the program runs (every stream is up), not during startup.
          void waitForText(stdoutPath, "started").then(() => {
            killedAt = performance.now();
            children[victim].kill("SIGKILL");
          });
        },
      });
      const endedAfter = (performance.now() - killedAt) / 1000;
      expect(r.timedOut).toBe(false);
      expect(endedAfter).toBeLessThan(5);
      expect(r.statuses[victim]).toBe(null);
      expect(r.statuses[1 - victim]).toBe(1);
      const lost = victim === 1 ? "pgasc: lost node 1 (images 2-3)" : "pgasc: lost node 0 (images 0-1)";
      expect(lines(r.stderr)).toEqual([lost]);
      expect(lines(r.stdout)).toEqual(["started"]);
    });
  }
});

describe("lost launcher", () => {
  it("every node exits by itself when its stdin closes", { timeout: 60_000 }, async () => {
    let closedAt = 0;
    const r = await runNodes(grpcFixture("busy.mjs"), 4, 2, {
      args: ["20", "announce"],
      killAfterMs: 30_000,
      env: { PGASC_EXIT_ON_STDIN_EOF: "1" },
      onStarted: (children, _configs, stdoutPath) => {
        void waitForText(stdoutPath, "started").then(() => {
          closedAt = performance.now();
          for (const child of children) child.stdin?.end();
        });
      },
    });
    expect(r.timedOut).toBe(false);
    expect((performance.now() - closedAt) / 1000).toBeLessThan(3);
    expect(r.statuses).toEqual([1, 1]);
  });
});
