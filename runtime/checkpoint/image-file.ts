// One image's checkpoint file: a fixed prelude, a header serialised with node:v8 (the variables,
// typed arrays included, the random state and what each allocation was), then the raw bytes of
// every part this image holds, in allocation order. The parts are written straight from their
// SharedArrayBuffers and read straight back into them: no copy of the bulk of a checkpoint.
// Consumes the header and the parts; produces the file (storage.ts writeDurably) and reads it.

import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { deserialize, serialize } from "node:v8";
import type { AllocElem, CheckpointValue, TypedArray } from "../abi/abi.js";
import { CHECKPOINT_FORMAT, writeDurably } from "./storage.js";

/** "PGASCKPT", then the format and the header's length (u32 little-endian each). */
const MAGIC = Buffer.from("PGASCKPT", "latin1");
const PRELUDE_BYTES = 16;

/** What one allocation was when the checkpoint was taken (its extents win on a restart). */
export interface SavedAllocation {
  name: string;
  kind: "coarray" | "shared";
  elem: AllocElem;
  dims: number[];
  /** Shared arrays: the block size of the layout. */
  blockSize: number;
  /** Bytes of this image's part. */
  bytes: number;
}

export interface ImageFileHeader {
  format: number;
  program: string;
  images: number;
  image: number;
  seq: number;
  checkpoint: number;
  vars: Record<string, CheckpointValue>;
  random: number[];
  allocations: SavedAllocation[];
  /** The lines the image held when the checkpoint was taken: written once it is committed. */
  output?: string;
}

/** Writes the file durably; `parts[k]` is this image's part of allocation k. */
export function writeImageFile(path: string, header: ImageFileHeader, parts: readonly TypedArray[]): void {
  const head = serialize(header);
  const prelude = Buffer.alloc(PRELUDE_BYTES);
  MAGIC.copy(prelude, 0);
  prelude.writeUInt32LE(CHECKPOINT_FORMAT, 8);
  prelude.writeUInt32LE(head.length, 12);
  const bodies = parts.map((part) => new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
  writeDurably(path, [prelude, head, ...bodies]);
}

/** An open image file: its header, and where the parts' bytes start. */
export interface OpenImageFile {
  header: ImageFileHeader;
  dataOffset: number;
}

/** Reads the header of `path`; throws an Error whose message is one line for the user. */
export function readImageHeader(path: string): OpenImageFile {
  const fd = openFile(path);
  try {
    const size = fstatSync(fd).size;
    const prelude = Buffer.alloc(PRELUDE_BYTES);
    if (readSync(fd, prelude, 0, PRELUDE_BYTES, 0) !== PRELUDE_BYTES || !prelude.subarray(0, 8).equals(MAGIC)) {
      throw new Error(`${path} is not a pgasc checkpoint file`);
    }
    const format = prelude.readUInt32LE(8);
    if (format !== CHECKPOINT_FORMAT) throw new Error(`${path} has format ${format}; this pgasc reads format ${CHECKPOINT_FORMAT}`);
    const headLength = prelude.readUInt32LE(12);
    const head = Buffer.alloc(headLength);
    if (readSync(fd, head, 0, headLength, PRELUDE_BYTES) !== headLength) throw new Error(`${path} is damaged (cut short)`);
    const header = deserialize(head) as ImageFileHeader;
    const dataOffset = PRELUDE_BYTES + headLength;
    const expected = dataOffset + header.allocations.reduce((sum, a) => sum + a.bytes, 0);
    if (size !== expected) throw new Error(`${path} is damaged (${size} bytes, expected ${expected})`);
    return { header, dataOffset };
  } finally {
    closeSync(fd);
  }
}

/** Reads every part's bytes back into `parts` (this image's parts, in allocation order). */
export function readParts(path: string, file: OpenImageFile, parts: readonly TypedArray[]): void {
  const fd = openFile(path);
  try {
    let position = file.dataOffset;
    for (const part of parts) {
      const view = new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
      for (let done = 0; done < view.length; ) {
        const got = readSync(fd, view, done, Math.min(1 << 30, view.length - done), position + done);
        if (got === 0) throw new Error(`${path} is damaged (cut short)`);
        done += got;
      }
      position += view.length;
    }
  } finally {
    closeSync(fd);
  }
}

function openFile(path: string): number {
  try {
    return openSync(path, "r");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === "ENOENT" ? `${path} is missing: the checkpoint is incomplete` : `cannot read ${path}: ${(e as Error).message}`);
  }
}
