// Turns diagnostics into the text people read: `FILE:LINE:COL: error: message [CODE]`, the source
// line, and a caret (with tildes under the rest of the range on that line).
// Consumes Diagnostic records and the source text; gives a string for stderr.

import pc from "picocolors";
import type { Diagnostic } from "./diagnostic.js";
import type { Span } from "./span.js";

export interface RenderOptions {
  /** Wrap severities in ANSI colours (only when writing to a terminal). */
  color?: boolean;
}

export function renderDiagnostics(diags: Diagnostic[], source: string, opts: RenderOptions = {}): string {
  const lines = source.split(/\r\n|\r|\n/);
  return diags.map((d) => renderOne(d, lines, opts)).join("");
}

function renderOne(d: Diagnostic, lines: string[], opts: RenderOptions): string {
  const c = pc.createColors(opts.color === true);
  const severity = d.severity === "error" ? c.bold(c.red("error:")) : c.bold(c.cyan(`${d.severity}:`));
  let out = `${c.bold(`${d.file}:${d.span.line}:${d.span.col}:`)} ${severity} ${d.message} [${d.code}]\n`;
  out += excerpt(d.span, lines, c.green);
  for (const r of d.related) {
    out += `${c.bold(`${d.file}:${r.span.line}:${r.span.col}:`)} ${c.bold(c.cyan("note:"))} ${r.message}\n`;
    out += excerpt(r.span, lines, c.green);
  }
  return out;
}

/** The source line of `span` and a caret line under it. Long lines are cut around the column. */
function excerpt(span: Span, lines: string[], paint: (s: string) => string): string {
  const text = lines[span.line - 1];
  if (text === undefined) return "";
  const MAX = 160;
  let shown = text.replace(/\t/g, " ");
  let col = span.col - 1;
  if (shown.length > MAX) {
    const from = Math.max(0, Math.min(col - 40, shown.length - MAX));
    shown = (from > 0 ? "..." : "") + shown.slice(from, from + MAX) + (from + MAX < text.length ? "..." : "");
    col = col - from + (from > 0 ? 3 : 0);
  }
  // Make control characters visible so the caret stays aligned.
  shown = shown.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, "?");
  const width = Math.max(1, Math.min(span.end - span.start, shown.length - col));
  const marker = "^" + "~".repeat(Math.max(0, Math.min(width, 80) - 1));
  return `${shown}\n${" ".repeat(Math.max(0, col))}${paint(marker)}\n`;
}
