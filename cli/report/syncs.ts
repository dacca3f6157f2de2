// The report's wait at each collective synchronisation: a bar per instance (the imbalance: last
// arrival − first arrival), the worst one highlighted with its source line, and for the selected
// instance (the worst until one is clicked) each image's arrival and wait (leave − arrival).
// Consumes the `pgasc` summary; produces the HTML fragment and the data the page's script needs to
// redraw the per-image chart for another instance.

import type { SyncInstance, TraceSummary } from "../../runtime/observe/trace-format.js";
import { escapeHtml, formatUs, px } from "./format.js";

/** Geometry shared with the page's script (page-assets.ts), which redraws the per-image rows. */
export const SYNC_PLOT = { left: 90, width: 860 } as const;

export interface SyncView {
  html: string;
  /** The worst instance's index in `syncs`, or -1 when there are none. */
  worst: number;
  worstLine: number | undefined;
}

/** Last arrival − first arrival over the images that recorded the instance. */
export function imbalanceUs(sync: SyncInstance): number {
  const arrived = sync.arrivals.filter((a): a is number => a !== null);
  return arrived.length < 2 ? 0 : Math.max(...arrived) - Math.min(...arrived);
}

/** One image's wait at an instance, or undefined when it did not record it. */
export function waitUs(sync: SyncInstance, image: number): number | undefined {
  const a = sync.arrivals[image];
  const l = sync.leaves[image];
  return a === null || a === undefined || l === null || l === undefined ? undefined : Math.max(0, l - a);
}

/** The sentence under the per-image chart; the page's script builds the same from the same data. */
export function syncCaption(sync: SyncInstance): string {
  let longest = -1;
  let longestUs = -1;
  sync.arrivals.forEach((_, image) => {
    const w = waitUs(sync, image);
    if (w !== undefined && w > longestUs) [longest, longestUs] = [image, w];
  });
  const who = longest >= 0 ? `; image ${longest} waited longest, ${formatUs(longestUs)}` : "";
  return `Instance #${sync.index}: ${sync.op} at line ${sync.line}, first to last arrival ${formatUs(imbalanceUs(sync))}${who}.`;
}

