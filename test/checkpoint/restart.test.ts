// Checkpoint and restart through the real `pgasc run` (LANGUAGE.md §7.3, docs/checkpoint.md), with
// test/fixtures/checkpoint/steps.mjs standing for a compiled program: an uninterrupted run; a
// node process killed after a checkpoint and the job restarted by --restart-on-failure; a killed
// job continued by --restart on another node split; a fresh run that never resumes from an
// earlier run's checkpoint. Every kill waits for the file the fixture writes at a known step (no
// sleeping), and every restarted job must print exactly what the uninterrupted run prints.

import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliAvailable } from "../e2e/harness.js";
import { install, lines, run, runAndKill, workDir } from "./harness.js";

const dir = workDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const steps = install(dir, "steps");
/** 12 steps, a checkpoint after every 4th: checkpoints 1, 2, 3 after steps 3, 7, 11. */
const ARGS = ["12", "4"];
const expected = new Map<number, string>();

/** The uninterrupted output at n images (one node). */
async function uninterrupted(n: number): Promise<string> {
  if (!expected.has(n)) {
    const r = await run(steps, ["-n", String(n), "--checkpoint-dir", join(dir, `plain-${n}`)], ARGS);
    expect(r.status, r.stderr).toBe(0);
    expected.set(n, r.stdout);
  }
  return expected.get(n)!;
}

const firstLines = (text: string, count: number) => lines(text).slice(0, count).join("\n") + "\n";

describe.skipIf(!cliAvailable())("checkpoint and restart", () => {
  beforeAll(async () => {
    await uninterrupted(4);
  });

  it("an uninterrupted run prints the same with checkpoints as without, on one node and over nodes, and keeps only the last checkpoint", async () => {
    const output = await uninterrupted(4);
    expect(lines(output)).toHaveLength(13);
    expect(lines(output).at(-1)).toBe("done 12");
    const none = await run(steps, ["-n", "4", "--checkpoint-dir", join(dir, "none")], ["12", "1000"]);
    const nodes = await run(steps, ["-n", "4", "--nodes", "2", "--checkpoint-dir", join(dir, "nodes")], ARGS);
    expect({ status: none.status, stdout: none.stdout }).toEqual({ status: 0, stdout: output });
    expect({ status: nodes.status, stdout: nodes.stdout, stderr: nodes.stderr }).toEqual({ status: 0, stdout: output, stderr: "" });
    // A run that reached no checkpoint statement wrote nothing.
    expect(existsSync(join(dir, "none"))).toBe(false);
    const kept = join(dir, "plain-4");
    expect(readdirSync(kept).sort()).toEqual(["ckpt-3", "manifest.json"]);
    // each image's file, and its mark that it wrote the lines it held (a restart prints them otherwise)
    expect(readdirSync(join(kept, "ckpt-3")).sort()).toEqual([0, 1, 2, 3].flatMap((i) => [`image-${i}.bin`, `image-${i}.printed`]));
    expect(JSON.parse(readFileSync(join(kept, "manifest.json"), "utf8"))).toMatchObject({ format: 1, images: 4, seq: 3, checkpoint: 0, sourceFile: "steps.pgas" });
  });

  // -n 7 --nodes 3 too in test/e2e/checkpoint.test.ts, with the compiled heat equation killed at a random moment
  it.each([[4, 2]])("-n %i --nodes %i: the last node killed after checkpoint 1, --restart-on-failure 3 prints exactly the uninterrupted output", async (n, k) => {
    const want = await uninterrupted(n);
    const ckpt = join(dir, `fail-${n}-${k}`);
    const r = await runAndKill(steps, ["-n", String(n), "--nodes", String(k), "--checkpoint-dir", ckpt, "--restart-on-failure", "3"], ARGS, join(dir, `marker-${n}-${k}`), 6);
    expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 0, stdout: want });
    expect(r.stderr).toContain(`pgasc: node ${k - 1} lost (killed by SIGKILL); restarting from checkpoint 1 (attempt 1 of 3)\n`);
    expect(r.stderr.match(/restarting/g)).toHaveLength(1);
  });

  it("one node: the job's process killed, --restart-on-failure 1 prints exactly the uninterrupted output", async () => {
    const r = await runAndKill(steps, ["-n", "4", "--checkpoint-dir", join(dir, "fail-1"), "--restart-on-failure", "1"], ARGS, join(dir, "marker-1"), 9);
    expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 0, stdout: await uninterrupted(4) });
    expect(r.stderr).toContain("pgasc: the job's process lost (killed by SIGKILL); restarting from checkpoint 2 (attempt 1 of 1)\n");
  });

  it("--restart after a killed run continues on another node split (and keeps the saved extents whatever the arguments say)", async () => {
    const want = await uninterrupted(4);
    const ckpt = join(dir, "again");
    // Killed at step 10: checkpoint 2 (after step 7) is the last complete one, steps 8-9 were held.
    const first = await runAndKill(steps, ["-n", "4", "--nodes", "2", "--checkpoint-dir", ckpt], ARGS, join(dir, "marker-again"), 10);
    expect({ status: first.status, stdout: first.stdout }).toEqual({ status: 1, stdout: firstLines(want, 8) });
    // Another split and a coarray width of 5 in the arguments: the checkpoint's 8 holds.
    const onOne = await run(steps, ["-n", "4", "--restart", "--checkpoint-dir", ckpt], ["12", "4", "-1", "5"]);
    expect({ status: onOne.status, stderr: onOne.stderr }).toEqual({ status: 0, stderr: "" });
    expect(first.stdout + onOne.stdout).toBe(want);
  });

  it("--restart of a one-node checkpoint over 4 node processes", async () => {
    const want = await uninterrupted(4);
    const ckpt = join(dir, "spread");
    const first = await runAndKill(steps, ["-n", "4", "--checkpoint-dir", ckpt], ARGS, join(dir, "marker-spread"), 5);
    expect({ status: first.status, stdout: first.stdout }).toEqual({ status: 1, stdout: firstLines(want, 4) });
    const spread = await run(steps, ["-n", "4", "--nodes", "4", "--restart", "--checkpoint-dir", ckpt], ARGS);
    expect({ status: spread.status, stderr: spread.stderr }).toEqual({ status: 0, stderr: "" });
    expect(first.stdout + spread.stdout).toBe(want);
  });

  it("a fresh run killed before its first checkpoint restarts from the beginning, not from an earlier run's checkpoint", async () => {
    const ckpt = join(dir, "plain-4"); // holds checkpoint 3 of the run above
    const r = await runAndKill(steps, ["-n", "4", "--checkpoint-dir", ckpt, "--restart-on-failure", "2"], ARGS, join(dir, "marker-fresh"), 2);
    expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 0, stdout: await uninterrupted(4) });
    expect(r.stderr).toContain("pgasc: the job's process lost (killed by SIGKILL); restarting from the beginning (attempt 1 of 2)\n");
  });
});
