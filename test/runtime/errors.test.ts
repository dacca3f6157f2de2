// Abnormal endings through real worker threads: each runtime error prints
// `FILE:LINE:COL: runtime error: image I: message` plus the source line and ends every image with
// status 1; error stop codes and messages; timeouts (status 124). Every run must end by itself
// (a hang meets the runtime's own generous --timeout and fails on its status 124).
// Consumes fixture errors.mjs (mode = first program argument) via dist/ (harness.ts).

import { describe, expect, it } from "vitest";
import { withGrowingDeadline } from "../support/deadline.js";
import { lines, runFixture } from "./harness.js";

interface Case {
  mode: string;
  images: number[];
  status: number;
  /** The whole stderr (first line and excerpt), or a pattern for it. */
  stderr: RegExp;
  args?: string[];
}

const loc = (line: number, col: number, image: string, message: string, source: string) =>
  new RegExp(`^errors\\.pgas:${line}:${col}: runtime error: image ${image}: ${message}\\n {3,4}${line} \\| ${source}\\n$`);
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const cases: Case[] = [
  { mode: "index", images: [1, 2, 16], status: 1, stderr: loc(4, 9, "\\d+", esc("index 10 is out of bounds for 'c' (valid 0..9)"), esc("x = c(i)[p]")) },
  { mode: "image", images: [1, 3, 16], status: 1, stderr: loc(4, 9, "0", "image index \\d+ is out of range for 'c' \\(valid 0\\.\\.\\d+\\)", esc("x = c(i)[p]")) },
  { mode: "idiv", images: [1, 4], status: 1, stderr: loc(5, 7, "\\d+", "integer division by zero", esc("q = a / b")) },
  { mode: "imod", images: [2], status: 1, stderr: loc(5, 7, "0", "integer remainder by zero", esc("q = a / b")) },
  { mode: "ipow", images: [2], status: 1, stderr: loc(17, 5, "\\d+", esc("0 ** -1: zero to a negative power"), esc("r = 0 ** -1")) },
  { mode: "toint", images: [2], status: 1, stderr: loc(19, 5, "\\d+", esc("int(nan): the value is not in the int range"), esc("k = int(x)")) },
  { mode: "lock-twice", images: [1, 4], status: 1, stderr: loc(6, 1, "0", esc("lock 'l'[0] is already locked by this image"), esc("lock l[0]")) },
  { mode: "unlock-free", images: [1, 4], status: 1, stderr: loc(7, 1, "0", esc("cannot unlock lock 'l'[0]: it is not locked"), esc("unlock l[0]")) },
  { mode: "unlock-other", images: [2, 4], status: 1, stderr: loc(7, 1, "1", esc("cannot unlock lock 'l'[0]: it is locked by image 0"), esc("unlock l[0]")) },
  { mode: "lock-holder-stopped", images: [2, 4], status: 1, stderr: loc(6, 1, "\\d+", "lock 'l'\\[0\\] is held by image \\d+, which has stopped", esc("lock l[0]")) },
  { mode: "sync-stopped", images: [2, 3, 16], status: 1, stderr: loc(8, 1, "\\d+", "sync images: image 0 has stopped", esc("sync images(0)")) },
  { mode: "sync-matched-then-stopped", images: [2, 4], status: 1, stderr: loc(8, 1, "1", "sync images: image 0 has stopped", esc("sync images(0)")) },
  { mode: "syncall-stopped", images: [2, 16], status: 1, stderr: loc(9, 1, "\\d+", "sync all: image 0 has stopped", "sync all") },
  { mode: "collective-stopped", images: [2, 4], status: 1, stderr: loc(10, 1, "\\d+", "co_sum: image 0 has stopped", esc("co_sum(v)")) },
  { mode: "alloc-stopped", images: [2, 4], status: 1, stderr: loc(18, 1, "\\d+", "allocating 'late': image 0 has stopped", esc("var late: int[*]")) },
  { mode: "event-never", images: [1, 3], status: 1, stderr: loc(14, 1, "0", "event wait on 'e' can never end: .*every other image has stopped", "event wait e") },
  { mode: "section", images: [1, 2], status: 1, stderr: loc(11, 10, "\\d+", esc("mismatched section lengths: 4 element(s) assigned to 3 element(s) of 'c'"), esc("a(0:3) = c(0:4)[p]")) },
  { mode: "section-bounds", images: [2], status: 1, stderr: loc(11, 10, "\\d+", esc("section reaches index 11, out of bounds for 'c' (valid 0..9)"), esc("a(0:3) = c(0:4)[p]")) },
  { mode: "stack", images: [1, 2], status: 1, stderr: loc(13, 33, "0", esc("stack overflow (recursion too deep)"), esc("fn deep(k: int) -> int { return deep(k + 1) + 1 }")) },
  { mode: "typeerror", images: [2], status: 1, stderr: loc(5, 7, "\\d+", "unexpected TypeError: .*", esc("q = a / b")) },
  { mode: "arg-int", images: [2], status: 1, args: ["arg-int", "12x"], stderr: loc(15, 5, "\\d+", esc("program argument 1 ('12x') is not an int"), esc("n = arg_int(1, 5)")) },
  { mode: "everyone-fails", images: [4, 16], status: 1, stderr: loc(4, 9, "(\\d+)", "failure on image \\d+", esc("x = c(i)[p]")) },
  { mode: "error-stop-code", images: [1, 4], status: 3, stderr: /^$/ },
  { mode: "error-stop-message", images: [1, 4], status: 1, stderr: /^image 0: ERROR STOP bad input\n$/ },
  { mode: "error-stop-default", images: [2], status: 1, stderr: /^$/ },
  { mode: "error-stop-while-busy", images: [2, 16], status: 7, stderr: /^$/ },
];

describe("runtime errors and error stop end every image", () => {
  for (const c of cases) {
    for (const n of c.images) {
      it(`${c.mode} at ${n} image(s)`, { timeout: 300_000 }, async () => {
        const r = await runFixture("errors.mjs", n, { args: c.args ?? [c.mode], timeoutSeconds: 240 });
        expect(r.stderr).toMatch(c.stderr);
        expect(r.status).toBe(c.status);
        // the failing mode never reaches its last line on every image
        expect(lines(r.stdout).length).toBeLessThan(n);
      });
    }
  }
});

describe("timeouts", () => {
  // --timeout counts from the start, start-up included (runtime/node/engine.ts): a 1 s
  // deadline on a loaded machine can come before the waiting image has reached its wait; the
  // report then says "running" for it and the run is repeated with a longer deadline.
  const expected: Record<string, string> = {
    hang: "image 0: sync images(2) at errors.pgas:8\n",
    "hang-barrier": "image 1: sync all at errors.pgas:9\n",
  };
  for (const mode of ["hang", "hang-barrier"]) {
    it(`${mode} ends with status 124 after the timeout, naming the waiting image's statement`, async () => {
      const waiter = expected[mode]!.split(":")[0]!;
      const { result: r, seconds } = await withGrowingDeadline(
        [1, 5, 30],
        (timeoutSeconds) => runFixture("errors.mjs", 3, { args: [mode], timeoutSeconds }),
        (r) => r.stderr.includes(`${waiter}: running\n`),
      );
      expect(r.status).toBe(124);
      // The headline, then every image's statement (the watchdog's report, runtime/node/watchdog.ts).
      expect(r.stderr).toMatch(new RegExp(`^pgasc: timeout: the program ran longer than ${seconds} second\\(s\\); stopping all images\n(image \\d: .*\n){3}$`));
      expect(r.stderr).toContain(expected[mode]);
    });
  }
});
