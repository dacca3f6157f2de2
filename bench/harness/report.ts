// The suite's report: the figures with both sides' samples, ratios and verdicts, the chart points
// and notes (skipped peers, why cross-node figures are pending). Gives the terminal table and
// the JSON written to bench/results/latest.json; report-html.ts renders the same data as a page.

import type { Direction } from "./results.js";
import { formatNumber } from "./results.js";

export interface SideResult {
  /** The summary value (median of the samples); null when the side did not run. */
  value: number | null;
  samples: number[];
  /** Why there is no value (skipped, failed, invalid), if so. */
  note?: string;
  command?: string;
}

export interface FigureResult {
  id: string;
  label: string;
  group: string;
  unit: string;
  direction: Direction;
  peerName: string;
  pgasc: SideResult | null;
  peer: SideResult | null;
  /** How many times faster pgasc is than the peer; null when not comparable. */
  ratio: number | null;
  goal: string | null;
  verdict: "met" | "missed" | "pending" | "none";
  /** For a missed goal: the factor pgasc still has to gain. */
  shortfall: number | null;
  /** How much of its goal pgasc reaches (1 = exactly met, 2 = twice better than needed). */
  attainment: number | null;
}

export interface ChartPoint {
  chart: string;
  series: string;
  x: number;
  y: number;
  unit: string;
}

export interface Report {
  title: string;
  startedAt: string;
  seconds: number;
  quick: boolean;
  repeats: number;
  machine: { node: string; cpus: number; cpuModel: string; platform: string };
  notes: string[];
  figures: FigureResult[];
  charts: ChartPoint[];
  extras: { name: string; output: string }[];
}

function sideText(side: SideResult | null): string {
  if (!side) return "";
  if (side.value === null) return "skipped";
  return formatNumber(side.value);
}

function verdictText(f: FigureResult): string {
  switch (f.verdict) {
    case "met":
      return "yes";
    case "missed":
      return f.shortfall ? `NO (×${f.shortfall.toFixed(1)} short)` : "NO";
    case "pending":
      return "pending";
    default:
      return "";
  }
}

/** A plain-text table, grouped, with aligned columns: figure, pgasc, peer, ratio, goal, met?. */
export function formatTable(report: Report): string {
  const header = ["figure", "unit", "pgasc", "peer", "peer value", "ratio", "goal", "met?"];
  const lines: string[] = [];
  let group = "";
  const rows: (string[] | string)[] = [];
  for (const f of report.figures) {
    if (f.group !== group) {
      group = f.group;
      rows.push(`-- ${group}`);
    }
    rows.push([
      f.label, f.unit, sideText(f.pgasc), f.peerName, sideText(f.peer),
      f.ratio === null ? "" : `${f.ratio.toFixed(2)}×`, f.goal ?? "", verdictText(f),
    ]);
  }
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.filter((r): r is string[] => Array.isArray(r)).map((r) => r[i]!.length)),
  );
  const fmt = (cells: string[]) => cells.map((c, i) => (i >= 2 && i !== 3 && i < 6 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  lines.push(fmt(header));
  lines.push(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows) lines.push(typeof r === "string" ? r : fmt(r));
  return lines.join("\n");
}

/** The goals, one line each: met, missed (by how much) or pending (and why). */
export function formatGoalSummary(report: Report): string {
  const out: string[] = [];
  for (const f of report.figures.filter((f) => f.verdict !== "none")) {
    const reason = f.verdict === "pending" ? ` — ${f.pgasc?.note ?? f.peer?.note ?? "not measured"}` : "";
    const ratio = f.ratio === null ? "" : ` (ratio ${f.ratio.toFixed(2)}×)`;
    out.push(`${f.verdict.toUpperCase().padEnd(7)} ${f.label}: goal ${f.goal}${ratio}${f.verdict === "missed" && f.shortfall ? `, needs ×${f.shortfall.toFixed(1)}` : ""}${reason}`);
  }
  return out.join("\n");
}

/** The table as Markdown (bench/results/latest.md), for pasting into docs/performance.md. */
export function formatMarkdown(report: Report): string {
  const esc = (t: string) => t.replace(/\|/g, "\\|");
  const lines: string[] = [];
  let group = "";
  for (const f of report.figures) {
    if (f.group !== group) {
      group = f.group;
      lines.push("", `**${esc(group)}**`, "", "| figure | unit | pgasc | peer | peer value | ratio | goal | met? |", "| --- | --- | ---: | --- | ---: | ---: | --- | --- |");
    }
    const verdict = f.verdict === "none" ? "" : f.verdict === "met" ? "yes" : f.verdict === "missed" ? `**no** (×${f.shortfall?.toFixed(1) ?? "?"} short)` : "pending";
    lines.push(`| ${esc(f.label)} | ${esc(f.unit)} | ${sideText(f.pgasc)} | ${esc(f.peerName)} | ${sideText(f.peer)} | ${f.ratio === null ? "" : `${f.ratio.toFixed(2)}×`} | ${esc(f.goal ?? "")} | ${verdict} |`);
  }
  return lines.join("\n").trim() + "\n";
}
