// The deadlock watchdog through the real CLI, on one node and over 2 node processes: certain
// deadlocks reported at once with every image's statement and .pgas line, a real hang reported
// after --deadlock-timeout, 0 turning it off, long computations and matching waits left alone,
// --timeout printing the same report. Consumes small .pgas programs written here; checks
// statuses and stderr lines (which rule fired is told by the headline, never by how long it took).

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withGrowingDeadline } from "../support/deadline.js";

const root = join(import.meta.dirname, "..", "..");
const cli = join(root, "dist", "cli", "pgasc.js");
let dir: string;

/** Every program of this file; line numbers in the expectations below refer to these texts. */
const programs: Record<string, string> = {
  // image 1 waits for image 2, which waits in `sync all` with everyone else
  "mixed.pgas": `const me = this_image()
var x: int[*]
if me == 1 {
  sync images(2)
} else {
  sync all
}
print("never")
`,
  // events nobody can post; a lock held by an image that waits forever
  "events.pgas": `var e: event[*]
var l: lock[*]
const me = this_image()
if me == 1 {
  lock l[0]
}
sync all
if me == 0 {
  event wait e
} else if me == 1 {
  event wait e until 2
} else {
  lock l[0]
}
`,
  // each image waits for the next one, which waits for its own next: no pair matches
  "cycle.pgas": `const me = this_image()
const n = num_images()
sync all
sync images((me + 1) % n)
`,
  // image 2 stops, image 3 finishes, the others wait for events nobody will post
  "stopped.pgas": `var e: event[*]
const me = this_image()
if me == 2 {
  stop
}
if me < 2 {
  event wait e
}
`,
  // a hang the certain rule cannot prove (image 0's list might name image 1): only time tells
  "teams.pgas": `const me = this_image()
var t: team
form team(me % 2 + 1, t)
if me < 2 {
  change team(t) {
    sync all
  }
}
sync all
`,
  "stall.pgas": `const me = this_image()
var l: int(1)
if me == 0 {
  l(0) = 1
  sync images(l)
} else if me == 1 {
  l(0) = 2
  sync images(l)
} else {
  sync all
}
`,
  // 3 s of computation on every image before they meet (3x --deadlock-timeout 1): never a deadlock
  "compute.pgas": `const me = this_image()
sync all
var s = 0.0
const t0 = wtime()
while wtime() - t0 < arg_float(0, 3.0) {
  s += 1.0
}
sync all
print("done", me)
`,
  // matching pairs with one side late (busy 1.5 s), locks and events that do get released
  "late.pgas": `var e: event[*]
var l: lock[*]
var c: int[*]
const me = this_image()
const n = num_images()
if me % 2 == 1 {
  const t0 = wtime()
  while wtime() - t0 < 1.5 {
  }
}
sync images((me + n / 2) % n)
lock l[0]
c[0] = c[0] + 1
unlock l[0]
event post e[(me + 1) % n]
event wait e
sync all
if me == 0 {
  print("count", c)
}
`,
};

/** Runs the CLI (asynchronously: a blocked test worker would miss vitest's own messages). */
function pgasc(args: string[], timeoutMs = 240_000): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cli, ...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const guard = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  return new Promise((resolve) =>
    child.on("close", (status) => {
      clearTimeout(guard);
      resolve({ status, stdout, stderr });
    }),
  );
}

/** Runs `name` with `images` images (over `nodes` node processes when > 1) and the given options. */
function run(name: string, images: number, nodes: number, options: string[], programArgs: string[] = []) {
  const split = nodes > 1 ? ["--nodes", String(nodes)] : [];
  const output = join(dir, "build", name.replace(/\.pgas$/, ".mjs"));
  return pgasc(["run", "-n", String(images), ...split, ...options, "-o", output, name, ...(programArgs.length ? ["--", ...programArgs] : [])]);
}

const stderrLines = (text: string) => text.split("\n").filter((line) => line !== "");

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "pgasc-deadlock-"));
  for (const [name, text] of Object.entries(programs)) writeFileSync(join(dir, name), text);
  // Build once, so that the runs below do not compile.
  for (const name of Object.keys(programs)) {
    const r = await pgasc(["build", name, "-o", join(dir, "build", name.replace(/\.pgas$/, ".mjs"))]);
    if (r.status !== 0) throw new Error(`build of ${name} failed: ${r.stderr}`);
  }
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CERTAIN = "pgasc: deadlock: every image is blocked and none of the waits can ever end; stopping all images";

for (const nodes of [1, 2]) {
  const where = nodes === 1 ? "one node" : "2 nodes";
  describe(`certain deadlocks are reported at once (${where})`, () => {
    it("sync images with a partner that waits in sync all", { timeout: 300_000 }, async () => {
      const r = await run("mixed.pgas", 4, nodes, []);
      expect(r.status).toBe(1);
      expect(stderrLines(r.stderr)).toEqual([
        CERTAIN,
        "image 0: sync all at mixed.pgas:6",
        "image 1: sync images(2) at mixed.pgas:4",
        "image 2: sync all at mixed.pgas:6",
        "image 3: sync all at mixed.pgas:6",
      ]);
      expect(r.stdout).toBe("");
      // the headline is the certain rule's, not the --deadlock-timeout (default 30 s) one
    });

    it("events nobody can post and a lock held by a waiting image", { timeout: 300_000 }, async () => {
      const r = await run("events.pgas", 4, nodes, []);
      expect(r.status).toBe(1);
      expect(stderrLines(r.stderr)).toEqual([
        CERTAIN,
        "image 0: event wait e at events.pgas:9",
        "image 1: event wait e until 2 at events.pgas:11",
        "image 2: lock l[0] at events.pgas:13 (held by image 1)",
        "image 3: lock l[0] at events.pgas:13 (held by image 1)",
      ]);
      });
  });
}

