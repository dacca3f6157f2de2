// Tests of cli/report/write-report.ts and of `pgasc report` as a user runs it (dist/cli/pgasc.js,
// built by `npm run build`): the default output path, the page written, and one clear line for
// each kind of file it cannot show, with the command's exit statuses.

import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultReportPath, ReportError, writeReport } from "../../cli/report/write-report.js";
import { TRACE_FORMAT_VERSION } from "../../runtime/observe/trace-format.js";
import { runAsync } from "../support/run-async.js";
import { syntheticTrace } from "./synthetic-trace.js";

const root = join(import.meta.dirname, "..", "..");
const cli = join(root, "dist", "cli", "pgasc.js");

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "pgasc-report-"));
}

function writeJson(dir: string, name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
  return path;
}

describe("defaultReportPath", () => {
  it.each([
    ["run.json", "run.html"],
    ["out/trace", "out/trace.html"],
    ["a.b/trace.v1.json", "a.b/trace.v1.html"],
    ["page.html", "page.html.html"],
  ])("%s → %s", (trace, report) => {
    expect(defaultReportPath(trace)).toBe(report);
  });
});

describe("writeReport", () => {
  it("writes the page beside the trace and returns its path", () => {
    const dir = tempDir();
    const trace = writeJson(dir, "run.json", syntheticTrace({ images: 4, nodes: 2 }));
    const out = writeReport(trace);
    expect(out).toBe(join(dir, "run.html"));
    expect(readFileSync(out, "utf8")).toContain("<title>pgasc report: halo.pgas</title>");
    expect(writeReport(trace, join(dir, "sub", "other.html"))).toBe(join(dir, "sub", "other.html"));
    expect(existsSync(join(dir, "sub", "other.html"))).toBe(true);
  });

  const good = syntheticTrace({ images: 2, nodes: 1 });
  const bad: [string, unknown, string][] = [
    ["not JSON", "{ traceEvents: [", "not JSON ("],
    ["an array", [], "not a trace-event file (no traceEvents array)"],
    ["an object without traceEvents", { events: [] }, "not a trace-event file (no traceEvents array)"],
    ["a trace of another program", { traceEvents: [] }, "not a pgasc trace: run with pgasc run --trace"],
    [
      "another format version",
      { ...good, pgasc: { ...good.pgasc, version: TRACE_FORMAT_VERSION + 1 } },
      `trace format version ${TRACE_FORMAT_VERSION + 1}, this pgasc reads version ${TRACE_FORMAT_VERSION}`,
    ],
    [
      "a matrix of the wrong size",
      { ...good, pgasc: { ...good.pgasc, matrix: { bytes: [[0]], ops: [[0]] } } },
      "malformed pgasc summary: matrix.bytes is not 2×2 numbers",
    ],
    [
      "an event without ts",
      { ...good, traceEvents: [{ name: "x", ph: "X", pid: 0, tid: 0, dur: 1 }] },
      "malformed event #0: needs name, ph, ts, pid and tid",
    ],
  ];

  it.each(bad)("refuses %s in one line", (_name, content, message) => {
    const dir = tempDir();
    const path = writeJson(dir, "t.json", content);
    expect(() => writeReport(path)).toThrow(ReportError);
    expect(() => writeReport(path)).toThrow(`${path}: ${message}`);
    expect(existsSync(join(dir, "t.html"))).toBe(false);
  });

  it("says when it cannot write the page", () => {
    const dir = tempDir();
    const trace = writeJson(dir, "run.json", syntheticTrace({ images: 2, nodes: 1 }));
    expect(() => writeReport(trace, join(trace, "page.html"))).toThrow(`${join(trace, "page.html")}: cannot write: `);
  });

  it("refuses a missing file", () => {
    expect(() => writeReport("/nonexistent/run.json")).toThrow("/nonexistent/run.json: no such file");
  });
});

describe("pgasc report", () => {
  const pgasc = (args: string[], cwd: string) => runAsync(process.execPath, [cli, ...args], { cwd, timeoutMs: 120_000 });

  it("writes the page and says where", async () => {
    const dir = tempDir();
    writeJson(dir, "run.json", syntheticTrace({ images: 3, nodes: 1 }));
    const r = await pgasc(["report", "run.json"], dir);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("wrote run.html\n");
    expect(readFileSync(join(dir, "run.html"), "utf8")).toContain(`class="matrix-cell"`);
    const o = await pgasc(["report", "run.json", "-o", "page.html"], dir);
    expect([o.status, o.stdout]).toEqual([0, "wrote page.html\n"]);
    const long = await pgasc(["report", "--output", "x/y.html", "run.json"], dir);
    expect([long.status, long.stdout]).toEqual([0, "wrote x/y.html\n"]);
  });

  it("prints one line and exits 1 for a file it cannot show", async () => {
    const dir = tempDir();
    writeJson(dir, "other.json", { traceEvents: [] });
    const r = await pgasc(["report", "other.json"], dir);
    expect([r.status, r.stdout, r.stderr]).toEqual([1, "", "pgasc: other.json: not a pgasc trace: run with pgasc run --trace\n"]);
    const missing = await pgasc(["report", "none.json"], dir);
    expect([missing.status, missing.stderr]).toEqual([1, "pgasc: none.json: no such file\n"]);
  });

  it("exits 2 without a file", async () => {
    const r = await pgasc(["report"], tempDir());
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/missing required argument 'file'/);
  });
});
