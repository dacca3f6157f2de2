// Unit tests of cli/report/build-report.ts on synthetic traces: the page's structure (one matrix
// cell per pair of images, one table row per line, sorted by time, the listing's anchors), the
// escaping of text from the trace (a `</script>` in the program cannot break out), the warnings
// about missing data, the bound on the timeline, and nothing fetched from the network.

import { describe, expect, it } from "vitest";
import { buildReportHtml } from "../../cli/report/build-report.js";
import { MAX_TIMELINE_SPANS } from "../../cli/report/timeline.js";
import { checkTrace } from "../support/trace-check.js";
import { HOT_LINE, SYNC_LINE, syntheticTrace } from "./synthetic-trace.js";

const HOSTILE = `print("</script><b>not bold</b><!--")`;
const N = 6;
const K = 2;

function count(html: string, needle: string): number {
  return html.split(needle).length - 1;
}

/** The JSON data block, parsed as the page's script parses it. */
function embeddedData(html: string): { program: string; images: number; syncs: unknown[] } {
  const match = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  if (!match) throw new Error("no data block");
  return JSON.parse(match[1]!);
}

describe("buildReportHtml", () => {
  const trace = syntheticTrace({ images: N, nodes: K, program: "halo</script><b>.pgas", extraSource: [HOSTILE] });
  const html = buildReportHtml(trace);

  it("is built from a valid trace", () => {
    expect(checkTrace(trace)).toEqual([]);
  });

  it("is one HTML page with the sections", () => {
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    for (const id of ["timeline", "matrix", "lines", "image-totals", "sync-instances", "sync-waits", "source"]) expect(html).toContain(`id="${id}"`);
  });

  it("has one matrix cell per pair of images, each with a title", () => {
    expect(count(html, `class="matrix-cell"`)).toBe(N * N);
    expect(html).toMatch(/<rect class="matrix-cell"[^>]*><title>image 0 → image 1: 3 KiB in 6 operations</);
  });

  it("shows every line, sorted by time, each linking to the listing", () => {
    expect(count(html, `<tr class="line-row`)).toBe(trace.pgasc.lines.length);
    const links = [...html.matchAll(/<tr class="line-row[^"]*"><td><a href="#L(\d+)">/g)].map((m) => Number(m[1]));
    expect(links[0]).toBe(HOT_LINE);
    expect(links).toEqual(trace.pgasc.lines.map((l) => l.line));
    for (let n = 1; n <= trace.pgasc.source.length; n++) expect(html).toContain(`id="L${n}"`);
    expect(html).toMatch(new RegExp(`<div class="src-line hot" id="L${HOT_LINE}">`));
  });

  it("escapes text from the trace in the markup and in the data block", () => {
    // Two script elements, so exactly two closing tags: the program's text opened none.
    expect(count(html, "</script>")).toBe(2);
    expect(html).not.toContain("<b>not bold");
    expect(html).not.toContain("<!--");
    expect(html).toContain("print(&quot;&lt;/script&gt;&lt;b&gt;not bold&lt;/b&gt;&lt;!--&quot;)");
    expect(html).toContain("<title>pgasc report: halo&lt;/script&gt;&lt;b&gt;.pgas</title>");
    expect(embeddedData(html).program).toBe("halo</script><b>.pgas");
  });

  it("highlights the worst synchronisation and the image that waited there", () => {
    expect(html).toContain(`<g class="sync-instance worst selected" data-k="2">`);
    expect(html).toMatch(new RegExp(`Worst: instance #2, sync all at <a href="#L${SYNC_LINE}">line ${SYNC_LINE}</a>`));
    expect(html).toMatch(/id="sync-caption"[^>]*>Instance #2: sync all at line 7, first to last arrival [\d.]+ ms; image 0 waited longest/);
    expect(embeddedData(html).syncs).toHaveLength(trace.pgasc.syncs.length);
  });

  it("draws one rectangle per span and one line per flow", () => {
    const spans = trace.traceEvents.filter((e) => e.ph === "X").length;
    const flows = trace.traceEvents.filter((e) => e.ph === "s").length;
    expect(count(html, `<rect class="span `)).toBe(spans);
    expect(count(html, `<line class="flow"`)).toBe(flows);
    expect(html).not.toContain("omitted");
  });

  it("warns of nothing when the trace is complete", () => {
    expect(html).not.toContain(`id="incomplete"`);
    expect(html).not.toContain(`id="dropped"`);
  });

  it("fetches nothing: no external scripts, styles, fonts or images", () => {
    expect(html).not.toMatch(/\ssrc=/);
    expect(html).not.toMatch(/href="(?!#)/);
    expect(html).not.toMatch(/@import|url\(/);
  });
});

describe("buildReportHtml on a damaged run", () => {
  it("shows an incomplete trace's missing data and the dropped events", () => {
    const dropped = [0, 0, 1234, 0, 5, 0];
    const trace = syntheticTrace({ images: N, nodes: K, complete: false, missing: ["node 1 (images 3-5): no data <lost>"], dropped });
    const html = buildReportHtml(trace);
    expect(html).toMatch(/<div class="warning" id="incomplete"><b>Incomplete trace:<\/b>/);
    expect(html).toContain("<li>node 1 (images 3-5): no data &lt;lost&gt;</li>");
    expect(html).toMatch(/<div class="warning" id="dropped"><b>1,239 events dropped<\/b>/);
    expect(html).toContain("image 2: 1,234, image 4: 5");
  });

  it("bounds the timeline and says how many spans it left out", () => {
    const trace = syntheticTrace({ images: 8, nodes: 2, steps: 1000 });
    const foreground = trace.traceEvents.filter((e) => e.ph === "X" && e.cat !== "run").length;
    expect(foreground).toBeGreaterThan(MAX_TIMELINE_SPANS);
    const html = buildReportHtml(trace);
    expect(count(html, `<rect class="span `)).toBe(MAX_TIMELINE_SPANS + 8);
    expect(html).toContain(`${(foreground - MAX_TIMELINE_SPANS).toLocaleString("en-US")} of ${foreground.toLocaleString("en-US")} spans omitted`);
  });

  it("says so when nothing communicated or synchronised", () => {
    const trace = syntheticTrace({ images: 2, nodes: 1, steps: 0 });
    trace.pgasc.syncs = [];
    trace.pgasc.lines = [];
    trace.pgasc.matrix = {
      bytes: [
        [0, 0],
        [0, 0],
      ],
      ops: [
        [0, 0],
        [0, 0],
      ],
    };
    const html = buildReportHtml(trace);
    expect(html).toContain("No collective synchronisation was recorded.");
    expect(html).toContain("No line communicated or synchronised.");
    expect(html).toContain("No remote memory operations were recorded.");
    expect(count(html, `class="matrix-cell"`)).toBe(4);
  });
});
