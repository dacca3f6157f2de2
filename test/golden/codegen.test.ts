// Golden tests of the back end: each test/golden/codegen/*.pgas compiles to the TypeScript in
// <name>.ts.baseline (accept with PGASC_ACCEPT=1, then review by eye), and the generated TypeScript
// of every golden type-checks with the TypeScript compiler against runtime/abi/abi.ts.

import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { buildSource } from "../../compiler/driver/compile.js";
import { ABI_TYPES_MODULE } from "../../compiler/emit/emit.js";
import { expectBaseline } from "./harness.js";

const here = new URL(".", import.meta.url).pathname;
const dir = join(here, "codegen");
const abiPath = resolve(here, "..", "..", "runtime", "abi", "abi.ts");
const programs = readdirSync(dir)
  .filter((f) => f.endsWith(".pgas"))
  .sort();

const generated = new Map<string, string>();

async function generate(name: string): Promise<string> {
  const text = readFileSync(join(dir, name), "utf8");
  const result = await buildSource(text, name);
  if (!result.ok || result.ts === undefined) {
    throw new Error(`${name} does not compile:\n${result.diagnostics.map((d) => `${d.span.line}:${d.span.col} ${d.message}`).join("\n")}`);
  }
  expect(result.js).toContain("export function main(rt)");
  return result.ts;
}

/** Type-checks generated modules (strict) with `pgasc/abi` resolved to the real ABI file. */
function typeErrors(files: Map<string, string>): string[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2022.d.ts"],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    baseUrl: "/",
    paths: { [ABI_TYPES_MODULE]: [abiPath] },
  };
  const host = ts.createCompilerHost(options);
  const virtual = new Map([...files].map(([name, text]) => [`/generated/${name}.ts`, text]));
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) => {
    const text = virtual.get(fileName);
    if (text !== undefined) return ts.createSourceFile(fileName, text, languageVersion, true);
    return getSourceFile(fileName, languageVersion, ...rest);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (f) => virtual.has(f) || fileExists(f);
  const readFile = host.readFile.bind(host);
  host.readFile = (f) => virtual.get(f) ?? readFile(f);
  const program = ts.createProgram([...virtual.keys()], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    const pos = where ? `${d.file!.fileName}:${where.line + 1}:${where.character + 1}` : "";
    return `${pos} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
}

describe("generated code", () => {
  for (const name of programs) {
    it(name, async () => {
      const tsText = await generate(name);
      generated.set(name.replace(/\.pgas$/, ""), tsText);
      expectBaseline(join(dir, name.replace(/\.pgas$/, ".ts.baseline")), tsText);
    });
  }

  it("type-checks against runtime/abi/abi.ts", async () => {
    for (const name of programs) {
      const key = name.replace(/\.pgas$/, "");
      if (!generated.has(key)) generated.set(key, await generate(name));
    }
    expect(typeErrors(generated)).toEqual([]);
  });
});
