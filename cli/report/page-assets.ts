// The report page's inline style sheet and script (the page must open from a file with no network:
// no external fonts, scripts or styles). The script only adds interaction to what the HTML already
// shows: the matrix's bytes/operations toggle and choosing a synchronisation instance.
// Consumes nothing; produces CSS and JavaScript text for build-report.ts.

import { SYNC_PLOT } from "./syncs.js";

/** Colours of the categories, shared by the timeline, the bars, the table and the legends. */
const COLOURS = { run: "#e3e7ec", compute: "#aab4be", communicate: "#2f6fca", wait: "#e07b39", other: "#8e6bbf" };

export const REPORT_CSS = `
:root { color-scheme: light; --run: ${COLOURS.run}; --compute: ${COLOURS.compute}; --communicate: ${COLOURS.communicate}; --wait: ${COLOURS.wait}; --other: ${COLOURS.other}; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1d232a; background: #fff; }
header { padding: 16px 24px 8px; border-bottom: 1px solid #d8dde3; background: #f7f9fb; }
h1 { font-size: 20px; margin: 0 0 6px; }
h1 code { font-size: 19px; }
h2 { font-size: 16px; margin: 0 0 8px; }
main { padding: 0 24px 40px; }
section { margin: 22px 0; }
nav a { margin-right: 14px; }
a { color: #1f5fb0; }
code, .source { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; }
.facts { display: flex; flex-wrap: wrap; gap: 4px 22px; margin: 4px 0 8px; padding: 0; list-style: none; }
.facts b { font-weight: 600; }
.warning { margin: 8px 0; padding: 8px 12px; background: #fff3e0; border-left: 4px solid #d9822b; }
.warning ul { margin: 4px 0 0; padding-left: 20px; }
.note, .caption { color: #4a5561; margin: 4px 0 8px; }
.worst { margin: 4px 0 8px; font-weight: 600; }
.scroll { overflow-x: auto; max-width: 100%; }
svg text { font-size: 11px; fill: #3b4652; }
.image-label { text-anchor: end; }
.node-label { font-weight: 600; fill: #1d232a; }
.tick { stroke: #d8dde3; stroke-width: 1; }
.tick-label { fill: #6b7682; }
.axis { stroke: #8a949e; }
.axis-caption { fill: #4a5561; }
.span.run { fill: var(--run); }
.span.communicate { fill: var(--communicate); }
.span.wait { fill: var(--wait); }
.span.other { fill: var(--other); }
.span:hover { stroke: #111; stroke-width: 1; }
.flow { stroke: #1d232a; stroke-opacity: 0.35; stroke-width: 0.7; pointer-events: none; }
.matrix-cell { stroke: #fff; stroke-width: 0.5; }
.matrix-cell:hover { stroke: #111; stroke-width: 1.5; }
.toggle button { font: inherit; margin-left: 4px; padding: 2px 10px; border: 1px solid #b9c2cc; background: #fff; border-radius: 3px; cursor: pointer; }
.toggle button[aria-pressed="true"] { background: #1f5fb0; border-color: #1f5fb0; color: #fff; }
.legend { margin: 6px 0; color: #4a5561; }
.swatch { display: inline-block; width: 11px; height: 11px; vertical-align: -1px; border-radius: 2px; }
.heat-scale { display: inline-block; width: 120px; height: 11px; vertical-align: -1px; background: linear-gradient(to right, rgb(222,235,247), rgb(8,48,107)); }
.swatch.compute, .time-bar.compute { background: var(--compute); }
.swatch.communicate, .time-bar.communicate { background: var(--communicate); }
.swatch.wait, .time-bar.wait { background: var(--wait); }
.bars rect.compute { fill: var(--compute); }
.bars rect.communicate { fill: var(--communicate); }
.bars rect.wait { fill: var(--wait); }
.bars rect { stroke: #fff; stroke-width: 0.5; }
.sync-hit { fill: transparent; cursor: pointer; }
.sync-bar { fill: #8a949e; pointer-events: none; }
.sync-instance:hover .sync-bar { fill: #4a5561; }
.sync-instance.worst .sync-bar { fill: #c62828; }
.sync-instance.selected .sync-hit { fill: #1f5fb0; fill-opacity: 0.12; }
.sync-wait { fill: var(--wait); }
table.lines { border-collapse: collapse; }
table.lines th, table.lines td { padding: 3px 10px; border-bottom: 1px solid #e6e9ed; text-align: left; white-space: nowrap; }
table.lines th { font-weight: 600; background: #f7f9fb; }
table.lines .num { text-align: right; font-variant-numeric: tabular-nums; }
table.lines .bar-cell { width: 160px; }
.time-bar { display: block; height: 9px; min-width: 1px; border-radius: 2px; }
.source { border: 1px solid #d8dde3; border-radius: 4px; font-size: 13px; overflow-x: auto; }
.src-line { display: flex; align-items: baseline; min-height: 1.45em; white-space: pre; }
.src-line .ln { flex: none; width: 52px; padding-right: 10px; text-align: right; color: #8a949e; text-decoration: none; user-select: none; }
.src-line .cost { flex: none; width: 78px; padding-right: 10px; text-align: right; color: #b3541e; font-size: 12px; }
.src-line.hot { background: #fff6ee; }
.src-line:target { background: #fde68a; outline: 1px solid #d9a400; }
.badge { margin-left: 12px; padding: 0 6px; border-radius: 8px; background: #c62828; color: #fff; font-size: 11px; text-decoration: none; font-family: system-ui, sans-serif; }
`;

