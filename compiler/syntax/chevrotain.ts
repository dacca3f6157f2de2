// Chevrotain, loaded from its single-file bundle. The package's entry point is an ES module graph
// of hundreds of files (with lodash-es) that takes ~200 ms to load; the bundle the package ships
// beside it (lib/chevrotain.mjs, same build) loads in ~10 ms — a fifth of a cold `pgasc build`.
// The package's `exports` map hides that file, so it is located from the entry point's path.

import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type * as ChevrotainApi from "chevrotain";

async function loadChevrotain(): Promise<typeof ChevrotainApi> {
  const entry = createRequire(import.meta.url).resolve("chevrotain"); // .../lib/src/api.js
  const bundle = join(dirname(entry), "..", "chevrotain.mjs");
  if (existsSync(bundle)) return (await import(pathToFileURL(bundle).href)) as typeof ChevrotainApi;
  return import("chevrotain");
}

const chevrotain = await loadChevrotain();

export const { CstParser, EOF, Lexer, createToken, createSyntaxDiagramsCode } = chevrotain;
