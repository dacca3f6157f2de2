// The report page as a browser renders it: `pgasc report` (dist/cli/pgasc.js) writes the page of a
// synthetic trace, headless Chromium (Debian's /usr/bin/chromium, driven by puppeteer-core) opens
// it from file://, and the test checks what is drawn: the charts have a size, one matrix cell per
// pair of images, the bytes/operations toggle recolours the cells, choosing a synchronisation
// redraws the waits, a line link highlights the source line, nothing is fetched, no script error,
// and the screenshot is not blank. Skipped, saying why, where Chromium is not installed.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncCaption } from "../../cli/report/syncs.js";
import { chromiumMissing, launchChromium } from "../support/chromium.js";
import { runAsync } from "../support/run-async.js";
import { HOT_LINE, syntheticTrace } from "./synthetic-trace.js";

/** The browser's own, in callbacks that run in the page (the tests are compiled without the DOM library). */
declare function getComputedStyle(element: unknown): { fill: string; backgroundColor: string };

const root = join(import.meta.dirname, "..", "..");
const cli = join(root, "dist", "cli", "pgasc.js");

const missing = chromiumMissing();
const N = 6;
const trace = syntheticTrace({ images: N, nodes: 2, extraSource: [`print("</script><b>not bold</b>")`] });

describe.skipIf(missing !== "")(`the report in Chromium${missing ? ` (skipped: ${missing})` : ""}`, () => {
  let browser: Browser;
  let page: Page;
  let url: string;
  const errors: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "pgasc-report-browser-"));
    writeFileSync(join(dir, "run.json"), JSON.stringify(trace));
    const made = await runAsync(process.execPath, [cli, "report", "run.json"], { cwd: dir, timeoutMs: 120_000 });
    expect(made.stderr).toBe("");
    expect(made.stdout).toBe("wrote run.html\n");
    url = pathToFileURL(join(dir, "run.html")).href;
    browser = await launchChromium();
    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(`console: ${message.text()}`);
    });
    page.on("pageerror", (error) => errors.push(`page: ${(error as Error).message}`));
    page.on("request", (request) => requests.push(request.url()));
    await page.goto(url, { waitUntil: "load" });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("draws every chart with a size", async () => {
    for (const id of ["timeline", "matrix", "image-totals", "sync-instances", "sync-waits", "lines", "source"]) {
      const box = await (await page.$(`#${id}`))?.boundingBox();
      expect(box, `#${id} is not rendered`).toBeTruthy();
      expect(box!.width, `#${id} width`).toBeGreaterThan(0);
      expect(box!.height, `#${id} height`).toBeGreaterThan(0);
    }
    const spans = await page.$$eval("#timeline rect.span", (rects) => rects.map((r) => r.getBoundingClientRect().width));
    expect(spans.length).toBe(trace.traceEvents.filter((e) => e.ph === "X").length);
    expect(spans.every((w) => w > 0)).toBe(true);
  });

  it("has one visible matrix cell per pair of images", async () => {
    const sizes = await page.$$eval(".matrix-cell", (cells) => cells.map((c) => c.getBoundingClientRect()).map((r) => r.width * r.height));
    expect(sizes).toHaveLength(N * N);
    expect(sizes.every((area) => area > 0)).toBe(true);
  });

  it("recolours the matrix cells by bytes or operations", async () => {
    const fills = () => page.$$eval(".matrix-cell", (cells) => cells.map((c) => getComputedStyle(c).fill));
    const byBytes = await fills();
    await page.click('.matrix-toggle[data-metric="ops"]');
    const byOps = await fills();
    expect(byOps).not.toEqual(byBytes);
    expect(await page.$eval('.matrix-toggle[data-metric="ops"]', (b) => b.getAttribute("aria-pressed"))).toBe("true");
    expect(await page.$eval("#matrix-max", (e) => e.textContent)).toMatch(/operations$/);
    await page.click('.matrix-toggle[data-metric="bytes"]');
    expect(await fills()).toEqual(byBytes);
  });

  it("has one table row per line, the hottest first, linking to a highlighted source line", async () => {
    const rows = await page.$$eval("#lines tbody tr", (trs) => trs.map((tr) => tr.querySelector("a")?.getAttribute("href")));
    expect(rows).toHaveLength(trace.pgasc.lines.length);
    expect(rows[0]).toBe(`#L${HOT_LINE}`);
    const plain = await page.$eval("#L1", (e) => getComputedStyle(e).backgroundColor);
    await page.click(`#lines tbody tr a[href="#L${HOT_LINE}"]`);
    expect(await page.evaluate("location.hash")).toBe(`#L${HOT_LINE}`);
    const highlighted = await page.$eval(`#L${HOT_LINE}`, (e) => getComputedStyle(e).backgroundColor);
    expect(highlighted).not.toBe(plain);
    expect(await page.$eval(`#L${trace.pgasc.source.length} code`, (e) => e.textContent)).toBe(`print("</script><b>not bold</b>")`);
  });

  it("redraws each image's wait for the synchronisation clicked", async () => {
    const worst = await page.$eval(".sync-instance.worst", (g) => Number(g.getAttribute("data-k")));
    const widths = () => page.$$eval(".sync-wait", (rects) => rects.map((r) => r.getBoundingClientRect().width));
    const before = await widths();
    const other = worst === 0 ? 1 : 0;
    await page.click(`.sync-instance[data-k="${other}"] .sync-hit`);
    expect(await page.$eval("#sync-caption", (p) => p.textContent)).toBe(syncCaption(trace.pgasc.syncs[other]!));
    expect(await widths()).not.toEqual(before);
    expect(await page.$eval(".sync-instance.selected", (g) => Number(g.getAttribute("data-k")))).toBe(other);
    await page.click(`.sync-instance[data-k="${worst}"] .sync-hit`);
    expect(await page.$eval("#sync-caption", (p) => p.textContent)).toBe(syncCaption(trace.pgasc.syncs[worst]!));
  });

  it("fetches nothing and reports no error", () => {
    expect(requests.filter((r) => !r.startsWith(url))).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("renders a screenshot that is not blank", async () => {
    await page.evaluate("window.scrollTo(0, 0)");
    const png = Buffer.from(await page.screenshot({ type: "png" }));
    // The browser decodes the PNG: count its colours and the share of pixels that are not white.
    const probe = await browser.newPage();
    try {
      await probe.setContent(`<img id="shot" src="data:image/png;base64,${png.toString("base64")}">`, { waitUntil: "load" });
      const stats = (await probe.evaluate(`(() => {
        const img = document.getElementById("shot");
        const canvas = document.createElement("canvas");
        canvas.width = img.naturalWidth;
        canvas.height = img.naturalHeight;
        const context = canvas.getContext("2d");
        context.drawImage(img, 0, 0);
        const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
        const colours = new Set();
        let inked = 0;
        for (let i = 0; i < pixels.length; i += 4) {
          colours.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
          if (pixels[i] < 240 || pixels[i + 1] < 240 || pixels[i + 2] < 240) inked++;
        }
        return { width: canvas.width, height: canvas.height, colours: colours.size, inked: inked / (pixels.length / 4) };
      })()`)) as { width: number; height: number; colours: number; inked: number };
      expect([stats.width, stats.height]).toEqual([1280, 900]);
      expect(stats.colours).toBeGreaterThan(16);
      expect(stats.inked).toBeGreaterThan(0.05);
    } finally {
      await probe.close();
    }
  });
});
