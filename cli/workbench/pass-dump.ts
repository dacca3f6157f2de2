// `pgasc build FILE --dump-passes DIR`: writes every stage of the build (compiler/driver Stage) to
// DIR as a numbered file, and index.html, the pass viewer (pass-page.ts). Consumes the stages a
// build reported; produces the files (older numbered files in DIR are replaced).

import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { Stage } from "../../compiler/driver/compile.js";
import { passPage, type DumpedStage } from "./pass-page.js";

const EXTENSION: Record<Stage["kind"], string> = {
  source: ".pgas",
  tree: ".tree.txt",
  storage: ".storage.txt",
  lir: ".lir.txt",
  ts: ".ts",
  js: ".js",
};

/** A numbered stage file: `03-resolve-storage.storage.txt`. */
const STAGE_FILE = /^\d\d-[a-z-]+\.[a-z.]+$/;

export function writePassDump(dir: string, sourceFile: string, stages: readonly Stage[]): DumpedStage[] {
  mkdirSync(dir, { recursive: true });
  for (const entry of readdirSync(dir)) if (STAGE_FILE.test(entry)) rmSync(join(dir, entry));
  const dumped = stages.map((stage, i) => ({ ...stage, file: `${String(i).padStart(2, "0")}-${stage.name}${EXTENSION[stage.kind]}` }));
  for (const stage of dumped) writeFileSync(join(dir, stage.file), stage.text);
  writeFileSync(join(dir, "index.html"), passPage(basename(sourceFile), dumped));
  return dumped;
}
