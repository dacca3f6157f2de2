// Runs every test/programs/NAME.pgas (one language feature each) at each image count of its
// `// images:` header (default 1 2 4) and checks stdout against NAME.N.expected or NAME.expected,
// the exit status (`// exit:`) and stderr patterns (`// stderr:`). See harness.ts.
import * as vitest from "vitest";
import { join } from "node:path";
import { defineSuite, listPrograms, readIfExists, repoRoot } from "./harness.js";

const dir = join(repoRoot, "test", "programs");
await defineSuite(vitest, "conformance programs", listPrograms(dir), (spec, n) =>
  readIfExists(join(dir, `${spec.name}.${n}.expected`)) ?? readIfExists(join(dir, `${spec.name}.expected`)),
);
