// The pass viewer page of `pgasc build --dump-passes DIR`: every stage of a build (compiler/driver
// Stage) beside the stage before it of the same kind as a side-by-side line diff, stages that change
// nothing folded. Consumes the stages and their file names; produces one self-contained HTML page
// (no script, no network). Every text from the program reaches the page HTML-escaped.

import { diffLines } from "diff";
import type { Stage } from "../../compiler/driver/compile.js";

/** A stage as written to DIR: its file name beside the text. */
export interface DumpedStage extends Stage {
  file: string;
}

const KIND_TEXT: Record<Stage["kind"], string> = {
  source: "the program",
  tree: "the tree (parse: as read; check: with types and symbols)",
  storage: "how each symbol is stored",
  lir: "main's LIR after this pass, printed as the code it becomes",
  ts: "the generated TypeScript, formatted",
  js: "the JavaScript module",
};

/** Unchanged lines kept around a change; longer unchanged runs are folded to one row. */
const CONTEXT_LINES = 3;

/** The stage a stage is compared with: the one before it of the same kind (JavaScript: the TypeScript). */
export function previousOf(stages: readonly Stage[], index: number): number {
  const kind = stages[index]!.kind;
  const want = kind === "js" ? "ts" : kind;
  for (let i = index - 1; i >= 0; i--) if (stages[i]!.kind === want) return i;
  return -1;
}

export function passPage(title: string, stages: readonly DumpedStage[]): string {
  const sections = stages.map((stage, index) => section(stages, index));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}: pgasc passes</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 1.5em; color: #1b1b1b; }
h1 { font-size: 1.3em; }
details.stage { border: 1px solid #ccc; border-radius: 4px; margin: 0.6em 0; }
details.stage > summary { padding: 0.4em 0.7em; cursor: pointer; background: #f4f4f4; font-weight: 600; }
details.unchanged > summary { color: #777; font-weight: normal; }
.note { font-weight: normal; color: #555; margin-left: 0.6em; }
table.diff { border-collapse: collapse; width: 100%; table-layout: fixed; font: 12px ui-monospace, monospace; }
table.diff td { padding: 0 0.4em; white-space: pre-wrap; word-break: break-all; vertical-align: top; }
table.diff col.ln { width: 3.5em; }
table.diff td.ln { color: #999; text-align: right; user-select: none; }
td.del { background: #fde8e8; } td.add { background: #e4f6e4; } td.gap { color: #888; background: #fafafa; text-align: center; }
pre.whole { margin: 0; padding: 0.5em 0.7em; font: 12px ui-monospace, monospace; white-space: pre-wrap; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>Each stage of the build beside the stage before it of the same kind; stages that change nothing are folded. The files are in this directory.</p>
${sections.join("\n")}
</body>
</html>
`;
}

function section(stages: readonly DumpedStage[], index: number): string {
  const stage = stages[index]!;
  const heading = `${escapeHtml(stage.file)}<span class="note">${KIND_TEXT[stage.kind]}`;
  const previous = previousOf(stages, index);
  if (previous < 0) {
    // shown whole, folded: the page opens on what each pass changed
    return `<details class="stage"><summary>${heading}</span></summary><pre class="whole">${escapeHtml(stage.text)}</pre></details>`;
  }
  const before = stages[previous]!;
  if (before.text === stage.text) {
    return `<details class="stage unchanged"><summary>${heading}: no change from ${escapeHtml(before.file)}</span></summary></details>`;
  }
  const { rows, added, removed } = diffRows(before.text, stage.text);
  return `<details class="stage" open><summary>${heading}: +${added} −${removed} lines against ${escapeHtml(before.file)}</span></summary>
<table class="diff"><colgroup><col class="ln"><col><col class="ln"><col></colgroup>${rows.join("")}</table></details>`;
}

interface Side {
  line: number;
  text: string;
}

/** Side-by-side rows of a line diff, long unchanged runs folded. */
function diffRows(before: string, after: string): { rows: string[]; added: number; removed: number } {
  const rows: string[] = [];
  let left = 1;
  let right = 1;
  let added = 0;
  let removed = 0;
  const parts = diffLines(before, after);
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p]!;
    const lines = splitLines(part.value);
    if (part.removed) {
      // a removal followed by an addition is shown as a change, line beside line
      const next = parts[p + 1];
      const addedLines = next?.added ? splitLines(next.value) : [];
      if (next?.added) p++;
      const old = lines.map((text) => ({ line: left++, text }));
      const now = addedLines.map((text) => ({ line: right++, text }));
      removed += old.length;
      added += now.length;
      for (let i = 0; i < Math.max(old.length, now.length); i++) rows.push(row(old[i], now[i], "del", "add"));
    } else if (part.added) {
      for (const text of lines) rows.push(row(undefined, { line: right++, text }, "del", "add"));
      added += lines.length;
    } else {
      const first = p === 0;
      const last = p === parts.length - 1;
      const keepHead = first ? 0 : CONTEXT_LINES;
      const keepTail = last ? 0 : CONTEXT_LINES;
      if (lines.length > keepHead + keepTail + 1) {
        for (let i = 0; i < keepHead; i++) rows.push(row({ line: left + i, text: lines[i]! }, { line: right + i, text: lines[i]! }, "", ""));
        const hidden = lines.length - keepHead - keepTail;
        rows.push(`<tr><td class="gap" colspan="4">… ${hidden} unchanged line${hidden === 1 ? "" : "s"} …</td></tr>`);
        for (let i = lines.length - keepTail; i < lines.length; i++) {
          rows.push(row({ line: left + i, text: lines[i]! }, { line: right + i, text: lines[i]! }, "", ""));
        }
      } else {
        for (let i = 0; i < lines.length; i++) rows.push(row({ line: left + i, text: lines[i]! }, { line: right + i, text: lines[i]! }, "", ""));
      }
      left += lines.length;
      right += lines.length;
    }
  }
  return { rows, added, removed };
}

function row(old: Side | undefined, now: Side | undefined, oldClass: string, newClass: string): string {
  const cell = (side: Side | undefined, cls: string) =>
    side === undefined ? `<td class="ln"></td><td></td>` : `<td class="ln">${side.line}</td><td${cls ? ` class="${cls}"` : ""}>${escapeHtml(side.text)}</td>`;
  return `<tr>${cell(old, oldClass)}${cell(now, newClass)}</tr>`;
}

function splitLines(value: string): string[] {
  const lines = value.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
