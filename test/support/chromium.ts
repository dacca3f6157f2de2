// Debian's Chromium for the browser tests (puppeteer-core drives it; nothing is downloaded): where
// it is, why a test is skipped without it, and one way to launch it headless in a container.

import { accessSync, constants } from "node:fs";
import puppeteer, { type Browser } from "puppeteer-core";

export const CHROMIUM = "/usr/bin/chromium";

/** Empty when Chromium can be run; else why not (the skipped suite says so in its name). */
export function chromiumMissing(): string {
  try {
    accessSync(CHROMIUM, constants.X_OK);
    return "";
  } catch {
    return `${CHROMIUM} is not installed or not executable (apt-get install chromium)`;
  }
}

export function launchChromium(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Root (containers, CI) cannot use Chromium's sandbox; /dev/shm is small in containers.
    args: [...(process.getuid?.() === 0 ? ["--no-sandbox"] : []), "--disable-gpu", "--disable-dev-shm-usage"],
  });
}
