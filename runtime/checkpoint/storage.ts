// The checkpoint directory (LANGUAGE.md §7.3, docs/checkpoint.md): where each checkpoint's files
// go, the manifest that says which checkpoint is complete, durable writes (temporary name, fsync,
// rename, fsync of the directory), the program hash, and the checks `--restart` makes before a
// job starts. Consumes paths and the compiled module's source lines; used by the images
// (image-checkpoint.ts), the node engine and the launcher. No state.
//
//   DIR/manifest.json            the last complete checkpoint (renamed into place once every
//                                image's file of it is on disk)
//   DIR/ckpt-<seq>/image-<i>.bin one file per image (image-file.ts); the previous ckpt-<seq-1>
//                                is removed only after the manifest names <seq>

import { createHash } from "node:crypto";
import { closeSync, fsyncSync, openSync, readFileSync, readdirSync, renameSync, rmSync, unlinkSync, writeSync, existsSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";

/** The format of the manifest and the image files; another value is refused, never guessed at. */
export const CHECKPOINT_FORMAT = 1;

/**
 * What a run does with the checkpoint directory: "no" starts afresh (and discards the manifest of
 * an earlier run), "yes" restarts from the last complete checkpoint and refuses to run without
 * one, "auto" restarts when there is one and starts afresh otherwise (`--restart-on-failure`).
 */
export type RestartMode = "no" | "yes" | "auto";

export interface CheckpointSettings {
  /** Absolute path of the checkpoint directory. */
  dir: string;
  restart: RestartMode;
}

export interface Manifest {
  format: number;
  /** programHash() of the program that wrote it. */
  program: string;
  sourceFile: string;
  images: number;
  /** The checkpoint's sequence number: 1 for the first a run takes, counting on across restarts. */
  seq: number;
  /** The `checkpoint` statement (0, 1, ... in source order) it was taken at. */
  checkpoint: number;
}

/** The identity of a program for restarts: its source text, as the compiled module carries it. */
export function programHash(sourceLines: readonly string[]): string {
  return createHash("sha256").update(JSON.stringify(sourceLines)).digest("hex");
}

/** `NAME.ckpt` beside the file NAME.EXT (the .pgas program, or the compiled module for `pgasc node`). */
export function defaultCheckpointDir(file: string): string {
  return join(dirname(file), `${basename(file, extname(file))}.ckpt`);
}

export const manifestPath = (dir: string) => join(dir, "manifest.json");
export const checkpointFolder = (dir: string, seq: number) => join(dir, `ckpt-${seq}`);
export const imageFilePath = (dir: string, seq: number, image: number) => join(checkpointFolder(dir, seq), `image-${image}.bin`);
/** Exists once `image` has written the output it held at checkpoint `seq` (image-checkpoint.ts). */
export const printedMarkerPath = (dir: string, seq: number, image: number) => join(checkpointFolder(dir, seq), `image-${image}.printed`);

/** The manifest, or why there is none usable (missing, unreadable, damaged, another format). */
export function readManifest(dir: string): { manifest: Manifest } | { missing: true } | { problem: string } {
  const path = manifestPath(dir);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT" || (e as NodeJS.ErrnoException).code === "ENOTDIR") return { missing: true };
    return { problem: `cannot read ${path}: ${(e as Error).message}` };
  }
  let value: Partial<Manifest>;
  try {
    value = JSON.parse(text) as Partial<Manifest>;
  } catch {
    return { problem: `${path} is damaged (not JSON)` };
  }
  if (value.format !== CHECKPOINT_FORMAT) return { problem: `${path} has format ${String(value.format)}; this pgasc reads format ${CHECKPOINT_FORMAT}` };
  const whole = (n: unknown, least: number) => typeof n === "number" && Number.isInteger(n) && n >= least;
  if (typeof value.program !== "string" || !whole(value.images, 1) || !whole(value.seq, 1) || !whole(value.checkpoint, 0)) {
    return { problem: `${path} is damaged (fields missing)` };
  }
  return { manifest: value as Manifest };
}

/** Why `manifest` cannot restart this program at this image count, or undefined when it can. */
export function mismatch(manifest: Manifest, dir: string, program: string, images: number): string | undefined {
  if (manifest.program !== program) {
    return `the checkpoint in ${dir} was taken by another program (${manifest.sourceFile}, or an earlier version of it): restart needs the same source`;
  }
  if (manifest.images !== images) {
    return `the checkpoint in ${dir} has ${manifest.images} image(s), this run ${images}: restart with -n ${manifest.images}`;
  }
  return undefined;
}

/**
 * The launcher's check before `--restart` starts anything: the manifest, the program, the image
 * count and (with `imageFiles`, when the directory holds every image's file) the files of the
 * checkpoint it names. Gives the manifest, or one line saying why not.
 */
export function checkRestart(dir: string, program: string, images: number, imageFiles: boolean): { manifest: Manifest } | { problem: string } {
  const read = readManifest(dir);
  if ("missing" in read) {
    const what = existsSync(dir) ? `no complete checkpoint in ${dir}` : `${dir} does not exist`;
    return { problem: `${what}: nothing to restart from (run without --restart first)` };
  }
  if ("problem" in read) return read;
  const wrong = mismatch(read.manifest, dir, program, images);
  if (wrong) return { problem: wrong };
  if (imageFiles) {
    for (let image = 0; image < images; image++) {
      const path = imageFilePath(dir, read.manifest.seq, image);
      if (!existsSync(path)) return { problem: `the checkpoint in ${dir} is incomplete: ${path} is missing` };
    }
  }
  return read;
}

/** A fresh run: the manifest of an earlier run must not pass for one of this run (restart-on-failure). */
export function discardManifest(dir: string): void {
  try {
    unlinkSync(manifestPath(dir));
  } catch {
    // none there (the usual case), or not ours to remove: the first checkpoint replaces it
  }
}

/** Writes `chunks` to `path` durably: a temporary name, fsync, rename, fsync of the directory. */
export function writeDurably(path: string, chunks: readonly Uint8Array[], temporary = `${path}.tmp`): void {
  const fd = openSync(temporary, "w");
  try {
    for (const chunk of chunks) writeAll(fd, chunk);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  syncDirectory(dirname(path));
}

/** writeSync until every byte is out (large writes may be partial). */
function writeAll(fd: number, bytes: Uint8Array): void {
  // Writes of more than 2 GiB fail outright on Linux: at most 1 GiB a call.
  const most = 1 << 30;
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, Math.min(most, bytes.length - done));
}

/** The rename itself is durable only once the directory is. */
export function syncDirectory(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Commits checkpoint `manifest.seq`; `writer` makes the temporary name unique per node (a shared file system). */
export function commitManifest(dir: string, manifest: Manifest, writer: number): void {
  const text = Buffer.from(JSON.stringify(manifest, null, 2) + "\n", "utf8");
  writeDurably(manifestPath(dir), [text], `${manifestPath(dir)}.${writer}.tmp`);
}

/** Removes every checkpoint folder but `keep` (older ones, and the remains of a crashed run). */
export function removeOtherCheckpoints(dir: string, keep: number): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    const match = /^ckpt-(\d+)$/.exec(entry);
    if (!match || Number(match[1]) === keep) continue;
    try {
      rmSync(join(dir, entry), { recursive: true, force: true });
    } catch {
      // another node of a shared file system is removing it too: left for the next checkpoint
    }
  }
}
