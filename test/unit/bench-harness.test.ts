// Unit tests for the pure parts of the benchmark harness (bench/harness/results.ts, report.ts,
// report-html.ts, figures.ts): RESULT parsing, ratios and goals, the table, and that the HTML
// page with its inline SVG charts is well-formed and self-contained. Consumes the TS sources.

import { describe, expect, it } from "vitest";
import { buildCatalogue, jobKey } from "../../bench/harness/figures.js";
import { formatGoalSummary, formatTable, type FigureResult, type Report } from "../../bench/harness/report.js";
import { barChart, escapeXml, lineChart, renderHtml } from "../../bench/harness/report-html.js";
import {
  best, directionOfUnit, evaluateGoal, formatNumber, median, parseResultLines, shortfall, speedRatio,
} from "../../bench/harness/results.js";

describe("parseResultLines", () => {
  it("reads pgasc, Fortran and JS forms and ignores other output", () => {
    const out = parseResultLines(
      [
        "hello from image 0",
        "RESULT get_latency 0.025358200073242188 us",
        "RESULT sync_all   5.023959E-01 us",
        " RESULT fine_put_rate 4.6D+06 puts/s ",
        "RESULT co_sum_1m 22.8 ms",
        "RESULT broken notanumber us",
        "RESULTS x 1 us",
      ].join("\n"),
    );
    expect(out.results).toEqual([
      { name: "get_latency", value: 0.025358200073242188, unit: "us" },
      { name: "sync_all", value: 0.5023959, unit: "us" },
      { name: "fine_put_rate", value: 4.6e6, unit: "puts/s" },
      { name: "co_sum_1m", value: 22.8, unit: "ms" },
    ]);
    expect(out.invalid).toEqual([]);
  });

  it("collects INVALID lines (a program's own validation failing)", () => {
    const out = parseResultLines("INVALID nstream: 3 wrong elements\r\nRESULT x 1 MB/s\r\n");
    expect(out.invalid).toEqual(["nstream: 3 wrong elements"]);
    expect(out.results).toHaveLength(1);
  });

  it("accepts a result without a unit", () => {
    expect(parseResultLines("RESULT n 42").results).toEqual([{ name: "n", value: 42, unit: "" }]);
  });
});

describe("ratios and goals", () => {
  it("directions come from the unit", () => {
    expect(directionOfUnit("us")).toBe("lower");
    expect(directionOfUnit("ms")).toBe("lower");
    expect(directionOfUnit("MB/s")).toBe("higher");
    expect(directionOfUnit("puts/s")).toBe("higher");
  });

  it("median and best", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNaN();
    expect(best([3, 1, 2], "lower")).toBe(1);
    expect(best([3, 1, 2], "higher")).toBe(3);
  });

  it("speed ratio: above 1 means pgasc is faster, for times and for rates", () => {
    expect(speedRatio(0.1, 0.2, "lower")).toBeCloseTo(2);
    expect(speedRatio(10, 5, "higher")).toBeCloseTo(2);
    expect(speedRatio(0.4, 0.2, "lower")).toBeCloseTo(0.5);
    expect(speedRatio(NaN, 1, "lower")).toBeNaN();
    expect(speedRatio(1, 0, "higher")).toBeNaN();
  });

  it("ratio goals: met, missed with its shortfall, pending without a value", () => {
    const goal = { kind: "ratio", min: 2, text: "≥2×" } as const;
    expect(evaluateGoal(goal, 1, 2.5)).toBe("met");
    expect(evaluateGoal(goal, 1, 2)).toBe("met");
    expect(evaluateGoal(goal, 1, 0.5)).toBe("missed");
    expect(shortfall(goal, 1, 0.5)).toBeCloseTo(4);
    expect(evaluateGoal(goal, NaN, NaN)).toBe("pending");
    expect(evaluateGoal(undefined, 1, 1)).toBe("none");
  });

  it("bound goals look at pgasc's own value", () => {
    const goal = { kind: "max-value", max: 1000, text: "< 1 s" } as const;
    expect(evaluateGoal(goal, 650, NaN)).toBe("met");
    expect(evaluateGoal(goal, 1500, NaN)).toBe("missed");
    expect(shortfall(goal, 1500, NaN)).toBeCloseTo(1.5);
    expect(evaluateGoal(goal, NaN, NaN)).toBe("pending");
  });

  it("numbers keep three significant digits", () => {
    expect(formatNumber(0.025358)).toBe("0.0254");
    expect(formatNumber(123.4)).toBe("123");
    expect(formatNumber(4.6e7)).toBe("4.60e+7");
    expect(formatNumber(NaN)).toBe("-");
  });
});

