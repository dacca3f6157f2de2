// Every sample through the real CLI as several node processes (`pgasc run -n N --nodes K`, grpc
// between them): -n 4 over 2 and 4 nodes, -n 7 over 3. Consumes samples/ and their expected
// output; the one-node run is the reference where no expected file exists (-n 7).

import * as vitest from "vitest";
import { join } from "node:path";
import { ensureCli, listPrograms, repoRoot } from "./harness.js";
import { defineSplitSuite, samplesExpected } from "../launcher/split-matrix.js";

ensureCli();
defineSplitSuite(vitest, "samples over node processes", listPrograms(join(repoRoot, "samples")), samplesExpected);
