// Generates grammar/diagrams.html, the railroad diagrams of the .pgas grammar, from the parser
// itself (Chevrotain's serialized grammar), so the picture cannot drift from the code.
// Consumes compiler/syntax/parser.ts and chevrotain's diagram scripts; writes one self-contained html.

import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { createSyntaxDiagramsCode } from "../compiler/syntax/chevrotain.js";
import { withParser } from "../compiler/syntax/parser.js";

/** The diagram page, with chevrotain's scripts and stylesheet inlined (no CDN needed to view it). */
export function diagramsHtml(): string {
  const diagramsDir = join(chevrotainPackageDir(), "diagrams");
  // Local placeholders, then each reference is replaced by the file's contents.
  const html = createSyntaxDiagramsCode(withParser((parser) => parser.getSerializedGastProductions()), {
    resourceBase: "local:",
    css: "local:diagrams.css",
  });
  const inlined = html
    .replace(/<script src='local:([^']+)'><\/script>/g, (_, path: string) => {
      const code = readFileSync(join(diagramsDir, path), "utf8").replace(/<\/script/gi, "<\\/script");
      return `<script>\n${code}\n</script>`;
    })
    .replace(/<link rel='stylesheet' href='local:([^']+)'>/g, (_, path: string) => {
      return `<style>\n${readFileSync(join(diagramsDir, path), "utf8")}\n</style>`;
    });
  return inlined.replace(/[ \t]+$/gm, "");
}

/** chevrotain's package folder (its package.json is not exported, so found from the entry point). */
function chevrotainPackageDir(): string {
  const entry = createRequire(import.meta.url).resolve("chevrotain");
  const marker = `${sep}chevrotain${sep}`;
  return entry.slice(0, entry.lastIndexOf(marker) + marker.length - 1);
}

/** Where the committed page lives: grammar/ in the source tree (also when run from dist/). */
export function diagramsPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const root = here.includes(`${join("dist", "grammar")}`) ? join(here, "..", "..") : join(here, "..");
  return join(root, "grammar", "diagrams.html");
}

const invokedDirectly = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (invokedDirectly) {
  const path = diagramsPath();
  writeFileSync(path, diagramsHtml());
  console.log(`wrote ${path}`);
}
