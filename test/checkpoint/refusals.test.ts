// What checkpoint and restart refuse, and what they do not restart (docs/checkpoint.md): --restart
// of another program, at another image count, without a (complete) checkpoint, of a program with
// no checkpoint statement: one line on stderr, status 2, nothing run; a program that allocates
// something else on its way to the checkpoint: a runtime error naming both; an `error stop` under
// --restart-on-failure ends the job with its status, not restarted.

import { cpSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliAvailable } from "../e2e/harness.js";
import { install, lines, run, workDir } from "./harness.js";

const dir = workDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const steps = install(dir, "steps");
const ARGS = ["12", "4"];
const ckpt = join(dir, "steps.ckpt");
let uninterrupted = "";

/** A refusal: status 2, nothing on stdout, exactly one line on stderr matching `pattern`. */
function expectRefusal(r: { status: number | null; stdout: string; stderr: string }, pattern: RegExp): void {
  expect({ status: r.status, stdout: r.stdout, lines: lines(r.stderr).length }, r.stderr).toEqual({ status: 2, stdout: "", lines: 1 });
  expect(r.stderr).toMatch(pattern);
}

describe.skipIf(!cliAvailable())("checkpoint refusals", () => {
  beforeAll(async () => {
    // The default directory: NAME.ckpt beside the program.
    const r = await run(steps, ["-n", "4"], ARGS);
    expect(r.status, r.stderr).toBe(0);
    uninterrupted = r.stdout;
  });

  it("another program (its source differs)", async () => {
    const other = install(dir, "steps", "other", (text) => text.replace('"for step in 0..steps {"', '"for step in 0..steps {  // changed"'));
    const r = await run(other, ["-n", "4", "--restart", "--checkpoint-dir", ckpt], ARGS);
    expectRefusal(r, /^pgasc: cannot restart: the checkpoint in \S+steps\.ckpt was taken by another program \(steps\.pgas, or an earlier version of it\)/);
  });

  it.each([
    [["-n", "3"], 3],
    [["-n", "6", "--nodes", "2"], 6],
  ])("another image count: %j", async (options, n) => {
    const r = await run(steps, [...options, "--restart"], ARGS);
    expectRefusal(r, new RegExp(`^pgasc: cannot restart: the checkpoint in \\S+steps\\.ckpt has 4 image\\(s\\), this run ${n}: restart with -n 4\\n$`));
  });

  it("no checkpoint: a directory that does not exist, an empty one, one whose checkpoint lost a file", async () => {
    const missing = await run(steps, ["-n", "4", "--restart", "--checkpoint-dir", join(dir, "nowhere")], ARGS);
    expectRefusal(missing, /^pgasc: cannot restart: \S+nowhere does not exist: nothing to restart from \(run without --restart first\)\n$/);
    mkdirSync(join(dir, "empty"));
    const empty = await run(steps, ["-n", "4", "--nodes", "2", "--restart", "--checkpoint-dir", join(dir, "empty")], ARGS);
    expectRefusal(empty, /^pgasc: cannot restart: no complete checkpoint in \S+empty: nothing to restart from/);
    const broken = join(dir, "broken");
    cpSync(ckpt, broken, { recursive: true });
    rmSync(join(broken, "ckpt-3", "image-2.bin"));
    const incomplete = await run(steps, ["-n", "4", "--restart", "--checkpoint-dir", broken], ARGS);
    expectRefusal(incomplete, /^pgasc: cannot restart: the checkpoint in \S+broken is incomplete: \S+ckpt-3\/image-2\.bin is missing\n$/);
  });

  it("a program without checkpoint statements", async () => {
    const plain = install(dir, "steps", "plain", (text) => text.replace("export const checkpoints = 1;", "export const checkpoints = 0;"));
    const r = await run(plain, ["-n", "4", "--restart"], ARGS);
    expectRefusal(r, /^pgasc: cannot restart: the program has no checkpoint statement/);
  });

  it("a restart that allocates something else on its way to the checkpoint: a runtime error naming both", async () => {
    // Same source lines (so the same program to the checkpoint), another first allocation.
    const renamed = install(dir, "steps", "steps", (text) => text.replace('rt.coarray("c", "float"', 'rt.coarray("d", "float"'));
    const r = await run(renamed, ["-n", "4", "--restart", "--checkpoint-dir", ckpt], ARGS);
    expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 1, stdout: "" });
    expect(r.stderr).toContain("runtime error: image ");
    expect(r.stderr).toContain("restarting: allocation 1 of the checkpoint is 'c' (coarray of float), but the program allocates 'd' (coarray of float) here");
    install(dir, "steps");
  });

  it("an error stop under --restart-on-failure ends the job with its status; it is not restarted", async () => {
    // The last image stops the job with `error stop 3` at step 5: checkpoint 1 was after step 3.
    const r = await run(steps, ["-n", "4", "--nodes", "2", "--restart-on-failure", "3", "--checkpoint-dir", join(dir, "stopped")], ["12", "4", "5"]);
    expect(r.status).toBe(3);
    expect(r.stderr).not.toContain("restarting");
    // Lines held since checkpoint 1 by the images the error stop ended are not printed.
    expect(r.stdout).toBe(lines(uninterrupted).slice(0, 4).join("\n") + "\n");
  });
});
