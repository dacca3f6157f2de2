// Runs every step of docs/tutorial.md, samples/tutorial/NAME.pgas, at each image count of its
// `// images:` header (and its `// nodes:` splits, always: the last step is the multi-node one)
// and compares stdout with samples/tutorial/expected/NAME.N.txt (tools/reference/tutorial.py).
import * as vitest from "vitest";
import { join } from "node:path";
import { defineSuite, listPrograms, readIfExists, repoRoot } from "./harness.js";

const dir = join(repoRoot, "samples", "tutorial");
await defineSuite(vitest, "tutorial", listPrograms(dir, { nodeSplits: true }), (spec, n) =>
  readIfExists(join(dir, "expected", `${spec.name}.${n}.txt`)),
);
