// A crash while a checkpoint is being written must leave the previous one usable (docs/checkpoint.md):
// the job is killed with SIGKILL (its whole process group) inside the window between every
// image's file of checkpoint 2 being on disk and the manifest naming it, held open by the
// test-only PGASC_TEST_CHECKPOINT_PAUSE_MS. The test sees the window from the files themselves,
// then restarts: the job resumes from checkpoint 1 and the two runs together print exactly the
// uninterrupted output.

import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cliAvailable } from "../e2e/harness.js";
import { install, lines, run, start, workDir } from "./harness.js";

const dir = workDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const steps = install(dir, "steps");
const ARGS = ["12", "4"];

/** True once every image's file of checkpoint `seq` is in place while the manifest still names an earlier one. */
function inCommitWindow(ckpt: string, seq: number, images: number): boolean {
  const folder = join(ckpt, `ckpt-${seq}`);
  if (!existsSync(folder)) return false;
  const files = readdirSync(folder).filter((f) => /^image-\d+\.bin$/.test(f));
  if (files.length !== images) return false;
  return (JSON.parse(readFileSync(join(ckpt, "manifest.json"), "utf8")) as { seq: number }).seq === seq - 1;
}

describe.skipIf(!cliAvailable())("a crash while writing a checkpoint", () => {
  it("killed between the image files and the manifest of checkpoint 2: --restart resumes from checkpoint 1", async () => {
    const want = await run(steps, ["-n", "4", "--checkpoint-dir", join(dir, "plain")], ARGS);
    expect(want.status).toBe(0);
    const ckpt = join(dir, "crash");
    const started = await start(steps, ["-n", "4", "--checkpoint-dir", ckpt], ARGS, {
      PGASC_TEST_CHECKPOINT_PAUSE_MS: "600000",
      PGASC_TEST_CHECKPOINT_PAUSE_AT: "2",
    });
    while (!inCommitWindow(ckpt, 2, 4)) {
      if (started.ended()) throw new Error(`the run ended before checkpoint 2 was written:\n${(await started.result).stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    process.kill(-started.group, "SIGKILL");
    const first = await started.result;
    expect(first.signal).toBe("SIGKILL");
    // Checkpoint 1 is what the manifest names, and its files are all there.
    // each image's file, and its mark that it wrote the lines it held (a restart prints them otherwise)
    expect(readdirSync(join(ckpt, "ckpt-1")).sort()).toEqual([0, 1, 2, 3].flatMap((i) => [`image-${i}.bin`, `image-${i}.printed`]));
    expect(first.stdout).toBe(lines(want.stdout).slice(0, 4).join("\n") + "\n");
    const again = await run(steps, ["-n", "4", "--nodes", "2", "--restart", "--checkpoint-dir", ckpt], ARGS);
    expect({ status: again.status, stderr: again.stderr }).toEqual({ status: 0, stderr: "" });
    expect(first.stdout + again.stdout).toBe(want.stdout);
    // The restarted job's checkpoints replaced the crashed one's remains.
    expect(readdirSync(ckpt).sort()).toEqual(["ckpt-3", "manifest.json"]);
  });
});
