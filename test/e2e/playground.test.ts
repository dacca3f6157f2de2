// `pgasc playground` in a real browser: the server (a process of dist/cli/pgasc.js) and headless
// Chromium (Debian's /usr/bin/chromium, driven by puppeteer-core). Typed into the editor, a program
// with an error gets it underlined and listed; fixed, the marks go; the stage tabs show the build's
// TypeScript; Run with 4 images streams the program's output back. The page is cross-origin
// isolated (the headers SharedArrayBuffer needs). Skipped, saying why, where Chromium is missing.

import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumMissing, launchChromium } from "../support/chromium.js";

/** The browser's own, in callbacks that run in the page (the tests are compiled without the DOM library). */
declare const document: { body: { dataset: Record<string, string | undefined> }; querySelector(s: string): { textContent: string | null } | null };
declare const crossOriginIsolated: boolean;

const root = join(import.meta.dirname, "..", "..");
const cli = join(root, "dist", "cli", "pgasc.js");
const missing = chromiumMissing();

describe.skipIf(missing !== "")(`pgasc playground in Chromium${missing ? ` (skipped: ${missing})` : ""}`, () => {
  let server: ChildProcess;
  let browser: Browser;
  let page: Page;
  let url = "";
  const errors: string[] = [];

  beforeAll(async () => {
    server = spawn(process.execPath, [cli, "playground", "--port", "0"], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
    url = await new Promise<string>((resolve, reject) => {
      let out = "";
      server.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /pgasc playground: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) resolve(m[1]!);
      });
      server.on("exit", (code) => reject(new Error(`the playground exited with ${code}: ${out}`)));
    });
    browser = await launchChromium();
    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    page.on("pageerror", (e) => void errors.push(String(e)));
    page.on("console", (m) => void (m.type() === "error" && errors.push(m.text())));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.kill();
  });

  const dataset = (key: string) => page.evaluate((k) => document.body.dataset[k], key);
  const text = (selector: string) => page.evaluate((s) => document.querySelector(s)?.textContent ?? "", selector);

  async function typeProgram(program: string): Promise<void> {
    await page.click(".cm-content");
    await page.keyboard.down("Control");
    await page.keyboard.press("a");
    await page.keyboard.up("Control");
    await page.keyboard.press("Backspace");
    await page.keyboard.type(program);
  }

  it("type, see the diagnostic, fix it, look at the stages, run on 4 images", { timeout: 240_000 }, async () => {
    const response = await page.goto(url);
    expect(response?.headers()["cross-origin-opener-policy"]).toBe("same-origin");
    expect(response?.headers()["cross-origin-embedder-policy"]).toBe("require-corp");
    await page.waitForFunction(() => document.body.dataset.ready === "1", { timeout: 60_000 });
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    // the samples are there; the first program shown is the tutorial's hello
    expect(await text("#samples")).toContain("tutorial/01-hello.pgas");

    await typeProgram('print("image", this_image(), y)\n');
    await page.waitForSelector(".cm-lintRange-error", { timeout: 60_000 });
    // the check of the whole text (one of a text still being typed may come first)
    await page.waitForFunction(() => (document.querySelector("#diagnostics")?.textContent ?? "").includes("'y' is not declared"), { timeout: 60_000 });
    expect(await dataset("errors")).toBe("1");
    expect(await text("#diagnostics")).toMatch(/^playground\.pgas:1:30: error: 'y' is not declared.*\[E2001\]$/);

    await typeProgram("const y = 2 * this_image()\n");
    await page.keyboard.type('print("image", this_image(), y)\n');
    await page.waitForFunction(() => document.body.dataset.errors === "0" && !document.querySelector(".cm-lintRange-error"), { timeout: 60_000 });
    expect(await text("#diagnostics")).toBe("");

    // the build's stages, one tab each: the TypeScript of this program
    await page.waitForFunction(() => Number(document.body.dataset.stages ?? 0) >= 9, { timeout: 60_000 });
    await page.click('#tabs button[data-tab="emit"]');
    expect(await text("#panel")).toMatch(/export function main\(rt: Runtime\): void \{[\s\S]*rt\.thisImage\(\)/);

    await page.click("#images", { clickCount: 3 });
    await page.keyboard.type("4");
    await page.click("#run");
    await page.waitForFunction(() => (document.querySelector("#panel")?.textContent ?? "").includes("[exit status"), { timeout: 120_000 });
    const output = (await text("#panel")).trim().split("\n").filter((l) => l.trim() !== "");
    expect(output.pop()).toBe("[exit status 0]");
    expect(output.sort()).toEqual(["image 0 0", "image 1 2", "image 2 4", "image 3 6"]);
    expect(await dataset("running")).toBe("0");
    expect(errors, errors.join("\n")).toEqual([]);
  });
});
