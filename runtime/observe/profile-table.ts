// The table `pgasc run --profile` prints on stderr at the end of a run: every source line that
// communicated or synchronised (operations, bytes, time, the image that spent the most there),
// sorted by time, then each image's time computing, communicating and waiting. Consumes a
// TraceSummary (merge.ts); produces text. Pure.

import type { TraceSummary } from "./trace-format.js";

/** Lines of the per-line table shown (the rest are counted in one line). */
const LINES_SHOWN = 30;

export function profileTable(summary: TraceSummary): string {
  const out: string[] = [];
  const totalUs = summary.endUs - summary.startUs;
  out.push(`pgasc profile: ${summary.program}, ${summary.images} image(s) on ${summary.nodes} node(s), ${seconds(totalUs)} s`);
  if (!summary.complete) out.push(`  incomplete: ${summary.missing.join("; ")}`);
  out.push("", "where the program communicates and waits (summed over images, most time first):");
  const rows: string[][] = [["line", "operation", "ops", "bytes", "time (ms)", "worst image (ms)"]];
  for (const stat of summary.lines.slice(0, LINES_SHOWN)) {
    rows.push([
      `${summary.program}:${stat.line}:${stat.col}`,
      stat.op,
      count(stat.ops),
      count(stat.bytes),
      stat.timeUs === 0 ? "-" : ms(stat.timeUs),
      stat.timeUs === 0 ? "-" : `${stat.worstImage}: ${ms(stat.worstTimeUs)}`,
    ]);
  }
  out.push(...table(rows, [false, false, true, true, true, true]));
  if (summary.lines.length > LINES_SHOWN) out.push(`  (${summary.lines.length - LINES_SHOWN} more; pgasc run --trace FILE and pgasc report FILE show all)`);
  if (summary.lines.length === 0) out.push("  (no communication or synchronisation)");
  out.push("", "per image:");
  const imageRows: string[][] = [["image", "node", "total (ms)", "computing", "communicating", "waiting"]];
  for (const image of summary.perImage) {
    const share = (us: number) => `${ms(us)} ${percent(us, image.totalUs)}`;
    imageRows.push([String(image.image), String(image.node), ms(image.totalUs), share(image.computeUs), share(image.communicateUs), share(image.waitUs)]);
  }
  out.push(...table(imageRows, [true, true, true, true, true, true]));
  out.push("  (puts, and gets and atomics on images of the same node, take nanoseconds: counted, not timed: '-')");
  return out.join("\n") + "\n";
}

function table(rows: string[][], right: boolean[]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => "  " + row.map((cell, column) => (right[column] ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join("  ").trimEnd());
}

function seconds(us: number): string {
  return (us / 1e6).toFixed(3);
}

function ms(us: number): string {
  return (us / 1e3).toFixed(3);
}

function percent(part: number, whole: number): string {
  return whole > 0 ? `(${((100 * part) / whole).toFixed(0)}%)` : "";
}

function count(n: number): string {
  return String(Math.round(n));
}
