// What one image does for `checkpoint` and restart (LANGUAGE.md §7.3, docs/checkpoint.md), over
// the runtime that holds it (abi/runtime.ts delegates here). A checkpoint is coordinated at a
// consistent cut: a barrier completes every image's puts, every image writes its file, a barrier,
// each node's first image commits the manifest, a barrier (every node has committed), then the
// output held since the last checkpoint goes out and older checkpoints are removed. A restart
// agrees on the checkpoint to resume from (the lowest any node has committed), hands the program
// its variables, gives the allocations their saved extents and, at resumeAt, puts the parts'
// contents and the random state back. Consumes the settings, the image's Core and CheckpointOps;
// no I/O besides the checkpoint directory.

import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import type { AllocElem, CheckpointValue, ResumeState, TypedArray } from "../abi/abi.js";
import type { ProgramInfo } from "../abi/runtime-base.js";
import { AbortSignal, WaitKey, type Core } from "../core/core.js";
import { readImageHeader, readParts, writeImageFile, type ImageFileHeader, type OpenImageFile, type SavedAllocation } from "./image-file.js";
import {
  CHECKPOINT_FORMAT,
  checkpointFolder,
  commitManifest,
  imageFilePath,
  mismatch,
  printedMarkerPath,
  programHash,
  readManifest,
  removeOtherCheckpoints,
  type CheckpointSettings,
} from "./storage.js";

/** What the image checkpoint needs from the runtime of its image besides the Core. */
export interface CheckpointOps {
  /** A barrier of every image that first completes this image's puts; a message if it cannot complete. */
  barrier(): string | null;
  /** The least of `value` over every image (collective). */
  minOverImages(value: number): number;
  randomState(): number[];
  setRandomState(state: readonly number[]): void;
  /** Writes the output held since the last checkpoint. */
  flushOutput(): void;
  /** The output held since the last checkpoint (not written). */
  heldOutput(): string;
}

type Fail = (message: string) => never;

interface Allocation {
  spec: SavedAllocation;
  part: TypedArray;
}

export class ImageCheckpoint {
  /** The last checkpoint this image saw committed (0: none yet). */
  private lastSeq = 0;
  private readonly allocations: Allocation[] = [];
  /** Between resumeState and resumeAt of a restart: the file to resume from. */
  private resume: { path: string; file: OpenImageFile } | null = null;
  /** Test hook (docs/checkpoint.md): sleep this long before committing checkpoint pauseAt (0: every one). */
  private readonly pauseMs = Number(process.env.PGASC_TEST_CHECKPOINT_PAUSE_MS ?? 0) || 0;
  private readonly pauseAt = Number(process.env.PGASC_TEST_CHECKPOINT_PAUSE_AT ?? 0) || 0;

  private readonly rank: number;
  /** programHash() of the running program. */
  private readonly program: string;

  constructor(
    private readonly settings: CheckpointSettings,
    private readonly core: Core,
    private readonly info: ProgramInfo,
    private readonly ops: CheckpointOps,
  ) {
    this.rank = core.rank;
    this.program = programHash(info.sourceLines);
  }

  /** Ends the job (status 2) with one line: a restart that cannot go on, before the program did anything. */
  private refuse(message: string): never {
    if (this.core.beginAbort(2)) {
      this.core.writeErr(`pgasc: ${message}\n`, true);
      this.core.finishAbort();
    }
    throw new AbortSignal();
  }

  // --- restart ----------------------------------------------------------------------------------

  /** null on a fresh run; else the statement to resume at and its variables (collective when restarting). */
  resumeState(): ResumeState | null {
    if (this.settings.restart === "no") return null;
    const { dir } = this.settings;
    const mine = this.committedHere();
    // Nodes with a directory each may be one commit apart after a crash; every node still holds
    // the lower checkpoint's files (they are removed only once every node has committed).
    const agreed = this.ops.minOverImages("problem" in mine ? -1 : mine.seq);
    if (agreed < 0) {
      if ("problem" in mine) this.refuse(`cannot restart: ${mine.problem}`);
      // Another node's image refuses (it knows why): wait for its abort to unwind this image.
      this.core.waitUntil(WaitKey.ALLOC, () => false);
      throw new AbortSignal();
    }
    if (agreed === 0) {
      if (this.settings.restart === "yes") this.refuse(`cannot restart: no complete checkpoint in ${dir}: nothing to restart from (run without --restart first)`);
      return null;
    }
    const path = imageFilePath(dir, agreed, this.rank);
    let file: OpenImageFile;
    try {
      file = readImageHeader(path);
    } catch (e) {
      this.refuse(`cannot restart: ${(e as Error).message}`);
    }
    const h = file.header;
    if (h.program !== this.program || h.images !== this.core.size || h.image !== this.rank || h.seq !== agreed) {
      this.refuse(`cannot restart: ${path} does not belong to this checkpoint (program, image or sequence number differ)`);
    }
    this.resume = { path, file };
    this.lastSeq = agreed;
    return { checkpoint: h.checkpoint, vars: h.vars };
  }

