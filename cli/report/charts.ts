// Two charts of the report as inline SVG: the image × image communication matrix (a heat map with
// a bytes / operations toggle; both colourings are computed here so the page's script only swaps
// attributes) and each image's time split into compute, communicate and wait (stacked bars).
// Consumes the `pgasc` summary of a TraceFile; produces HTML fragments.

import type { TraceSummary } from "../../runtime/observe/trace-format.js";
import { escapeHtml, formatBytes, formatCount, formatPercent, formatUs, px } from "./format.js";

/** Cells without traffic: a neutral grey, so "nothing" never looks like "a little". */
const EMPTY_CELL = "#eeeeee";
/** The heat scale's ends (light to dark blue): readable for the usual colour-vision deficiencies. */
const LOW: [number, number, number] = [222, 235, 247];
const HIGH: [number, number, number] = [8, 48, 107];

/** The colour of `value` on a scale up to `max`; square root so small flows stay visible next to a big one. */
export function heatColour(value: number, max: number): string {
  if (!(value > 0) || !(max > 0)) return EMPTY_CELL;
  const f = Math.sqrt(Math.min(1, value / max));
  const channel = (i: number) => Math.round(LOW[i]! + (HIGH[i]! - LOW[i]!) * f);
  return `rgb(${channel(0)},${channel(1)},${channel(2)})`;
}

function maxOf(matrix: number[][]): number {
  let max = 0;
  for (const row of matrix) for (const v of row) if (v > max) max = v;
  return max;
}

export function buildMatrix(summary: TraceSummary): string {
  const n = summary.images;
  const { bytes, ops } = summary.matrix;
  const maxBytes = maxOf(bytes);
  const maxOps = maxOf(ops);
  const cell = Math.max(3, Math.min(28, Math.floor(640 / Math.max(1, n))));
  // Image numbers on the axes only where they fit; every k-th one otherwise.
  const labelEvery = cell >= 16 ? 1 : Math.ceil(16 / cell);
  const left = 44;
  const top = 34;
  const size = n * cell;
  const parts: string[] = [];
  parts.push(`<svg id="matrix" class="matrix" xmlns="http://www.w3.org/2000/svg" width="${left + size + 8}" height="${top + size + 8}">`);
  parts.push(`<text class="axis-caption" x="${left}" y="11">to (target image) →</text>`);
  parts.push(
    `<text class="axis-caption" x="10" y="${top + size / 2}" transform="rotate(-90 10 ${top + size / 2})" text-anchor="middle">from (issuing image) →</text>`,
  );
  for (let i = 0; i < n; i += labelEvery) {
    const centre = i * cell + cell / 2;
    parts.push(`<text class="matrix-label" x="${px(left + centre)}" y="${top - 4}" text-anchor="middle">${i}</text>`);
    parts.push(`<text class="matrix-label" x="${left - 4}" y="${px(top + centre + 4)}" text-anchor="end">${i}</text>`);
  }
  for (let from = 0; from < n; from++) {
    for (let to = 0; to < n; to++) {
      const b = bytes[from]?.[to] ?? 0;
      const o = ops[from]?.[to] ?? 0;
      const fillBytes = heatColour(b, maxBytes);
      const fillOps = heatColour(o, maxOps);
      const title = `image ${from} → image ${to}: ${formatBytes(b)} in ${formatCount(o)} operation${o === 1 ? "" : "s"}`;
      parts.push(
        `<rect class="matrix-cell" x="${left + to * cell}" y="${top + from * cell}" width="${cell}" height="${cell}" fill="${fillBytes}" ` +
          `data-fill-bytes="${fillBytes}" data-fill-ops="${fillOps}"><title>${escapeHtml(title)}</title></rect>`,
      );
    }
  }
  parts.push(`</svg>`);
  const toggle =
    `<div class="toggle" role="group" aria-label="colour the matrix by">colour by ` +
    `<button type="button" class="matrix-toggle" data-metric="bytes" aria-pressed="true">bytes</button>` +
    `<button type="button" class="matrix-toggle" data-metric="ops" aria-pressed="false">operations</button></div>`;
  const legend =
    `<div class="legend">0 <span class="heat-scale"></span> <span id="matrix-max" data-bytes="${escapeHtml(formatBytes(maxBytes))}" ` +
    `data-ops="${escapeHtml(formatCount(maxOps))} operations">${escapeHtml(formatBytes(maxBytes))}</span>` +
    ` <span class="swatch" style="background:${EMPTY_CELL}"></span> none</div>`;
  const note =
    maxBytes === 0 && maxOps === 0
      ? `<p class="note">No remote memory operations were recorded.</p>`
      : `<p class="note">Row: the image that issued the operations; column: their target. Hover a cell for its totals.</p>`;
  return `${toggle}\n${legend}\n${note}\n<div class="scroll">${parts.join("\n")}</div>`;
}

export function buildImageTotals(summary: TraceSummary): string {
  const images = [...summary.perImage].sort((a, b) => a.node - b.node || a.image - b.image);
  const maxTotal = Math.max(1, ...images.map((t) => t.totalUs));
  const rowHeight = images.length <= 48 ? 18 : Math.max(4, Math.floor(864 / images.length));
  const labelWidth = 120;
  const barWidth = 760;
  const top = 4;
  const parts: string[] = [];
  parts.push(
    `<svg id="image-totals" class="bars" xmlns="http://www.w3.org/2000/svg" width="${labelWidth + barWidth + 110}" height="${top + images.length * rowHeight + 4}">`,
  );
  images.forEach((t, row) => {
    const y = top + row * rowHeight;
    const scale = barWidth / maxTotal;
    // compute is what is left: never negative even if rounding made the parts exceed the total.
    const compute = Math.max(0, t.computeUs);
    const segments: [string, number][] = [
      ["compute", compute],
      ["communicate", t.communicateUs],
      ["wait", t.waitUs],
    ];
    if (rowHeight >= 10)
      parts.push(`<text class="image-label" x="${labelWidth - 6}" y="${px(y + rowHeight / 2 + 4)}">image ${t.image} (node ${t.node})</text>`);
    let x = labelWidth;
    for (const [name, us] of segments) {
      const w = us * scale;
      if (w > 0) {
        const title = `image ${t.image}: ${name} ${formatUs(us)} (${formatPercent(us, t.totalUs)} of ${formatUs(t.totalUs)})`;
        parts.push(
          `<rect class="${name}" x="${px(x)}" y="${y + 1}" width="${px(Math.max(0.5, w))}" height="${Math.max(1, rowHeight - 2)}"><title>${escapeHtml(title)}</title></rect>`,
        );
      }
      x += w;
    }
    if (rowHeight >= 10)
      parts.push(`<text class="value-label" x="${px(x + 6)}" y="${px(y + rowHeight / 2 + 4)}">${escapeHtml(formatUs(t.totalUs))}</text>`);
  });
  parts.push(`</svg>`);
  const legend =
    `<div class="legend"><span class="swatch compute"></span> compute <span class="swatch communicate"></span> communicate ` +
    `<span class="swatch wait"></span> wait (synchronisation)</div>`;
  return `${legend}\n<div class="scroll">${parts.join("\n")}</div>`;
}
