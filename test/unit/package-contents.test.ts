// What `npm pack` would publish: runs `npm pack --dry-run --json` (scripts off, so nothing is
// rebuilt) on the built tree and checks the file list against package.json's promises: the
// compiler, runtime, docs, LICENSE; no benchmarks, tests, source maps, expected outputs or the
// build/ directories `pgasc run` leaves beside samples.

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const root = resolve(fileURLToPath(new URL(".", import.meta.url)), "..", "..");
const packageJson = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  license: string;
  repository?: { type: string; url: string };
  bin: Record<string, string>;
};

let files: string[] = [];

beforeAll(() => {
  expect(existsSync(join(root, "dist", "cli", "pgasc.js")), "dist/ is missing: run `npm run build` first").toBe(true);
  const r = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, npm_config_loglevel: "error" },
  });
  expect(r.status, r.stderr).toBe(0);
  const report = JSON.parse(r.stdout) as { files: { path: string }[] }[];
  files = report[0]!.files.map((f) => f.path);
}, 120_000);

describe("npm package contents", () => {
  it("has the command, the compiler, the runtime and the docs", () => {
    for (const path of Object.values(packageJson.bin)) expect(files).toContain(path);
    for (const path of [
      "package.json", "README.md", "LICENSE", "docs/language.md", "docs/tutorial.md",
      "dist/compiler/driver/compile.js", "dist/runtime/launcher/run-job.js", "samples/tutorial/07-heat-nodes.pgas",
    ]) {
      expect(files).toContain(path);
    }
  });

  it("leaves out benchmarks, tests, source maps, expected outputs and build output", () => {
    const unwanted = files.filter(
      (f) =>
        f.startsWith("dist/bench/") || f.startsWith("dist/test/") || f.startsWith("test/") ||
        f.startsWith("bench/") || f.startsWith("node_modules/") || f.endsWith(".map") || f.endsWith(".ts") ||
        f.includes("/expected/") || f.includes("/build/"),
    );
    expect(unwanted).toEqual([]);
  });

  it("declares the MIT licence that LICENSE holds, and where the repository is", () => {
    expect(packageJson.license).toBe("MIT");
    expect(readFileSync(join(root, "LICENSE"), "utf8")).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} the pgasc developers\n/);
    expect(packageJson.repository).toEqual({ type: "git", url: "git+https://github.com/pgasc/pgasc.git" });
  });
});
