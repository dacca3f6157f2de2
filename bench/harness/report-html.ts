// Renders a Report (report.ts) as one self-contained HTML page: goal scoreboard, latency by
// message size, barrier time by image count and kernel rates as inline SVG drawn here (no
// scripts, no CDN), then the full table. Pure: gives a string for bench/results/latest.html.

import type { ChartPoint, FigureResult, Report } from "./report.js";
import { formatNumber } from "./results.js";

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

interface Series {
  name: string;
  points: [number, number][];
}

interface Axis {
  log: boolean;
  label: string;
  format?: (v: number) => string;
}

const W = 560;
const H = 320;
const M = { left: 64, right: 16, top: 34, bottom: 70 };

function scale(values: number[], log: boolean, lo: number, hi: number): { map: (v: number) => number; ticks: number[] } {
  const finite = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
  let min = finite.length ? Math.min(...finite) : 1;
  let max = finite.length ? Math.max(...finite) : 10;
  if (log) {
    min = Math.pow(10, Math.floor(Math.log10(min)));
    max = Math.pow(10, Math.ceil(Math.log10(max)));
    if (max <= min) max = min * 10;
    const f = (v: number) => lo + ((Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min))) * (hi - lo);
    const ticks: number[] = [];
    for (let t = min; t <= max * 1.0001; t *= 10) ticks.push(t);
    return { map: f, ticks };
  }
  min = Math.min(0, min);
  if (max <= min) max = min + 1;
  const step = niceStep((max - min) / 5);
  max = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let t = min; t <= max + step / 2; t += step) ticks.push(t);
  return { map: (v) => lo + ((v - min) / (max - min)) * (hi - lo), ticks };
}

function niceStep(raw: number): number {
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

function frame(title: string, body: string, legend: string[]): string {
  const items = legend
    .map((name, i) => {
      const x = M.left + (i % 3) * 165;
      const y = H - 30 + Math.floor(i / 3) * 14;
      return `<rect x="${x}" y="${y - 8}" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/><text x="${x + 14}" y="${y}" font-size="11">${escapeXml(name)}</text>`;
    })
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeXml(title)}" font-family="sans-serif"><text x="${W / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(title)}</text>${body}${items}</svg>`;
}

function axes(xs: { map: (v: number) => number; ticks: number[] }, ys: { map: (v: number) => number; ticks: number[] }, x: Axis, y: Axis, xTicks?: number[]): string {
  const parts: string[] = [];
  const bottom = H - M.bottom;
  for (const t of ys.ticks) {
    const py = ys.map(t).toFixed(1);
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${py}" y2="${py}" stroke="#ddd"/>`);
    parts.push(`<text x="${M.left - 6}" y="${py}" dy="4" text-anchor="end" font-size="10">${escapeXml((y.format ?? formatNumber)(t))}</text>`);
  }
  for (const t of xTicks ?? xs.ticks) {
    const px = xs.map(t).toFixed(1);
    parts.push(`<line x1="${px}" x2="${px}" y1="${bottom}" y2="${bottom + 4}" stroke="#333"/>`);
    parts.push(`<text x="${px}" y="${bottom + 16}" text-anchor="middle" font-size="10">${escapeXml((x.format ?? formatNumber)(t))}</text>`);
  }
  parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${bottom}" y2="${bottom}" stroke="#333"/>`);
  parts.push(`<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${bottom}" stroke="#333"/>`);
  parts.push(`<text x="${(M.left + W - M.right) / 2}" y="${bottom + 32}" text-anchor="middle" font-size="11">${escapeXml(x.label)}</text>`);
  parts.push(`<text transform="translate(14 ${(M.top + bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="11">${escapeXml(y.label)}</text>`);
  return parts.join("");
}

