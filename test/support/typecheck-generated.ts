// Type-checks generated TypeScript modules (strict) against the real runtime ABI: the back end's
// output must be well-typed code, not just code that happens to run. Consumes a map name → text;
// gives the TypeScript compiler's diagnostics as `file:line:col message` strings.

import { resolve } from "node:path";
import ts from "typescript";
import { ABI_TYPES_MODULE } from "../../compiler/emit/emit.js";

const abiPath = resolve(import.meta.dirname, "..", "..", "runtime", "abi", "abi.ts");

export function typeErrorsOfGenerated(files: Map<string, string>): string[] {
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