  /** The checkpoint this node's directory says is complete (seq 0: none), or why it cannot be used. */
  private committedHere(): { seq: number } | { problem: string } {
    const read = readManifest(this.settings.dir);
    if ("missing" in read) return { seq: 0 };
    if ("problem" in read) return read;
    const wrong = mismatch(read.manifest, this.settings.dir, this.program, this.core.size);
    return wrong ? { problem: wrong } : { seq: read.manifest.seq };
  }

  /**
   * Before allocation k: on a restart, the extents it had when the checkpoint was taken (the
   * program's own expressions may read other values now); undefined when the program's own apply.
   */
  savedAllocation(kind: "coarray" | "shared", name: string, elem: AllocElem, fail: Fail): SavedAllocation | undefined {
    const saved = this.resume?.file.header.allocations[this.allocations.length];
    if (saved === undefined) return undefined;
    if (saved.kind !== kind || saved.name !== name || saved.elem !== elem) {
      fail(
        `restarting: allocation ${this.allocations.length + 1} of the checkpoint is '${saved.name}' (${saved.kind} of ${saved.elem}), ` +
          `but the program allocates '${name}' (${kind} of ${elem}) here`,
      );
    }
    return saved;
  }

  /** Every collective allocation, in order: its part is saved by each checkpoint. */
  allocated(kind: "coarray" | "shared", name: string, elem: AllocElem, dims: readonly number[], blockSize: number, part: TypedArray): void {
    this.allocations.push({ spec: { name, kind, elem, dims: [...dims], blockSize, bytes: part.byteLength }, part });
  }

  /** `checkpoint` number `id` reached again on a restart: the parts and the random state come back. */
  resumeAt(id: number, fail: Fail): void {
    const resume = this.resume;
    if (resume === null || resume.file.header.checkpoint !== id) fail(`internal error: resuming at checkpoint ${id}, which is not where this restart resumes`);
    const saved = resume.file.header.allocations;
    if (saved.length !== this.allocations.length) {
      fail(`restarting: the program made ${this.allocations.length} allocation(s) on its way to the checkpoint, which holds ${saved.length}`);
    }
    try {
      readParts(resume.path, resume.file, this.allocations.map((a) => a.part));
    } catch (e) {
      fail(`restarting: ${(e as Error).message}`);
    }
    this.ops.setRandomState(resume.file.header.random);
    // The lines held at that checkpoint, unless the interrupted run got to write them.
    const { seq, output } = resume.file.header;
    if (output && !existsSync(printedMarkerPath(this.settings.dir, seq, this.rank))) this.core.writeOut(output);
    markPrinted(this.settings.dir, seq, this.rank);
    this.resume = null;
    // Nobody touches another image's memory before every image has its contents back.
    const problem = this.ops.barrier();
    if (problem !== null) fail(`checkpoint: ${problem}`);
  }

  // --- taking a checkpoint ------------------------------------------------------------------------

  checkpoint(id: number, vars: Record<string, CheckpointValue>, fail: Fail): void {
    const { dir } = this.settings;
    const seq = this.lastSeq + 1;
    const sync = () => {
      const problem = this.ops.barrier();
      if (problem !== null) fail(`checkpoint: ${problem}`);
    };
    // The cut: every put of every image has landed, and nobody changes shared data again until
    // every image has saved (the second barrier).
    sync();
    const path = imageFilePath(dir, seq, this.rank);
    const header: ImageFileHeader = {
      format: CHECKPOINT_FORMAT,
      program: this.program,
      images: this.core.size,
      image: this.rank,
      seq,
      checkpoint: id,
      vars,
      random: this.ops.randomState(),
      allocations: this.allocations.map((a) => a.spec),
      output: this.ops.heldOutput(),
    };
    try {
      mkdirSync(checkpointFolder(dir, seq), { recursive: true });
      writeImageFile(path, header, this.allocations.map((a) => a.part));
    } catch (e) {
      fail(`checkpoint: cannot write ${path}: ${(e as Error).message}`);
    }
    sync();
    if (this.rank === this.core.nodeFirst) {
      if (this.pauseMs > 0 && (this.pauseAt === 0 || this.pauseAt === seq)) sleep(this.pauseMs);
      try {
        commitManifest(dir, { format: CHECKPOINT_FORMAT, program: this.program, sourceFile: this.info.sourceFile, images: this.core.size, seq, checkpoint: id }, this.core.nodeFirst);
      } catch (e) {
        fail(`checkpoint: cannot write the manifest in ${dir}: ${(e as Error).message}`);
      }
    }
    // Every node has committed: the output held until now can never be printed again by a
    // restart, and no node can need an older checkpoint.
    sync();
    this.lastSeq = seq;
    this.ops.flushOutput();
    // A job killed between the commit and these lines: the restart prints them (resumeAt).
    markPrinted(dir, seq, this.rank);
    if (this.rank === this.core.nodeFirst) removeOtherCheckpoints(dir, seq);
  }
}

/** After the lines: a process killed in between prints them twice, never loses them. */
function markPrinted(dir: string, seq: number, image: number): void {
  try {
    writeFileSync(printedMarkerPath(dir, seq, image), "");
  } catch {
    // the directory is gone (a fresh run discarded it): nothing to mark
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
