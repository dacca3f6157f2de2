// The pieces of checkpoint and restart that need no job (docs/checkpoint.md): an image file read
// back into shared memory and refused when damaged, the manifest and the --restart checks, the
// random generator's state, the PGASC_CHECKPOINT_DIR / PGASC_RESTART contract of `pgasc node`.

import { mkdirSync, mkdtempSync, readdirSync, truncateSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readImageHeader, readParts, writeImageFile, type ImageFileHeader } from "../../runtime/checkpoint/image-file.js";
import { checkRestart, commitManifest, defaultCheckpointDir, imageFilePath, programHash, readManifest, removeOtherCheckpoints } from "../../runtime/checkpoint/storage.js";
import { Xoshiro128 } from "../../runtime/support/random.js";
import { environmentForNode, nodeConfigFromEnvironment } from "../../runtime/launcher/bootstrap.js";

const dir = mkdtempSync(join(tmpdir(), "pgasc-ckpt-unit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function header(allocations: ImageFileHeader["allocations"]): ImageFileHeader {
  const vars = { step: 7, ok: true, tag: "after 6", hist: new Float64Array([0.5, 1.5]), ids: new Int32Array([3, -4]) };
  return { format: 1, program: "p", images: 2, image: 1, seq: 3, checkpoint: 0, vars, random: [1, -2, 3, -4], allocations };
}

describe("an image's checkpoint file", () => {
  it("round-trips the variables, and the parts go back into shared memory", () => {
    const a = new Float64Array(new SharedArrayBuffer(8 * 1000)).map((_, i) => i * 0.25);
    const b = new Int32Array(new SharedArrayBuffer(4 * 3)).fill(-7);
    const path = join(dir, "image-1.bin");
    const allocations = [
      { name: "a", kind: "coarray" as const, elem: "float" as const, dims: [1000], blockSize: 1, bytes: a.byteLength },
      { name: "b", kind: "shared" as const, elem: "int" as const, dims: [6], blockSize: 3, bytes: b.byteLength },
    ];
    writeImageFile(path, header(allocations), [a, b]);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    const file = readImageHeader(path);
    expect(file.header.vars).toEqual(header(allocations).vars);
    expect(file.header.vars.hist).toBeInstanceOf(Float64Array);
    expect(file.header.allocations).toEqual(allocations);
    const a2 = new Float64Array(new SharedArrayBuffer(8 * 1000));
    const b2 = new Int32Array(new SharedArrayBuffer(4 * 3));
    readParts(path, file, [a2, b2]);
    expect([Array.from(a2), Array.from(b2)]).toEqual([Array.from(a), Array.from(b)]);
    truncateSync(path, 100);
    expect(() => readImageHeader(path)).toThrow(/is damaged/);
    writeFileSync(path, "not a checkpoint at all");
    expect(() => readImageHeader(path)).toThrow(/is not a pgasc checkpoint file/);
    expect(() => readImageHeader(join(dir, "nothing.bin"))).toThrow(/nothing\.bin is missing: the checkpoint is incomplete/);
  });
});

describe("the manifest and --restart", () => {
  it("names the last complete checkpoint; --restart checks program, images and files", () => {
    const ckpt = join(dir, "job.ckpt");
    const program = programHash(["print(1)"]);
    expect(checkRestart(ckpt, program, 2, true)).toEqual({ problem: `${ckpt} does not exist: nothing to restart from (run without --restart first)` });
    mkdirSync(join(ckpt, "ckpt-1"), { recursive: true });
    mkdirSync(join(ckpt, "ckpt-2"), { recursive: true });
    commitManifest(ckpt, { format: 1, program, sourceFile: "job.pgas", images: 2, seq: 2, checkpoint: 1 }, 0);
    expect(readManifest(ckpt)).toEqual({ manifest: { format: 1, program, sourceFile: "job.pgas", images: 2, seq: 2, checkpoint: 1 } });
    expect(checkRestart(ckpt, programHash(["print(2)"]), 2, true)).toMatchObject({ problem: expect.stringMatching(/was taken by another program \(job\.pgas/) });
    expect(checkRestart(ckpt, program, 3, true)).toEqual({ problem: `the checkpoint in ${ckpt} has 2 image(s), this run 3: restart with -n 2` });
    expect(checkRestart(ckpt, program, 2, true)).toEqual({ problem: `the checkpoint in ${ckpt} is incomplete: ${imageFilePath(ckpt, 2, 0)} is missing` });
    expect(checkRestart(ckpt, program, 2, false)).toMatchObject({ manifest: { seq: 2 } });
    removeOtherCheckpoints(ckpt, 2);
    expect(readdirSync(ckpt).sort()).toEqual(["ckpt-2", "manifest.json"]);
    writeFileSync(join(ckpt, "manifest.json"), "{");
    expect(readManifest(ckpt)).toEqual({ problem: `${join(ckpt, "manifest.json")} is damaged (not JSON)` });
    expect(defaultCheckpointDir("/w/heat.pgas")).toBe("/w/heat.ckpt");
  });
});

describe("the random generator's state", () => {
  it("continues the same stream once put back", () => {
    const rng = new Xoshiro128(42, 3);
    rng.nextDouble();
    const state = rng.state();
    const next = [rng.nextDouble(), rng.nextDouble()];
    const other = new Xoshiro128(0, 0);
    other.setState(state);
    expect([other.nextDouble(), other.nextDouble()]).toEqual(next);
  });
});

describe("PGASC_CHECKPOINT_DIR and PGASC_RESTART", () => {
  const base = { PGASC_NODE_INDEX: "1", PGASC_NODE_COUNT: "2", PGASC_IMAGES: "4", PGASC_RENDEZVOUS: "127.0.0.1:4000", PGASC_JOB_TOKEN: "t", PGASC_PROGRAM: "/w/build/heat.mjs" };
  const facts = { hostname: "h" };

  it("reach the node's configuration and come back out of environmentForNode", () => {
    expect(nodeConfigFromEnvironment(base, {}, facts).checkpoint).toBeUndefined();
    const config = nodeConfigFromEnvironment({ ...base, PGASC_CHECKPOINT_DIR: "/w/c", PGASC_RESTART: "1" }, {}, facts);
    expect(config.checkpoint).toEqual({ dir: "/w/c", restart: "yes" });
    expect(environmentForNode(config, { withToken: false })).toMatchObject({ PGASC_CHECKPOINT_DIR: "/w/c", PGASC_RESTART: "1" });
    const auto = nodeConfigFromEnvironment({ ...base, PGASC_RESTART: "auto" }, {}, facts);
    expect(auto.checkpoint).toEqual({ dir: "/w/build/heat.ckpt", restart: "auto" });
    expect(environmentForNode(auto, { withToken: false })).toMatchObject({ PGASC_RESTART: "auto" });
    expect(() => nodeConfigFromEnvironment({ ...base, PGASC_RESTART: "maybe" }, {}, facts)).toThrow("PGASC_RESTART=maybe: expected 1 (restart from the last checkpoint), auto or 0");
  });
});
