// The whole path a user takes (issue 14's acceptance): `pgasc run --trace` of samples/imbalance.pgas
// over 2 real node processes, `pgasc report` of that trace, the page opened in headless Chromium.
// The page must show both of the sample's problems: the hot line of remote gets (line 30) in the
// per-line table with its exact count, and the imbalance: image 0 computes longest, the others
// wait at the first `sync all` of each step (line 28). Skipped, saying why, without Chromium.

import { accessSync, constants, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import puppeteer from "puppeteer-core";
import { describe, expect, it } from "vitest";
import { buildDir, cliAvailable, ensureCli, repoRoot, runCli } from "./harness.js";
import { checkTrace } from "../support/trace-check.js";
import type { TraceFile } from "../../runtime/observe/trace-format.js";

ensureCli();
const CHROMIUM = "/usr/bin/chromium";

function chromiumMissing(): string {
  try {
    accessSync(CHROMIUM, constants.X_OK);
    return "";
  } catch {
    return `${CHROMIUM} is not installed (apt-get install chromium)`;
  }
}

const missing = cliAvailable() ? chromiumMissing() : "the CLI is not built";

describe.skipIf(missing !== "")(`run --trace, report, browser${missing ? ` (skipped: ${missing})` : ""}`, () => {
  it("the report of a real 2-node run shows the hot line and the imbalance", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pgasc-observe-report-"));
    const trace = join(dir, "imbalance.json");
    const sample = join(repoRoot, "samples", "imbalance.pgas");
    const run = await runCli(["run", "-n", "4", "--nodes", "2", "--trace", trace, "-o", join(buildDir(), "imbalance.mjs"), sample], 240_000);
    expect(run.status).toBe(0);
    const json = JSON.parse(readFileSync(trace, "utf8")) as TraceFile;
    expect(checkTrace(json)).toEqual([]);
    const made = await runCli(["report", trace], 120_000);
    expect({ status: made.status, stdout: made.stdout }).toEqual({ status: 0, stdout: `wrote ${join(dir, "imbalance.html")}\n` });

    const browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [...(process.getuid?.() === 0 ? ["--no-sandbox"] : []), "--disable-gpu", "--disable-dev-shm-usage"],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push((error as Error).message));
      await page.setViewport({ width: 1280, height: 900 });
      await page.goto(pathToFileURL(join(dir, "imbalance.html")).href, { waitUntil: "load" });
      expect(errors).toEqual([]);
      expect(await page.$$eval(".matrix-cell", (cells) => cells.length)).toBe(16);
      // The timeline: every image of both nodes has a row of spans.
      const spans = await page.$$eval("#timeline rect.span", (rects) => rects.length);
      expect(spans).toBeGreaterThan(4 * 12);
      // The per-line table: the hot line of gets is there with its exact count; the first
      // sync all of each step is there too.
      const rows = await page.$$eval("#lines tr.line-row", (trs) => trs.map((tr) => tr.textContent ?? ""));
      const hot = rows.find((row) => row.includes("line 30:26"));
      expect(hot).toMatch(/get/);
      expect(hot).toMatch(/3,?072/);
      expect(rows.some((row) => row.includes("line 28:3") && row.includes("sync all"))).toBe(true);
      // The imbalance: image 0 has 9 times the rows of any other image, so it computes longest
      // (who arrives last at a given barrier depends on the machine's load; this does not).
      const compute = json.pgasc.perImage.map((image) => image.computeUs);
      expect(compute.indexOf(Math.max(...compute))).toBe(0);
      expect(json.pgasc.syncs.filter((sync) => sync.line === 28)).toHaveLength(12);
      const syncBars = await page.$$eval("#sync-instances rect", (rects) => rects.length);
      expect(syncBars).toBeGreaterThanOrEqual(json.pgasc.syncs.length);
    } finally {
      await browser.close();
    }
  });
});
