// The report's per-line table (every site that communicated or synchronised, by time, each row
// linking to its line in the listing) and the source listing (line numbers, ids #L12 for those
// links, the lines the table names marked with their total time).
// Consumes the `pgasc` summary; produces HTML fragments.

import type { LineStat, TraceSummary } from "../../runtime/observe/trace-format.js";
import { escapeHtml, formatBytes, formatCount, formatPercent, formatUs, px } from "./format.js";

export function buildLineTable(summary: TraceSummary): string {
  if (summary.lines.length === 0) return `<p class="note">No line communicated or synchronised.</p>`;
  // The format promises this order; sorting again costs nothing and keeps an older writer's file readable.
  const lines = [...summary.lines].sort((a, b) => b.timeUs - a.timeUs || a.line - b.line || a.col - b.col);
  const maxTime = Math.max(lines[0]!.timeUs, 1e-9);
  const allTime = lines.reduce((sum, l) => sum + l.timeUs, 0);
  const rows = lines.map((l) => lineRow(l, maxTime, allTime));
  return [
    `<table id="lines" class="lines">`,
    `<thead><tr><th>site</th><th>operation</th><th>category</th><th class="num">operations</th><th class="num">bytes</th>` +
      `<th class="num">time (all images)</th><th class="bar-cell"></th><th class="num">worst image</th></tr></thead>`,
    `<tbody>`,
    ...rows,
    `</tbody></table>`,
  ].join("\n");
}

function lineRow(l: LineStat, maxTime: number, allTime: number): string {
  const share = `${formatPercent(l.timeUs, allTime)} of the time in the lines below`;
  return (
    `<tr class="line-row"><td><a href="#L${l.line}">line ${l.line}:${l.col}</a></td><td>${escapeHtml(l.op)}</td>` +
    `<td><span class="swatch ${l.category}"></span> ${l.category}</td><td class="num">${formatCount(l.ops)}</td>` +
    `<td class="num">${escapeHtml(formatBytes(l.bytes))}</td><td class="num">${escapeHtml(formatUs(l.timeUs))}</td>` +
    `<td class="bar-cell"><span class="time-bar ${l.category}" style="width:${px((100 * l.timeUs) / maxTime)}%" title="${escapeHtml(share)}"></span></td>` +
    `<td class="num">image ${l.worstImage} (${escapeHtml(formatUs(l.worstTimeUs))})</td></tr>`
  );
}

/** The program with line numbers; `worstSyncLine` gets a badge pointing back at the sync chart. */
export function buildSourceListing(summary: TraceSummary, worstSyncLine: number | undefined): string {
  if (summary.source.length === 0) return `<p class="note">The trace holds no source text.</p>`;
  const timeByLine = new Map<number, number>();
  for (const l of summary.lines) timeByLine.set(l.line, (timeByLine.get(l.line) ?? 0) + l.timeUs);
  const rows = summary.source.map((text, i) => {
    const n = i + 1;
    const time = timeByLine.get(n);
    const cost = time === undefined ? "" : escapeHtml(formatUs(time));
    const badge = n === worstSyncLine ? ` <a class="badge" href="#syncs">worst synchronisation</a>` : "";
    return (
      `<div class="src-line${time === undefined ? "" : " hot"}" id="L${n}"><a class="ln" href="#L${n}">${n}</a>` +
      `<span class="cost">${cost}</span><code>${escapeHtml(text)}</code>${badge}</div>`
    );
  });
  return `<div id="source" class="source">\n${rows.join("\n")}\n</div>`;
}
