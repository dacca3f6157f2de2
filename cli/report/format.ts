// Text helpers of the report page: HTML escaping, data safe inside a <script>, and the units the
// report shows (microseconds, bytes, counts) plus "nice" axis ticks.
// Consumes strings and numbers from a trace; produces strings for build-report.ts and its parts.

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text from the trace (names, source lines) as HTML text or an attribute value. */
export function escapeHtml(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * JSON for a <script type="application/json"> block: `<` is written as \u003c so that no text of
 * the program (a `</script>` or `<!--` in a source line) can end the block early; U+2028/U+2029
 * are escaped too so the text stays valid wherever a tool treats it as JavaScript.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Microseconds, with the unit that keeps 2-3 significant digits. */
export function formatUs(us: number): string {
  const abs = Math.abs(us);
  if (abs < 10) return `${round(us, 2)} µs`;
  if (abs < 1000) return `${round(us, 1)} µs`;
  if (abs < 1e6) return `${round(us / 1000, abs < 1e4 ? 2 : 1)} ms`;
  return `${round(us / 1e6, abs < 1e7 ? 2 : 1)} s`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${round(value, value < 10 ? 2 : 1)} ${units[unit]}`;
}

/** 1234567 → "1,234,567": counts are read, not computed with. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

export function formatPercent(part: number, whole: number): string {
  return whole > 0 ? `${round((100 * part) / whole, 1)}%` : "0%";
}

function round(value: number, digits: number): string {
  // Number(...) drops trailing zeros: "1.5 ms", not "1.50 ms".
  return String(Number(value.toFixed(digits)));
}

/** A number with at most 2 decimals for SVG coordinates: smaller pages, no visible difference. */
export function px(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** Tick positions for [0, span]: steps of 1, 2 or 5 × 10^k giving about `count` ticks. */
export function niceTicks(span: number, count: number): number[] {
  if (!(span > 0)) return [0];
  const rough = span / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let t = 0; t <= span + step * 1e-9; t += step) ticks.push(t);
  return ticks;
}
