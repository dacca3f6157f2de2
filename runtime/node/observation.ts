// The node engine's part of an observed run (`pgasc run --profile` / `--trace`): collects the
// records its images send when they end, measures its clock against node 0's (clock-sync.ts),
// and at the end gathers every node's block to node 0, which writes the trace and the profile
// (observe/outputs.ts). A failed job writes what node 0 has, marked incomplete. Consumes image
// records and the engine's gather; produces the outputs on node 0.

import { deserialize, serialize } from "node:v8";
import type { ImageRecord } from "../observe/recorder.js";
import type { NodeBlock, RunInfo } from "../observe/merge.js";
import { writeOutputs, type ObserveOptions } from "../observe/outputs.js";
import type { Transport } from "../transport/transport.js";
import { GatherKind } from "../transport/wire.js";
import { ClockSync } from "./clock-sync.js";
import type { NodeGather } from "./gather.js";
import type { LocalImages } from "./local-images.js";

/** After the last image thread exited, how long its record may still take to arrive. */
const RECORD_GRACE_MS = 1000;

interface ProgramModule {
  sourceFile?: string;
  sourceLines?: string[];
  sites?: number[][];
}

export class NodeObservation {
  readonly clock: ClockSync;
  private readonly records = new Map<number, ImageRecord>();
  private state: "running" | "gathering" | "done" = "running";
  private onRecordsIn: (() => void) | null = null;

  constructor(
    private readonly opts: ObserveOptions,
    private readonly me: number,
    private readonly nodeCount: number,
    private readonly images: number,
    private readonly programUrl: string,
    private readonly local: LocalImages,
    private readonly gather: NodeGather,
    transport: Transport,
    private readonly writeErr: (text: string) => void,
  ) {
    this.clock = new ClockSync(me, transport);
  }

  get done(): boolean {
    return this.state === "done";
  }

  start(): void {
    void this.clock.measure();
  }

  onRecord(record: ImageRecord): void {
    this.records.set(record.image, record);
    if (this.records.size === this.local.count) this.onRecordsIn?.();
  }

  /** Every image ended (`status`: the job's, non-zero after an error stop): gathers to node 0, which writes; then `then`. */
  finish(then: () => void, status: number): void {
    if (this.state !== "running") return;
    this.state = "gathering";
    this.whenRecordsIn(() => {
      const block = this.block();
      const ended = status !== 0 ? [`the job ended with exit status ${status}`] : [];
      if (this.nodeCount === 1) return void this.write([block], ended).finally(() => this.end(then));
      this.gather.start(GatherKind.OBSERVED, 1, serialize(block), (blocks) => {
        if (this.me !== 0) return this.end(then);
        const all: NodeBlock[] = [];
        const problems: string[] = [];
        for (const [node, bytes] of blocks) {
          try {
            all.push(node === this.me ? block : (deserialize(bytes) as NodeBlock));
          } catch {
            problems.push(`node ${node}'s data could not be read`);
          }
        }
        void this.write(all, problems).finally(() => this.end(then));
      });
    });
  }

  /** The job failed: node 0 writes what it has (its own images), marked incomplete. */
  async writePartial(reason: string): Promise<void> {
    if (this.state === "done" || this.me !== 0) return;
    this.state = "done";
    await this.write([this.block()], [reason]);
  }

  private end(then: () => void): void {
    this.state = "done";
    then();
  }

  private whenRecordsIn(then: () => void): void {
    if (this.records.size === this.local.count) return then();
    const timer = setTimeout(() => {
      this.onRecordsIn = null;
      then();
    }, RECORD_GRACE_MS);
    this.onRecordsIn = () => {
      clearTimeout(timer);
      this.onRecordsIn = null;
      then();
    };
  }

  private block(): NodeBlock {
    this.clock.stop();
    const missingImages: number[] = [];
    for (let image = this.local.first; image < this.local.end; image++) if (!this.records.has(image)) missingImages.push(image);
    return { node: this.me, clockOffsetUs: this.clock.offsetUs, records: [...this.records.values()], missingImages };
  }

  private async write(blocks: NodeBlock[], problems: string[]): Promise<void> {
    let program: ProgramModule = {};
    try {
      program = (await import(this.programUrl)) as ProgramModule;
    } catch {
      problems.push("the program's source lines could not be read");
    }
    const info: RunInfo = {
      program: program.sourceFile ?? "program",
      source: program.sourceLines ?? [],
      sites: program.sites ?? [],
      images: this.images,
      nodes: this.nodeCount,
      problems,
    };
    writeOutputs(this.opts, info, blocks, this.writeErr);
  }
}
