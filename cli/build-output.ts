// What `pgasc build` writes and how: the header that identifies the compiler and the source an
// output was made from (so `run` rebuilds only when one of them changed), the atomic write, and
// one function that compiles a source text into a module file.
// Consumes source text, a file name and compiler/driver; gives the module file and the rendered
// diagnostics. Used by cli/pgasc.ts, and by the end-to-end tests to build many programs in one
// process (the module is byte for byte what `pgasc build` writes).

import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Diagnostic } from "../compiler/diagnostics/diagnostic.js";
import type { StageObserver } from "../compiler/driver/compile.js";
import { renderDiagnostics } from "../compiler/diagnostics/render.js";

const here = dirname(fileURLToPath(import.meta.url));
export const packageVersion = (JSON.parse(readFileSync(join(here, "..", "..", "package.json"), "utf8")) as { version: string }).version;

let stamp: string | undefined;
/**
 * Identifies the compiler that made an output, so `run` rebuilds after the compiler changes:
 * the version plus the modification times of the compiler's own files.
 */
function compilerStamp(): string {
  if (stamp !== undefined) return stamp;
  const hash = createHash("sha256").update(packageVersion);
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith(".js")) hash.update(`${entry.name}:${statSync(p).mtimeMs}`);
    }
  };
  // the compiler, and the 32-bit arithmetic its constant folding shares with the runtime
  walk(join(here, "..", "compiler"));
  const int32 = join(here, "..", "runtime", "support", "int32.js");
  if (existsSync(int32)) hash.update(`int32.js:${statSync(int32).mtimeMs}`);
  stamp = hash.digest("hex").slice(0, 16);
  return stamp;
}

/** The first line of a built module: compiler version and stamp, and a hash of the source. */
export function buildHeader(text: string): string {
  const sourceHash = createHash("sha256").update(text).digest("hex").slice(0, 16);
  return `// built by pgasc ${packageVersion} (${compilerStamp()}) from source ${sourceHash}\n`;
}

export function writeAtomically(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}

/** Diagnostics as the command prints them: the rendered list, then the count of errors. */
export function diagnosticsText(diagnostics: readonly Diagnostic[], text: string, color: boolean): string {
  if (diagnostics.length === 0) return "";
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  return renderDiagnostics([...diagnostics], text, { color }) + (errors > 0 ? `${errors} error${errors === 1 ? "" : "s"}\n` : "");
}

export interface ModuleBuild {
  ok: boolean;
  /** Rendered diagnostics (empty when there are none). */
  diagnostics: string;
}

/** Compiles `text` (from `file`) and writes the JavaScript module, header first, to `output`. */
export async function buildModuleFile(text: string, file: string, output: string, color = false, observe?: StageObserver): Promise<ModuleBuild> {
  const { buildSource } = await import("../compiler/driver/compile.js");
  const result = await buildSource(text, file, observe);
  const diagnostics = diagnosticsText(result.diagnostics, text, color);
  if (!result.ok || result.js === undefined) return { ok: false, diagnostics };
  writeAtomically(output, buildHeader(text) + result.js);
  return { ok: true, diagnostics };
}
