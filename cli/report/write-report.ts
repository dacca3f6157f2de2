// `pgasc report FILE [-o OUT]`: reads a trace written by `pgasc run --trace`, checks that it is one
// this pgasc can show (one clear line when not: not JSON, not a trace, not pgasc's, another format
// version, a summary missing what the page draws), and writes the report page.
// Consumes a trace file's path; produces the HTML file (default: FILE with its extension replaced by
// .html) and returns its path. Errors are ReportError, whose message the command prints.

import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join, resolve } from "node:path";
import { TRACE_FORMAT_VERSION, type TraceFile } from "../../runtime/observe/trace-format.js";
import { buildReportHtml } from "./build-report.js";

export class ReportError extends Error {}

/** `run.json` → `run.html`, `trace` → `trace.html`; never the trace itself (`t.html` → `t.html.html`). */
export function defaultReportPath(tracePath: string): string {
  const ext = extname(tracePath);
  const replaced = join(dirname(tracePath), basename(tracePath, ext) + ".html");
  return resolve(replaced) === resolve(tracePath) ? `${tracePath}.html` : replaced;
}

export function writeReport(tracePath: string, outPath?: string): string {
  const trace = readTrace(tracePath);
  const out = outPath ?? defaultReportPath(tracePath);
  const html = buildReportHtml(trace);
  // Whole or not at all (a temporary file renamed), so a browser reloading it never sees half a page.
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(tmp, html);
    renameSync(tmp, out);
  } catch (e) {
    if (existsSync(tmp)) rmSync(tmp);
    throw new ReportError(`${out}: cannot write: ${(e as Error).message}`);
  }
  return out;
}

export function readTrace(path: string): TraceFile {
  if (!existsSync(path)) throw new ReportError(`${path}: no such file`);
  if (statSync(path).isDirectory()) throw new ReportError(`${path}: is a directory (give the file pgasc run --trace wrote)`);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ReportError(`${path}: cannot read: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ReportError(`${path}: not JSON (${(e as Error).message})`);
  }
  const problem = traceProblem(json);
  if (problem) throw new ReportError(`${path}: ${problem}`);
  return json as TraceFile;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isNumberOrNull = (v: unknown) => v === null || isNumber(v);

/** The first reason `json` is not a trace this report can draw, or undefined. */
export function traceProblem(json: unknown): string | undefined {
  if (!isObject(json) || !Array.isArray(json.traceEvents)) return "not a trace-event file (no traceEvents array)";
  if (!("pgasc" in json)) return "not a pgasc trace: run with pgasc run --trace";
  const s = json.pgasc;
  if (!isObject(s)) return "not a pgasc trace: its pgasc key is not an object";
  if (s.version !== TRACE_FORMAT_VERSION) {
    return `trace format version ${JSON.stringify(s.version)}, this pgasc reads version ${TRACE_FORMAT_VERSION}: trace the run again with this pgasc`;
  }
  const summaryProblem = summaryShapeProblem(s);
  if (summaryProblem) return `malformed pgasc summary: ${summaryProblem}`;
  const events = json.traceEvents as unknown[];
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (!isObject(e) || typeof e.name !== "string" || typeof e.ph !== "string" || !isNumber(e.ts) || !isNumber(e.pid) || !isNumber(e.tid)) {
      return `malformed event #${i}: needs name, ph, ts, pid and tid`;
    }
    if (e.ph === "X" && !isNumber(e.dur)) return `malformed event #${i}: an "X" event needs a numeric dur`;
  }
  return undefined;
}

/** Checks what the page reads, field by field, so that a damaged file fails here and not halfway through drawing. */
function summaryShapeProblem(s: Json): string | undefined {
  if (typeof s.program !== "string") return "program is not a string";
  if (!Array.isArray(s.source) || !s.source.every((l) => typeof l === "string")) return "source is not a list of lines";
  if (!isCount(s.images) || s.images < 1) return "images is not a whole number of at least 1";
  if (!isCount(s.nodes) || s.nodes < 1) return "nodes is not a whole number of at least 1";
  const images = s.images;
  const nodes = s.nodes;
  if (!Array.isArray(s.imageNode) || s.imageNode.length !== images || !s.imageNode.every((n) => isCount(n) && n < nodes)) {
    return `imageNode is not a node (0..${nodes - 1}) for each of the ${images} images`;
  }
  if (typeof s.complete !== "boolean") return "complete is not true or false";
  if (!Array.isArray(s.missing) || !s.missing.every((m) => typeof m === "string")) return "missing is not a list of strings";
  if (!Array.isArray(s.dropped) || !s.dropped.every(isCount)) return "dropped is not a list of counts";
  if (!isNumber(s.startUs) || !isNumber(s.endUs)) return "startUs or endUs is not a number";
  if (!Array.isArray(s.perImage)) return "perImage is not a list";
  for (const t of s.perImage) {
    if (!isObject(t) || !["image", "node", "totalUs", "computeUs", "communicateUs", "waitUs"].every((k) => isNumber(t[k])))
      return "perImage has an entry without its numbers";
  }
  if (!Array.isArray(s.lines)) return "lines is not a list";
  for (const l of s.lines) {
    if (!isObject(l) || typeof l.op !== "string" || (l.category !== "wait" && l.category !== "communicate"))
      return "lines has an entry without op or category";
    if (!["line", "col", "ops", "bytes", "timeUs", "worstImage", "worstTimeUs"].every((k) => isNumber(l[k])))
      return "lines has an entry without its numbers";
  }
  const matrix = s.matrix;
  if (!isObject(matrix)) return "matrix is missing";
  for (const key of ["bytes", "ops"]) {
    const m = matrix[key];
    if (!Array.isArray(m) || m.length !== images || !m.every((row) => Array.isArray(row) && row.length === images && row.every(isNumber))) {
      return `matrix.${key} is not ${images}×${images} numbers`;
    }
  }
  if (!Array.isArray(s.syncs)) return "syncs is not a list";
  for (const sync of s.syncs) {
    if (!isObject(sync) || !isNumber(sync.index) || typeof sync.op !== "string" || !isNumber(sync.line))
      return "syncs has an entry without index, op or line";
    for (const key of ["arrivals", "leaves"]) {
      const times = sync[key];
      if (!Array.isArray(times) || times.length !== images || !times.every(isNumberOrNull))
        return `syncs has ${key} that are not one time (or null) per image`;
    }
  }
  return undefined;
}