describe("catalogue", () => {
  const samples = ["/x/samples/hello.pgas"];
  it("skips cross-node pgasc sides with the reason and keeps their peers", () => {
    const figures = buildCatalogue({ quick: true, crossNodeUnavailable: "no --nodes yet", samples });
    const cross = figures.filter((f) => f.group === "across nodes");
    expect(cross.length).toBeGreaterThan(0);
    for (const f of cross) {
      expect(f.pgasc).toEqual({ skip: "no --nodes yet" });
      expect(f.peer).toBeDefined();
    }
  });

  it("runs cross-node pgasc with --nodes when available, same counts as the peer", () => {
    const figures = buildCatalogue({ quick: false, crossNodeUnavailable: null, samples });
    const f = figures.find((x) => x.id === "x_fine_put_rate/2")!;
    expect(f.pgasc && "job" in f.pgasc && f.pgasc.job.nodes).toBe(2);
    const pj = f.pgasc && "job" in f.pgasc ? f.pgasc.job : null;
    expect(pj!.args.slice(0, 2)).toEqual(f.peer!.job.args.slice(0, 2));
    expect(figures.some((x) => x.id === "build/hello" && x.goal?.kind === "max-value")).toBe(true);
  });

  it("figure ids are unique and every goal is present", () => {
    const figures = buildCatalogue({ quick: false, crossNodeUnavailable: null, samples });
    const ids = figures.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    const loops = ["nstream", "transpose", "stencil"].flatMap((k) => ["top", "fn"].flatMap((form) => [1, 16].map((n) => `loops_${k}_${form}/${n}`)));
    for (const id of [...loops, "loops_nstream_c/1", "get_latency/2", "sync_all_cold/2", "sync_all_cold/16", "fine_put_rate/2",
      "x_get_latency_vs_tcp/2", "x_fine_put_rate/2", "x_bulk_bw_vs_tcp/2", "build/hello"]) {
      expect(figures.find((f) => f.id === id)?.goal, id).toBeDefined();
    }
    expect(jobKey({ side: "pgasc", program: "micro", images: 2, nodes: 2, args: ["sync", "10"], timeoutSeconds: 1 }))
      .toBe("pgasc:micro:n2@2nodes:sync 10");
  });
});