describe("certain deadlocks, more shapes (one node)", () => {
  it("sync images forming no matching pair", { timeout: 300_000 }, async () => {
    const r = await run("cycle.pgas", 3, 1, []);
    expect(r.status).toBe(1);
    expect(stderrLines(r.stderr)).toEqual([
      CERTAIN,
      "image 0: sync images(1) at cycle.pgas:4",
      "image 1: sync images(2) at cycle.pgas:4",
      "image 2: sync images(0) at cycle.pgas:4",
    ]);
  });

  it("stopped and finished images are named as such", { timeout: 300_000 }, async () => {
    const r = await run("stopped.pgas", 4, 1, []);
    expect(r.status).toBe(1);
    expect(stderrLines(r.stderr)).toEqual([
      CERTAIN,
      "image 0: event wait e at stopped.pgas:7",
      "image 1: event wait e at stopped.pgas:7",
      "image 2: stopped at stopped.pgas:4",
      "image 3: finished",
    ]);
  });
});

describe("hangs the certain rule cannot prove, --deadlock-timeout and --timeout", () => {
  for (const nodes of [1, 2]) {
    it(`reported after --deadlock-timeout 2 (${nodes} node(s))`, { timeout: 300_000 }, async () => {
      const r = await run("stall.pgas", 3, nodes, ["--deadlock-timeout", "2"]);
      expect(r.status).toBe(1);
      expect(stderrLines(r.stderr)).toEqual([
        "pgasc: deadlock: no image has made progress for 2 second(s) (--deadlock-timeout); stopping all images",
        "image 0: sync images(...) at stall.pgas:5 (waiting for image 1)",
        "image 1: sync images(...) at stall.pgas:8 (waiting for image 2)",
        "image 2: sync all at stall.pgas:10",
      ]);
    });
  }

  it("team statements are named with their team (2 nodes, --deadlock-timeout 2)", { timeout: 300_000 }, async () => {
    // images 0 and 1 enter their teams; their partners 2 and 3 went on to the sync all of all images
    const r = await run("teams.pgas", 4, 2, ["--deadlock-timeout", "2"]);
    expect(r.status).toBe(1);
    expect(stderrLines(r.stderr)).toEqual([
      "pgasc: deadlock: no image has made progress for 2 second(s) (--deadlock-timeout); stopping all images",
      "image 0: change team (entering team 1) at teams.pgas:5 (waiting for image 2)",
      "image 1: change team (entering team 2) at teams.pgas:5 (waiting for image 3)",
      "image 2: sync all at teams.pgas:9",
      "image 3: sync all at teams.pgas:9",
    ]);
  });

  // --timeout counts from the start, start-up included: on a loaded machine a short deadline can
  // come before the images reach the statements the report names (it then says "running"), so
  // the run is repeated with a longer deadline (test/support/deadline.ts).
  it("--deadlock-timeout 0 turns the watchdog off; --timeout then ends the run with the same report", async () => {
    const { result: r, seconds } = await withGrowingDeadline(
      [3, 10, 60],
      (timeout) => run("mixed.pgas", 4, 2, ["--deadlock-timeout", "0", "--timeout", String(timeout)]),
      (r) => /: running/.test(r.stderr),
    );
    expect(r.status).toBe(124);
    expect(stderrLines(r.stderr)).toEqual([
      `pgasc: timeout: the program ran longer than ${seconds} second(s); stopping all images`,
      "image 0: sync all at mixed.pgas:6",
      "image 1: sync images(2) at mixed.pgas:4",
      "image 2: sync all at mixed.pgas:6",
      "image 3: sync all at mixed.pgas:6",
    ]);
  });

  it("--timeout names running images and where they last synchronised (one node)", async () => {
    const { result: r, seconds } = await withGrowingDeadline(
      [1, 5, 20],
      (timeout) => run("compute.pgas", 2, 1, ["--timeout", String(timeout)], ["120"]),
      (r) => /^image \d: running$/m.test(r.stderr),
    );
    expect(r.status).toBe(124);
    expect(stderrLines(r.stderr)).toEqual([
      `pgasc: timeout: the program ran longer than ${seconds} second(s); stopping all images`,
      "image 0: running (after sync all at compute.pgas:2)",
      "image 1: running (after sync all at compute.pgas:2)",
    ]);
  });
});

describe.concurrent("no false deadlocks", () => {
  for (const nodes of [1, 2]) {
    it(`a 3 s computation with --deadlock-timeout 1 (${nodes} node(s))`, { timeout: 300_000 }, async () => {
      const r = await run("compute.pgas", 4, nodes, ["--deadlock-timeout", "1"]);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(stderrLines(r.stdout).sort()).toEqual(["done 0", "done 1", "done 2", "done 3"]);
    });

    it(`late partners, locks and events that are released (${nodes} node(s), --deadlock-timeout 1)`, { timeout: 300_000 }, async () => {
      const r = await run("late.pgas", 6, nodes, ["--deadlock-timeout", "1"]);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.stdout).toBe("count 6\n");
    });
  }
});
