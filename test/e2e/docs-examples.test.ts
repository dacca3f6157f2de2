// Holds the documentation to its word. Consumes docs/language.md, docs/tutorial.md and README.md;
// runs every example program of language.md at its image counts and compares what it prints
// with the `output`/`stderr` blocks written after it (doc-blocks.ts reads the marks); compiles the
// `check` ones, expects the `error` ones to be refused with the diagnostics shown; lists version 2's
// `pending` ones as todo; checks that the tutorial shows its samples/tutorial programs verbatim.
import * as vitest from "vitest";
import { afterAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readPgasExamples, withoutHeader, type PgasExample } from "./doc-blocks.js";
import { checkRun, cliAvailable, defineSuite, repoRoot, runCli, type ProgramSpec } from "./harness.js";

const languageDoc = join(repoRoot, "docs", "language.md");
const tutorialDoc = join(repoRoot, "docs", "tutorial.md");
const examples = readPgasExamples(languageDoc);
const workDir = mkdtempSync(join(tmpdir(), "pgasc-docs-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** Writes an example as example.pgas in a directory of its own, so messages say `example.pgas:L:C`. */
function writeExample(e: PgasExample): string {
  const dir = join(workDir, `L${e.line}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "example.pgas");
  writeFileSync(file, e.source);
  return file;
}

function specOf(e: PgasExample): ProgramSpec {
  return {
    name: `language-L${e.line}`,
    file: writeExample(e),
    images: e.images,
    orderAny: e.orderAny,
    args: e.args,
    exit: e.exit,
    stderr: (e.stderr ?? "").split("\n").filter((l) => l.trim() !== ""),
    nodes: e.nodes,
    timeoutMs: 120_000,
  };
}

const runnable = examples.filter((e) => e.mode === "run" && !e.pending);
await defineSuite(vitest, "docs/language.md examples", runnable.map(specOf), (spec) =>
  runnable.find((e) => `language-L${e.line}` === spec.name)!.output,
);

describe("docs/language.md", () => {
  it("marks its examples: many run, few are illustrations", () => {
    expect(runnable.length).toBeGreaterThanOrEqual(20);
    const illustrations = examples.filter((e) => e.mode === "illustration");
    expect(illustrations.length).toBeLessThanOrEqual(3);
  });

  for (const e of examples.filter((x) => x.mode === "check" || x.mode === "error")) {
    const expectError = e.mode === "error";
    const title = `line ${e.line}: pgasc check ${expectError ? "refuses it as shown" : "accepts it"}`;
    if (e.pending) {
      it.todo(`${title} (version 2)`);
      continue;
    }
    it(title, { timeout: 300_000 }, async () => {
      if (!cliAvailable()) throw new Error("dist/cli/pgasc.js is missing: run `npm run build`");
      const file = writeExample(e);
      const r = await runCli(["check", file], 50_000);
      const spec = { ...specOf(e), file, exit: expectError ? 1 : 0 };
      expect(checkRun(spec, r, undefined).join("\n")).toBe("");
    });
  }

  for (const e of examples.filter((x) => x.pending && x.mode === "run")) {
    it.todo(`line ${e.line}: version 2 example on ${e.images.join(", ")} images (enable when the feature lands)`);
  }
});

describe("docs/tutorial.md", () => {
  const shown = readPgasExamples(tutorialDoc);
  const sampleDir = join(repoRoot, "samples", "tutorial");
  const samples = readdirSync(sampleDir).filter((f) => f.endsWith(".pgas")).sort();

  it("shows every tutorial program in full, as it is in samples/tutorial", () => {
    const files = shown.filter((e) => e.mode === "file").map((e) => e.path);
    expect(files).toEqual(samples.map((f) => `samples/tutorial/${f}`));
    for (const e of shown.filter((x) => x.mode === "file")) {
      const text = withoutHeader(readFileSync(join(repoRoot, e.path!), "utf8"));
      expect(e.source, `tutorial.md:${e.line} differs from ${e.path}`).toBe(text);
    }
  });

  it("shows the outputs the tests expect", () => {
    const withOutput = shown.filter((e) => e.mode === "file" && e.output !== undefined);
    expect(withOutput.length).toBe(samples.length);
    for (const e of withOutput) {
      expect(e.outputImages, `tutorial.md:${e.line}: say which run the output is from (output n=N)`).toBeDefined();
      const name = e.path!.replace(/^.*\//, "").replace(/\.pgas$/, "");
      const expected = readFileSync(join(sampleDir, "expected", `${name}.${e.outputImages}.txt`), "utf8");
      // The tutorial may show lines of different images in any order.
      const lines = (text: string) => text.split("\n").filter((l) => l !== "").sort();
      expect(lines(e.output!), `tutorial.md:${e.line}`).toEqual(lines(expected));
    }
  });

  it("runs nothing it does not show: its other pgas blocks are illustrations", () => {
    const others = shown.filter((e) => e.mode !== "file");
    expect(others.map((e) => `${e.line}: ${e.mode}`).filter((s) => !s.endsWith("illustration"))).toEqual([]);
  });
});

describe("documentation links", () => {
  it("README and docs point to the project's own language reference, not outside the repository", () => {
    const docs = readdirSync(join(repoRoot, "docs")).filter((f) => f.endsWith(".md")).map((f) => join("docs", f));
    const outside = ["README.md", ...docs].filter((f) => readFileSync(join(repoRoot, f), "utf8").includes("../shared/"));
    expect(outside).toEqual([]);
    expect(readFileSync(join(repoRoot, "README.md"), "utf8")).toMatch(/docs\/language\.md[\s\S]*docs\/tutorial\.md|docs\/tutorial\.md[\s\S]*docs\/language\.md/);
  });
});
