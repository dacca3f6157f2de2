// Node 0's view of an observed run: every node's block (its images' records and its clock offset)
// merged into the trace file's summary (per-line totals, per-image totals, the matrix, the
// collective synchronisations) on one time axis, node 0's clock. Consumes NodeBlocks and the
// program's sites and source; produces a TraceSummary (trace-format.ts). Pure.

import { nodeOfImage } from "../core/placement.js";
import { OP_KINDS } from "./op-kinds.js";
import { SY, type ImageRecord } from "./recorder.js";
import { TRACE_FORMAT_VERSION, type ImageTotals, type LineStat, type SyncInstance, type TraceSummary } from "./trace-format.js";

/** What one node contributes at the end of an observed run. */
export interface NodeBlock {
  node: number;
  /** Microseconds to add to this node's timestamps to put them on node 0's clock. */
  clockOffsetUs: number;
  records: ImageRecord[];
  /** This node's images whose records never arrived (ended by force). */
  missingImages: number[];
}

export interface RunInfo {
  program: string;
  source: readonly string[];
  sites: readonly (readonly number[])[];
  images: number;
  nodes: number;
  /** Why the data may be incomplete (a failed job, a node that sent nothing); empty when complete. */
  problems: string[];
}

/** The records of the run by image, each with its node's clock offset. */
export interface Aligned {
  records: (ImageRecord | undefined)[];
  offsets: number[];
  /** The time axis starts here (node 0's clock, microseconds). */
  originUs: number;
}

export function align(info: RunInfo, blocks: readonly NodeBlock[]): Aligned {
  const records: (ImageRecord | undefined)[] = new Array(info.images).fill(undefined);
  const offsets: number[] = new Array(info.nodes).fill(0);
  let originUs = Infinity;
  for (const block of blocks) {
    offsets[block.node] = block.clockOffsetUs;
    for (const record of block.records) {
      records[record.image] = record;
      originUs = Math.min(originUs, record.startUs + block.clockOffsetUs);
    }
  }
  return { records, offsets, originUs: Number.isFinite(originUs) ? originUs : 0 };
}

export function summarise(info: RunInfo, blocks: readonly NodeBlock[], aligned: Aligned): TraceSummary {
  const { records, offsets, originUs } = aligned;
  const imageNode = Array.from({ length: info.images }, (_, image) => nodeOfImage(info.images, info.nodes, image));
  const at = (image: number, us: number) => us + offsets[imageNode[image]!]! - originUs;
  const missing = [...info.problems];
  const reported = new Set(blocks.map((block) => block.node));
  for (let node = 0; node < info.nodes; node++) if (!reported.has(node)) missing.push(`node ${node} sent no data`);
  for (const block of blocks) if (block.missingImages.length > 0) missing.push(`image(s) ${block.missingImages.join(", ")} ended without sending their data`);

  const perImage: ImageTotals[] = [];
  const bytes: number[][] = [];
  const ops: number[][] = [];
  let endUs = 0;
  for (let image = 0; image < info.images; image++) {
    const record = records[image];
    bytes.push(record ? Array.from(record.matrixBytes) : new Array(info.images).fill(0));
    ops.push(record ? Array.from(record.matrixOps) : new Array(info.images).fill(0));
    if (!record) continue;
    const totalUs = record.endUs - record.startUs;
    endUs = Math.max(endUs, at(image, record.endUs));
    perImage.push({
      image,
      node: imageNode[image]!,
      totalUs,
      computeUs: Math.max(0, totalUs - record.communicateUs - record.waitUs),
      communicateUs: record.communicateUs,
      waitUs: record.waitUs,
    });
  }
  return {
    version: TRACE_FORMAT_VERSION,
    program: info.program,
    source: [...info.source],
    images: info.images,
    nodes: info.nodes,
    imageNode,
    complete: missing.length === 0,
    missing,
    dropped: records.map((record) => record?.dropped ?? 0),
    clockOffsetsUs: offsets,
    startUs: 0,
    endUs,
    perImage,
    lines: lineStats(info, records),
    matrix: { bytes, ops },
    syncs: syncInstances(info, records, at),
  };
}

function lineStats(info: RunInfo, records: readonly (ImageRecord | undefined)[]): LineStat[] {
  const byKey = new Map<number, LineStat>();
  const worst = new Map<number, Map<number, number>>();
  for (const record of records) {
    if (!record) continue;
    for (let i = 0; i < record.statSite.length; i++) {
      const site = record.statSite[i]!;
      const kind = record.statKind[i]!;
      const key = site * OP_KINDS.length + kind;
      let stat = byKey.get(key);
      if (!stat) {
        const position = info.sites[site] ?? [0, 0];
        const op = OP_KINDS[kind]!;
        stat = { line: position[0] ?? 0, col: position[1] ?? 0, op: op.name, category: op.category, ops: 0, bytes: 0, timeUs: 0, worstImage: record.image, worstTimeUs: 0 };
        byKey.set(key, stat);
        worst.set(key, new Map());
      }
      stat.ops += record.statOps[i]!;
      stat.bytes += record.statBytes[i]!;
      stat.timeUs += record.statTimeUs[i]!;
      const perImage = worst.get(key)!;
      perImage.set(record.image, (perImage.get(record.image) ?? 0) + record.statTimeUs[i]!);
    }
  }
  for (const [key, stat] of byKey) {
    for (const [image, timeUs] of worst.get(key)!) {
      if (timeUs > stat.worstTimeUs) {
        stat.worstTimeUs = timeUs;
        stat.worstImage = image;
      }
    }
  }
  return [...byKey.values()].sort((a, b) => b.timeUs - a.timeUs || b.ops - a.ops || a.line - b.line);
}

function syncInstances(info: RunInfo, records: readonly (ImageRecord | undefined)[], at: (image: number, us: number) => number): SyncInstance[] {
  let count = 0;
  for (const record of records) if (record) count = Math.max(count, record.syncCount);
  const syncs: SyncInstance[] = [];
  for (let index = 0; index < count; index++) {
    const instance: SyncInstance = { index, op: "", line: 0, arrivals: [], leaves: [] };
    for (let image = 0; image < info.images; image++) {
      const record = records[image];
      if (!record || index >= record.syncCount) {
        instance.arrivals.push(null);
        instance.leaves.push(null);
        continue;
      }
      const base = index * SY.SIZE;
      if (instance.op === "") {
        instance.op = OP_KINDS[record.syncs[base + SY.KIND]!]!.name;
        instance.line = info.sites[record.syncs[base + SY.SITE]!]?.[0] ?? 0;
      }
      instance.arrivals.push(at(image, record.syncs[base + SY.ARRIVAL]!));
      instance.leaves.push(at(image, record.syncs[base + SY.LEAVE]!));
    }
    syncs.push(instance);
  }
  return syncs;
}
