// Bundles the playground page's code (cli/workbench/playground/page.js) with CodeMirror into one
// ES module, dist/cli/workbench/playground/page.js, which `pgasc playground` serves. Part of
// `npm run build` (after tsc); esbuild and CodeMirror are build-time dependencies only.

import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
await build({
  entryPoints: [join(root, "cli", "workbench", "playground", "page.js")],
  outfile: join(root, "dist", "cli", "workbench", "playground", "page.js"),
  bundle: true,
  format: "esm",
  target: "es2022",
  minify: true,
  legalComments: "eof",
  logLevel: "warning",
});
