// What a `pgasc build` loads: runs the real command on a sample with an ES module resolve hook that
// records every module it imports, then checks that no build loads the TypeScript compiler (its
// load was half of a build's time: docs/performance-causes.md) and that every package a build
// imports is a run-time dependency in package.json, so an installed pgasc can build without the
// development tools.

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const root = resolve(fileURLToPath(new URL(".", import.meta.url)), "..", "..");
const packageJson = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> };

/** The packages (node_modules/NAME or @SCOPE/NAME) among the module URLs a build resolved. */
let packages = new Set<string>();

beforeAll(() => {
  expect(existsSync(join(root, "dist", "cli", "pgasc.js")), "dist/ is missing: run `npm run build` first").toBe(true);
  const dir = mkdtempSync(join(tmpdir(), "pgasc-build-modules-"));
  const log = join(dir, "resolved.txt");
  writeFileSync(
    join(dir, "hooks.mjs"),
    `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, result.url + "\\n");
  return result;
}
`,
  );
  writeFileSync(join(dir, "register.mjs"), `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(join(dir, "hooks.mjs")).href)});\n`);
  writeFileSync(log, "");
  const r = spawnSync(process.execPath, ["--import", pathToFileURL(join(dir, "register.mjs")).href, join(root, "dist", "cli", "pgasc.js"), "build", join(root, "samples", "heat.pgas"), "-o", join(dir, "heat.mjs")], {
    encoding: "utf8",
  });
  expect(r.status, r.stderr).toBe(0);
  expect(existsSync(join(dir, "heat.mjs"))).toBe(true);
  const names = readFileSync(log, "utf8")
    .split("\n")
    .map((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1])
    .filter((name): name is string => name !== undefined);
  packages = new Set(names);
}, 120_000);

describe("pgasc build's modules", () => {
  it("saw the back end's packages load (the hook records what a build imports)", () => {
    expect([...packages]).toEqual(expect.arrayContaining(["prettier", "sucrase", "code-block-writer", "chevrotain"]));
  });

  it("never loads the TypeScript compiler", () => {
    expect([...packages]).not.toContain("typescript");
    expect([...packages]).not.toContain("ts-morph");
  });

  it("imports only run-time dependencies", () => {
    for (const name of packages) expect(Object.keys(packageJson.dependencies), `${name} is imported by a build`).toContain(name);
  });
});
