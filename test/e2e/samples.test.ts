// Runs every samples/NAME.pgas at each image count of its `// images:` header and compares
// stdout with samples/expected/NAME.N.txt (see harness.ts for the header format).
import * as vitest from "vitest";
import { join } from "node:path";
import { defineSuite, listPrograms, readIfExists, repoRoot } from "./harness.js";

const dir = join(repoRoot, "samples");
await defineSuite(vitest, "samples", listPrograms(dir), (spec, n) =>
  readIfExists(join(dir, "expected", `${spec.name}.${n}.txt`)),
);