function fakeReport(): Report {
  const figure = (over: Partial<FigureResult>): FigureResult => ({
    id: "get_latency/2", label: "scalar get, 2 images", group: "one node: micro", unit: "us", direction: "lower",
    peerName: "OpenCoarrays shm", pgasc: { value: 0.1, samples: [0.1] }, peer: { value: 0.25, samples: [0.25] },
    ratio: 2.5, goal: "≥2× faster", verdict: "met", shortfall: null, attainment: 1.25, ...over,
  });
  return {
    title: "pgasc <bench> & \"peers\"", startedAt: "2025-01-01T00:00:00Z", seconds: 12, quick: true, repeats: 1,
    machine: { node: "v20", cpus: 2, cpuModel: "Test CPU", platform: "linux x64" },
    notes: ["Cross-node figures skipped: <not yet>"],
    figures: [
      figure({}),
      figure({ id: "sync_all/2", label: "sync all, 2 images", ratio: 0.05, verdict: "missed", shortfall: 20, attainment: 0.05 }),
      figure({ id: "x_get/2", label: "scalar get, 2 nodes", group: "across nodes", pgasc: { value: null, samples: [], note: "no --nodes" }, ratio: null, verdict: "pending", attainment: null }),
      figure({ id: "tcp_rtt_8", label: "raw TCP", group: "transport floors", pgasc: null, ratio: null, goal: null, verdict: "none", attainment: null }),
    ],
    charts: [
      { chart: "latency-by-size", series: "pgasc", x: 8, y: 2, unit: "us" },
      { chart: "latency-by-size", series: "pgasc", x: 8388608, y: 400, unit: "us" },
      { chart: "latency-by-size", series: "caf", x: 8, y: 0.15, unit: "us" },
      { chart: "barrier", series: "pgasc", x: 2, y: 100, unit: "us" },
      { chart: "barrier", series: "pgasc", x: 16, y: 180, unit: "us" },
      { chart: "kernel:nstream", series: "pgasc", x: 2, y: 19000, unit: "MB/s" },
      { chart: "kernel:nstream", series: "caf", x: 2, y: 70000, unit: "MB/s" },
    ],
    extras: [{ name: "check-speed", output: "lines/s <fast>" }],
  };
}

/** A small XML well-formedness check: balanced tags, quoted attributes, no raw & or <. */
function assertWellFormed(xml: string): void {
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<!DOCTYPE[^>]*>|<|&(?!amp;|lt;|gt;|quot;|#39;)/g;
  let m: RegExpExecArray | null;
  while ((m = tag.exec(xml))) {
    if (m[0] === "<" || m[0].startsWith("&")) throw new Error(`stray ${m[0]} at ${m.index}: ${xml.slice(m.index, m.index + 40)}`);
    if (m[0].startsWith("<!DOCTYPE")) continue;
    const [, close, name, , selfClose] = m;
    const voidTag = ["meta", "br", "hr", "img", "input", "link"].includes(name!.toLowerCase());
    if (close) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}> at ${m.index}`);
    } else if (!selfClose && !voidTag) stack.push(name!);
  }
  expect(stack).toEqual([]);
}

describe("reports", () => {
  it("the table has the issue's columns and marks missed goals with their shortfall", () => {
    const text = formatTable(fakeReport());
    expect(text.split("\n")[0]).toMatch(/figure\s+unit\s+pgasc\s+peer\s+peer value\s+ratio\s+goal\s+met\?/);
    expect(text).toContain("NO (×20.0 short)");
    expect(text).toContain("skipped");
    const goals = formatGoalSummary(fakeReport());
    expect(goals).toContain("MISSED  sync all, 2 images");
    expect(goals).toContain("PENDING scalar get, 2 nodes: goal ≥2× faster — no --nodes");
    expect(goals).not.toContain("raw TCP");
  });

  it("the HTML page is well-formed, escaped, self-contained and has its charts", () => {
    const html = renderHtml(fakeReport());
    assertWellFormed(html);
    expect(html).toContain("pgasc &lt;bench&gt; &amp; &quot;peers&quot;");
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs.length).toBe(4); // goals, latency by size, barrier, nstream
    expect(html).toContain("Transfer time by message size");
    expect(html).toContain("sync all by image count");
    expect(html).toContain("nstream: rate by image count");
    for (const svg of svgs) assertWellFormed(svg);
  });

  it("charts survive empty, zero and single-point data", () => {
    assertWellFormed(lineChart("t", [{ name: "a", points: [[1, 0]] }], { log: true, label: "x" }, { log: true, label: "y" }));
    assertWellFormed(lineChart("t", [], { log: false, label: "x" }, { log: false, label: "y" }));
    assertWellFormed(barChart("t", ["2 images"], [{ name: "a<b", values: [null] }], "MB/s"));
    expect(escapeXml(`<a href="x">&'`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
  });
});