/** Reads the data block (#report-data) once; every handler works on elements the HTML already has. */
export const REPORT_SCRIPT = `
"use strict";
(function () {
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var PLOT = ${JSON.stringify(SYNC_PLOT)};

  // The matrix: both colourings were computed with the page; a click swaps them.
  var toggles = document.querySelectorAll(".matrix-toggle");
  toggles.forEach(function (button) {
    button.addEventListener("click", function () {
      var metric = button.getAttribute("data-metric");
      toggles.forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
      document.querySelectorAll(".matrix-cell").forEach(function (cell) {
        cell.setAttribute("fill", cell.getAttribute(metric === "ops" ? "data-fill-ops" : "data-fill-bytes"));
      });
      var max = document.getElementById("matrix-max");
      if (max) max.textContent = max.getAttribute("data-" + metric);
    });
  });

  // As format.ts's formatUs, so the captions read the same before and after a click.
  function fixed(v, digits) { return String(Number(v.toFixed(digits))); }
  function formatUs(us) {
    var abs = Math.abs(us);
    if (abs < 10) return fixed(us, 2) + " µs";
    if (abs < 1000) return fixed(us, 1) + " µs";
    if (abs < 1e6) return fixed(us / 1000, abs < 1e4 ? 2 : 1) + " ms";
    return fixed(us / 1e6, abs < 1e7 ? 2 : 1) + " s";
  }
  function known(values) { return values.filter(function (v) { return v !== null; }); }

  // A synchronisation instance: redraw each image's row, as syncs.ts drew the worst one.
  function selectSync(k) {
    var sync = data.syncs[k];
    var arrived = known(sync.arrivals);
    var first = arrived.length > 0 ? Math.min.apply(null, arrived) : 0;
    var last = Math.max.apply(null, known(sync.leaves).concat([first + 1e-9]));
    var scale = PLOT.width / (last - first);
    var longest = -1, longestUs = -1;
    for (var image = 0; image < data.images; image++) {
      var rect = document.getElementById("sync-wait-" + image);
      var a = sync.arrivals[image], l = sync.leaves[image];
      var known_ = a !== null && a !== undefined && l !== null && l !== undefined;
      var wait = known_ ? Math.max(0, l - a) : 0;
      if (known_ && wait > longestUs) { longest = image; longestUs = wait; }
      if (!rect) continue;
      rect.setAttribute("x", String(known_ ? PLOT.left + (a - first) * scale : PLOT.left));
      rect.setAttribute("width", String(known_ ? Math.max(0.5, wait * scale) : 0));
      rect.firstChild.textContent = known_
        ? "image " + image + ": arrived " + formatUs(a - first) + " after the first, waited " + formatUs(wait)
        : "image " + image + ": not recorded";
    }
    var imbalance = arrived.length < 2 ? 0 : Math.max.apply(null, arrived) - first;
    var who = longest >= 0 ? "; image " + longest + " waited longest, " + formatUs(longestUs) : "";
    document.getElementById("sync-caption").textContent =
      "Instance #" + sync.index + ": " + sync.op + " at line " + sync.line + ", first to last arrival " + formatUs(imbalance) + who + ".";
    document.querySelectorAll(".sync-instance").forEach(function (g) {
      g.classList.toggle("selected", Number(g.getAttribute("data-k")) === k);
    });
  }
  document.querySelectorAll(".sync-instance").forEach(function (g) {
    g.addEventListener("click", function () { selectSync(Number(g.getAttribute("data-k"))); });
  });
})();
`;