export function buildSyncs(summary: TraceSummary): SyncView {
  const syncs = summary.syncs;
  if (syncs.length === 0) return { html: `<p class="note">No collective synchronisation was recorded.</p>`, worst: -1, worstLine: undefined };
  const imbalances = syncs.map(imbalanceUs);
  const worst = imbalances.reduce((best, v, i) => (v > imbalances[best]! ? i : best), 0);
  const worstSync = syncs[worst]!;
  const maxImbalance = Math.max(imbalances[worst]!, 1e-9);

  const height = 140;
  const top = 8;
  const barWidth = SYNC_PLOT.width / syncs.length;
  const parts: string[] = [];
  parts.push(
    `<svg id="sync-instances" class="sync-chart" xmlns="http://www.w3.org/2000/svg" width="${SYNC_PLOT.left + SYNC_PLOT.width + 10}" height="${top + height + 22}">`,
  );
  parts.push(
    `<text class="tick-label" x="${SYNC_PLOT.left - 6}" y="${top + 10}" text-anchor="end">${escapeHtml(formatUs(imbalances[worst]!))}</text>`,
  );
  parts.push(`<text class="tick-label" x="${SYNC_PLOT.left - 6}" y="${top + height}" text-anchor="end">0</text>`);
  parts.push(`<line class="axis" x1="${SYNC_PLOT.left}" y1="${top + height}" x2="${SYNC_PLOT.left + SYNC_PLOT.width}" y2="${top + height}"/>`);
  syncs.forEach((sync, k) => {
    const x = SYNC_PLOT.left + k * barWidth;
    const h = Math.max(1, (imbalances[k]! / maxImbalance) * height);
    const title = `#${sync.index} ${sync.op} (line ${sync.line}): first to last arrival ${formatUs(imbalances[k]!)}`;
    // A full-height transparent column makes even a 1-pixel bar easy to click.
    parts.push(
      `<g class="sync-instance${k === worst ? " worst selected" : ""}" data-k="${k}"><title>${escapeHtml(title)}</title>` +
        `<rect class="sync-hit" x="${px(x)}" y="${top}" width="${px(barWidth)}" height="${height}"/>` +
        `<rect class="sync-bar" x="${px(x + barWidth * 0.1)}" y="${px(top + height - h)}" width="${px(Math.max(0.5, barWidth * 0.8))}" height="${px(h)}"/></g>`,
    );
  });
  parts.push(`<text class="tick-label" x="${SYNC_PLOT.left}" y="${top + height + 16}">#${syncs[0]!.index}</text>`);
  parts.push(
    `<text class="tick-label" x="${SYNC_PLOT.left + SYNC_PLOT.width}" y="${top + height + 16}" text-anchor="end">#${syncs[syncs.length - 1]!.index}</text>`,
  );
  parts.push(`</svg>`);

  const worstText =
    `<p class="worst">Worst: instance #${worstSync.index}, ${escapeHtml(worstSync.op)} at <a href="#L${worstSync.line}">line ${worstSync.line}</a>: ` +
    `${escapeHtml(formatUs(imbalances[worst]!))} between the first and the last arrival.</p>`;
  const html = [
    `<p class="note">Imbalance of each collective synchronisation (last arrival − first arrival), in the order the run met them. Click a bar to see each image's wait there.</p>`,
    worstText,
    `<div class="scroll">${parts.join("\n")}</div>`,
    `<p id="sync-caption" class="caption">${escapeHtml(syncCaption(worstSync))}</p>`,
    `<div class="scroll">${perImageWaits(summary, worstSync)}</div>`,
  ].join("\n");
  return { html, worst, worstLine: worstSync.line };
}

/** One row per image: a bar from its arrival (after the first image's) to its leave. */
function perImageWaits(summary: TraceSummary, sync: SyncInstance): string {
  const rowHeight = summary.images <= 48 ? 16 : Math.max(3, Math.floor(768 / summary.images));
  const arrived = sync.arrivals.filter((a): a is number => a !== null);
  const first = arrived.length > 0 ? Math.min(...arrived) : 0;
  const last = Math.max(...sync.leaves.filter((l): l is number => l !== null), first + 1e-9);
  const scale = SYNC_PLOT.width / (last - first);
  const parts: string[] = [];
  parts.push(
    `<svg id="sync-waits" class="sync-chart" xmlns="http://www.w3.org/2000/svg" width="${SYNC_PLOT.left + SYNC_PLOT.width + 10}" height="${summary.images * rowHeight + 4}">`,
  );
  for (let image = 0; image < summary.images; image++) {
    const y = image * rowHeight + 2;
    const a = sync.arrivals[image] ?? null;
    const w = waitUs(sync, image);
    const x = a === null ? SYNC_PLOT.left : SYNC_PLOT.left + (a - first) * scale;
    const width = w === undefined ? 0 : Math.max(0.5, w * scale);
    const title =
      w === undefined || a === null
        ? `image ${image}: not recorded`
        : `image ${image}: arrived ${formatUs(a - first)} after the first, waited ${formatUs(w)}`;
    if (rowHeight >= 10) parts.push(`<text class="image-label" x="${SYNC_PLOT.left - 6}" y="${px(y + rowHeight / 2 + 3)}">image ${image}</text>`);
    parts.push(
      `<rect id="sync-wait-${image}" class="sync-wait" x="${px(x)}" y="${y + 1}" width="${px(width)}" height="${Math.max(1, rowHeight - 2)}"><title>${escapeHtml(title)}</title></rect>`,
    );
  }
  parts.push(`</svg>`);
  return parts.join("\n");
}
