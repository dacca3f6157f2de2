// The pure core of the benchmark harness: parses the `RESULT name value unit` / `INVALID text`
// lines benchmark programs print, summarises repeated samples, and turns a pgasc figure and its
// peer's into a speed ratio checked against a goal. No I/O; unit-tested in test/unit/bench-*.

export interface Measurement {
  name: string;
  value: number;
  unit: string;
}

export interface ParsedOutput {
  results: Measurement[];
  /** Lines starting with INVALID: the program's own validation failed. */
  invalid: string[];
}

/** Accepts "RESULT name value unit..." with any spacing and Fortran or JS number forms. */
export function parseResultLines(text: string): ParsedOutput {
  const results: Measurement[] = [];
  const invalid: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith("INVALID")) {
      invalid.push(line.slice("INVALID".length).trim());
      continue;
    }
    const m = /^RESULT\s+(\S+)\s+(\S+)(?:\s+(.*))?$/.exec(line);
    if (!m) continue;
    const value = Number(m[2]!.replace(/[dD]/, "e"));
    if (!Number.isFinite(value)) continue;
    results.push({ name: m[1]!, value, unit: (m[3] ?? "").trim() });
  }
  return { results, invalid };
}

export type Direction = "lower" | "higher";

/** Units whose smaller values are better (times); everything else is a rate. */
export function directionOfUnit(unit: string): Direction {
  return /^(ns|us|µs|ms|s)$/.test(unit) ? "lower" : "higher";
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function best(values: readonly number[], direction: Direction): number {
  if (values.length === 0) return NaN;
  return direction === "lower" ? Math.min(...values) : Math.max(...values);
}

/**
 * How many times faster pgasc is than its peer (above 1: pgasc wins), whatever the unit's
 * direction: peer/pgasc for times, pgasc/peer for rates. NaN when either side is missing.
 */
export function speedRatio(pgasc: number, peer: number, direction: Direction): number {
  if (!(pgasc > 0) || !(peer > 0)) return NaN;
  return direction === "lower" ? peer / pgasc : pgasc / peer;
}

/** A goal is either a minimum speed ratio against the peer or a bound on pgasc's own value. */
export type Goal =
  | { kind: "ratio"; min: number; text: string }
  | { kind: "max-value"; max: number; text: string };

export type Verdict = "met" | "missed" | "pending" | "none";

export function evaluateGoal(goal: Goal | undefined, pgasc: number, ratio: number): Verdict {
  if (!goal) return "none";
  if (goal.kind === "ratio") {
    if (!Number.isFinite(ratio)) return "pending";
    return ratio >= goal.min ? "met" : "missed";
  }
  if (!Number.isFinite(pgasc)) return "pending";
  return pgasc <= goal.max ? "met" : "missed";
}

/** How far a missed goal is: the factor by which pgasc must still improve (1.5 = 50% faster). */
export function shortfall(goal: Goal | undefined, pgasc: number, ratio: number): number {
  if (!goal) return NaN;
  if (goal.kind === "ratio") return Number.isFinite(ratio) && ratio > 0 ? goal.min / ratio : NaN;
  return Number.isFinite(pgasc) && pgasc > 0 ? pgasc / goal.max : NaN;
}

/** Three significant digits, switching to exponent form only for very large or small values. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return "-";
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e7 || abs < 1e-3)) return value.toExponential(2);
  if (abs >= 100) return Math.round(value).toString();
  return value.toPrecision(3);
}