/** A line chart with optional log axes; points are drawn as dots joined in x order. */
export function lineChart(title: string, series: Series[], x: Axis, y: Axis): string {
  const xs = scale(series.flatMap((s) => s.points.map((p) => p[0])), x.log, M.left, W - M.right);
  const ys = scale(series.flatMap((s) => s.points.map((p) => p[1])), y.log, H - M.bottom, M.top);
  const xTicks = [...new Set(series.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
  const body = series
    .map((s, i) => {
      const color = COLORS[i % COLORS.length];
      const pts = s.points.filter((p) => (!x.log || p[0] > 0) && (!y.log || p[1] > 0)).sort((a, b) => a[0] - b[0]);
      const path = pts.map((p, k) => `${k ? "L" : "M"}${xs.map(p[0]).toFixed(1)} ${ys.map(p[1]).toFixed(1)}`).join(" ");
      const dots = pts
        .map((p) => `<circle cx="${xs.map(p[0]).toFixed(1)}" cy="${ys.map(p[1]).toFixed(1)}" r="3" fill="${color}"><title>${escapeXml(`${s.name}: ${formatNumber(p[1])} at ${formatNumber(p[0])}`)}</title></circle>`)
        .join("");
      return `<path d="${path}" fill="none" stroke="${color}" stroke-width="2"/>${dots}`;
    })
    .join("");
  return frame(title, axes(xs, ys, x, y, xTicks) + body, series.map((s) => s.name));
}

/** Grouped bars: one group per category, one bar per series (linear y from 0). */
export function barChart(title: string, categories: string[], series: { name: string; values: (number | null)[] }[], yLabel: string): string {
  const ys = scale(series.flatMap((s) => s.values.filter((v): v is number => v !== null)), false, H - M.bottom, M.top);
  const plotW = W - M.left - M.right;
  const groupW = plotW / Math.max(1, categories.length);
  const barW = (groupW * 0.8) / Math.max(1, series.length);
  const parts: string[] = [];
  const bottom = H - M.bottom;
  for (const t of ys.ticks) {
    const py = ys.map(t).toFixed(1);
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${py}" y2="${py}" stroke="#ddd"/><text x="${M.left - 6}" y="${py}" dy="4" text-anchor="end" font-size="10">${escapeXml(formatNumber(t))}</text>`);
  }
  categories.forEach((c, ci) => {
    const gx = M.left + ci * groupW + groupW * 0.1;
    series.forEach((s, si) => {
      const v = s.values[ci];
      if (v === null || v === undefined || !Number.isFinite(v)) return;
      const top = ys.map(v);
      parts.push(`<rect x="${(gx + si * barW).toFixed(1)}" y="${top.toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${(bottom - top).toFixed(1)}" fill="${COLORS[si % COLORS.length]}"><title>${escapeXml(`${s.name}, ${c}: ${formatNumber(v)} ${yLabel}`)}</title></rect>`);
    });
    parts.push(`<text x="${(gx + groupW * 0.4).toFixed(1)}" y="${bottom + 16}" text-anchor="middle" font-size="11">${escapeXml(c)}</text>`);
  });
  parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${bottom}" y2="${bottom}" stroke="#333"/>`);
  parts.push(`<text transform="translate(14 ${(M.top + bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="11">${escapeXml(yLabel)}</text>`);
  return frame(title, parts.join(""), series.map((s) => s.name));
}

/**
 * Goal scoreboard: how much of each goal pgasc reaches on a log axis, 1× meaning exactly met
 * (green at or past it, red short of it), with the measured ratio or value written beside.
 */
export function goalChart(figures: FigureResult[]): string {
  const goals = figures.filter((f) => f.verdict !== "none");
  const rowH = 22;
  const height = 64 + goals.length * rowH;
  const left = 300;
  const right = 860;
  const lo = 0.01;
  const hi = 100;
  const map = (v: number) => left + ((Math.log10(Math.min(hi, Math.max(lo, v))) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (right - left);
  const parts: string[] = [];
  for (const t of [0.01, 0.1, 1, 10, 100]) {
    parts.push(`<line x1="${map(t)}" x2="${map(t)}" y1="40" y2="${height - 16}" stroke="${t === 1 ? "#333" : "#eee"}"/><text x="${map(t)}" y="${height - 4}" text-anchor="middle" font-size="10">${t === 1 ? "goal" : `${t}×`}</text>`);
  }
  goals.forEach((f, i) => {
    const y = 44 + i * rowH;
    parts.push(`<text x="${left - 8}" y="${y + 12}" text-anchor="end" font-size="11">${escapeXml(f.label)}</text>`);
    if (f.verdict === "pending" || f.attainment === null) {
      const why = f.pgasc?.note ?? f.peer?.note ?? "not measured";
      parts.push(`<text x="${left + 4}" y="${y + 12}" font-size="11" fill="#888">pending: ${escapeXml(why.length > 80 ? why.slice(0, 77) + "..." : why)}</text>`);
      return;
    }
    const color = f.verdict === "met" ? "#2ca02c" : "#d62728";
    const measured = f.ratio !== null ? `${f.ratio.toFixed(2)}×` : `${formatNumber(f.pgasc?.value ?? NaN)} ${f.unit}`;
    const text = `${measured} (goal ${f.goal ?? ""})`;
    parts.push(`<rect x="${left}" y="${y + 2}" width="${Math.max(1, map(f.attainment) - left).toFixed(1)}" height="14" fill="${color}"><title>${escapeXml(`${f.label}: ${text}`)}</title></rect>`);
    parts.push(`<text x="${(map(f.attainment) + 4).toFixed(1)}" y="${y + 13}" font-size="10">${escapeXml(text)}</text>`);
  });
  const legend = "bar: the share of its goal each figure reaches (log scale); green reaches the goal line, red falls short";
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${right + 140}" height="${height}" viewBox="0 0 ${right + 140} ${height}" font-family="sans-serif" role="img" aria-label="goals"><text x="10" y="18" font-size="14" font-weight="bold">Goals</text><text x="10" y="34" font-size="11" fill="#555">${escapeXml(legend)}</text>${parts.join("")}</svg>`;
}

function seriesOf(points: ChartPoint[]): Series[] {
  const bySeries = new Map<string, [number, number][]>();
  for (const p of points) {
    if (!bySeries.has(p.series)) bySeries.set(p.series, []);
    bySeries.get(p.series)!.push([p.x, p.y]);
  }
  return [...bySeries].map(([name, pts]) => ({ name, points: pts }));
}

const bytesText = (b: number) => (b >= 1 << 20 ? `${b / (1 << 20)}M` : b >= 1024 ? `${b / 1024}K` : `${b}`);

function cell(side: FigureResult["pgasc"]): string {
  if (!side) return "";
  if (side.value === null) return `<span class="skip" title="${escapeXml(side.note ?? "")}">${escapeXml(side.note ? "skipped" : "-")}</span>`;
  return escapeXml(formatNumber(side.value));
}

function table(figures: FigureResult[]): string {
  const rows: string[] = [];
  let group = "";
  for (const f of figures) {
    if (f.group !== group) {
      group = f.group;
      rows.push(`<tr class="group"><th colspan="8">${escapeXml(group)}</th></tr>`);
    }
    const verdict = f.verdict === "none" ? "" : f.verdict === "met" ? "yes" : f.verdict === "missed" ? `no${f.shortfall ? ` (×${f.shortfall.toFixed(1)} short)` : ""}` : "pending";
    rows.push(
      `<tr class="${f.verdict}"><td>${escapeXml(f.label)}</td><td>${escapeXml(f.unit)}</td><td class="n">${cell(f.pgasc)}</td><td>${escapeXml(f.peerName)}</td><td class="n">${cell(f.peer)}</td><td class="n">${f.ratio === null ? "" : `${f.ratio.toFixed(2)}×`}</td><td>${escapeXml(f.goal ?? "")}</td><td>${escapeXml(verdict)}</td></tr>`,
    );
  }
  return `<table><thead><tr><th>figure</th><th>unit</th><th>pgasc</th><th>peer</th><th>peer value</th><th>ratio (pgasc faster by)</th><th>goal</th><th>met?</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

/** Every chart of a report, named (the file name of `npm run bench -- --charts DIR`). */
export function chartsOf(report: Report): { name: string; svg: string }[] {
  const charts = [{ name: "goals", svg: goalChart(report.figures) }];
  const latency = report.charts.filter((p) => p.chart === "latency-by-size");
  if (latency.length) {
    charts.push({ name: "latency-by-size", svg: lineChart("Transfer time by message size (get, round trip)", seriesOf(latency), { log: true, label: "bytes", format: bytesText }, { log: true, label: "µs per transfer" }) });
  }
  const barrier = report.charts.filter((p) => p.chart === "barrier");
  if (barrier.length) {
    charts.push({ name: "barrier", svg: lineChart("sync all by image count", seriesOf(barrier), { log: true, label: "images (one node) / nodes", format: (v) => String(v) }, { log: true, label: "µs per sync all" }) });
  }
  const grouped = [...new Set(report.charts.filter((p) => p.chart.startsWith("kernel:") || p.chart.startsWith("loops:")).map((p) => p.chart))];
  for (const chart of grouped) {
    const pts = report.charts.filter((p) => p.chart === chart);
    const xs = [...new Set(pts.map((p) => p.x))].sort((a, b) => a - b);
    const names = [...new Set(pts.map((p) => p.series))];
    const [kind, name] = chart.split(":") as [string, string];
    const title = kind === "kernel" ? `${name}: rate by image count` : `local loops, ${name}: rate by image count`;
    charts.push({
      name: chart.replace(":", "-"),
      svg: barChart(title, xs.map((x) => `${x} image${x === 1 ? "" : "s"}`), names.map((n) => ({ name: n, values: xs.map((x) => pts.find((p) => p.series === n && p.x === x)?.y ?? null) })), pts[0]?.unit ?? ""),
    });
  }
  return charts;
}

export function renderHtml(report: Report): string {
  const charts = chartsOf(report).map((c) => c.svg);
  const notes = report.notes.map((n) => `<li>${escapeXml(n)}</li>`).join("");
  const extras = report.extras.map((e) => `<h3>${escapeXml(e.name)}</h3><pre>${escapeXml(e.output)}</pre>`).join("");
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(report.title)}</title>
<style>
body{font-family:sans-serif;margin:24px;color:#222;max-width:1200px}
.charts{display:flex;flex-wrap:wrap;gap:16px}
.charts svg{border:1px solid #ddd;background:#fff}
table{border-collapse:collapse;font-size:13px;margin-top:16px}
td,th{border-bottom:1px solid #eee;padding:3px 8px;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.group th{background:#f3f3f3;padding-top:10px}
tr.met td:last-child{color:#2ca02c;font-weight:bold}
tr.missed td:last-child{color:#d62728;font-weight:bold}
tr.pending td:last-child,.skip{color:#888}
pre{background:#f7f7f7;padding:8px;overflow:auto;font-size:12px}
</style></head><body>
<h1>${escapeXml(report.title)}</h1>
<p>${escapeXml(report.startedAt)} · ${report.seconds.toFixed(0)} s · ${report.quick ? "quick subset" : "full suite"} · median of ${report.repeats} run(s) per figure · ${escapeXml(report.machine.cpuModel)} × ${report.machine.cpus}, Node ${escapeXml(report.machine.node)}</p>
<p>Ratio: how many times faster pgasc is than the peer measured in the same run (above 1, pgasc wins).</p>
${notes ? `<h2>Notes</h2><ul>${notes}</ul>` : ""}
<div class="charts">${charts.join("\n")}</div>
<h2>All figures</h2>
${table(report.figures)}
${extras ? `<h2>Other reports</h2>${extras}` : ""}
</body></html>
`;
}
