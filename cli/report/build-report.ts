// `pgasc report`'s page: one self-contained HTML file (inline CSS, SVG and script; nothing fetched)
// showing a traced run: the header with the run's facts and warnings about missing data, the
// timeline, the communication matrix, the per-line table, each image's time split, the wait at
// each synchronisation and the source listing.
// Consumes a TraceFile (runtime/observe/trace-format.ts), already validated; produces HTML text.

import type { TraceFile, TraceSummary } from "../../runtime/observe/trace-format.js";
import { buildImageTotals, buildMatrix } from "./charts.js";
import { escapeHtml, formatCount, formatPercent, formatUs, scriptJson } from "./format.js";
import { REPORT_CSS, REPORT_SCRIPT } from "./page-assets.js";
import { buildSyncs } from "./syncs.js";
import { buildLineTable, buildSourceListing } from "./tables.js";
import { buildTimeline } from "./timeline.js";

export function buildReportHtml(trace: TraceFile): string {
  const summary = trace.pgasc;
  const timeline = buildTimeline(trace);
  const syncs = buildSyncs(summary);
  // Only what the script needs; everything else is already in the markup.
  const data = {
    program: summary.program,
    images: summary.images,
    syncs: summary.syncs.map((s) => ({ index: s.index, op: s.op, line: s.line, arrivals: s.arrivals, leaves: s.leaves })),
  };
  const timelineNote = timeline.note ? `<p class="note omitted">${escapeHtml(timeline.note)}</p>` : "";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>pgasc report: ${escapeHtml(summary.program)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
${header(summary)}
<main>
<section id="timeline-section">
<h2>Timeline</h2>
<div class="legend"><span class="swatch" style="background:var(--run)"></span> running <span class="swatch communicate"></span> communicate <span class="swatch wait"></span> wait (synchronisation) — lines: remote operations, issuer to target. Hover a span for its site and duration.</div>
${timelineNote}
<div class="scroll">${timeline.svg}</div>
</section>
<section id="matrix-section">
<h2>Communication between images</h2>
${buildMatrix(summary)}
</section>
<section id="lines-section">
<h2>Lines that communicate or synchronise, by time</h2>
${buildLineTable(summary)}
</section>
<section id="images">
<h2>Time of each image</h2>
${buildImageTotals(summary)}
</section>
<section id="syncs">
<h2>Wait at each synchronisation</h2>
${syncs.html}
</section>
<section id="source-section">
<h2>Source</h2>
${buildSourceListing(summary, syncs.worstLine)}
</section>
</main>
<script type="application/json" id="report-data">${scriptJson(data)}</script>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}

function header(summary: TraceSummary): string {
  const runUs = Math.max(0, summary.endUs - summary.startUs);
  let compute = 0;
  let communicate = 0;
  let wait = 0;
  for (const t of summary.perImage) {
    compute += Math.max(0, t.computeUs);
    communicate += t.communicateUs;
    wait += t.waitUs;
  }
  const all = compute + communicate + wait;
  const facts = [
    `<li><b>${formatCount(summary.images)}</b> image${summary.images === 1 ? "" : "s"}</li>`,
    `<li><b>${formatCount(summary.nodes)}</b> node${summary.nodes === 1 ? "" : "s"}</li>`,
    `<li>run time <b>${escapeHtml(formatUs(runUs))}</b></li>`,
    `<li>over all images: compute ${formatPercent(compute, all)}, communicate ${formatPercent(communicate, all)}, wait ${formatPercent(wait, all)}</li>`,
  ];
  return `<header>
<h1>pgasc report: <code>${escapeHtml(summary.program)}</code></h1>
<ul class="facts">${facts.join("")}</ul>
${warnings(summary)}
<nav><a href="#timeline-section">timeline</a><a href="#matrix-section">matrix</a><a href="#lines-section">lines</a><a href="#images">images</a><a href="#syncs">synchronisations</a><a href="#source-section">source</a></nav>
</header>`;
}

/** What the reader must know before trusting the charts: data that never arrived or did not fit. */
function warnings(summary: TraceSummary): string {
  const out: string[] = [];
  if (!summary.complete) {
    const items = summary.missing.length > 0 ? `<ul>${summary.missing.map((m) => `<li>${escapeHtml(m)}</li>`).join("")}</ul>` : "";
    out.push(
      `<div class="warning" id="incomplete"><b>Incomplete trace:</b> the job failed or some data never arrived; the charts show only what did.${items}</div>`,
    );
  }
  const dropping = summary.dropped.map((n, image) => ({ n, image })).filter((d) => d.n > 0);
  if (dropping.length > 0) {
    const total = dropping.reduce((sum, d) => sum + d.n, 0);
    const shown = dropping.slice(0, 16).map((d) => `image ${d.image}: ${formatCount(d.n)}`);
    const more = dropping.length > shown.length ? `, and ${dropping.length - shown.length} more images` : "";
    out.push(
      `<div class="warning" id="dropped"><b>${formatCount(total)} events dropped</b> (their images' buffers were full; PGASC_TRACE_EVENTS raises the limit): ` +
        `the timeline lacks them, the totals and tables still count them. ${escapeHtml(shown.join(", ") + more)}.</div>`,
    );
  }
  return out.join("\n");
}
