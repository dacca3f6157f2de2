// Every sample through the real CLI as several node processes (`pgasc run -n N --nodes K`, grpc
// between them): -n 4 over 2 nodes and -n 7 over 3; -n 4 over 4 (one image per node: every
// access remote) for the samples whose communication differs most: neighbour puts, all-to-all,
// atomics and locks, halo exchange (the others' every split: PGASC_E2E_NODES=1). Consumes samples/
// and their expected output; the one-node run is the reference where no expected file exists.

import * as vitest from "vitest";
import { join } from "node:path";
import { ensureCli, listPrograms, repoRoot } from "./harness.js";
import { SPLITS, defineSplitSuite, samplesExpected } from "../launcher/split-matrix.js";

const ONE_IMAGE_PER_NODE = new Set(["ring", "transpose", "bank", "heat"]);
const everySplit = (name: string) => process.env.PGASC_E2E_NODES === "1" || ONE_IMAGE_PER_NODE.has(name);

ensureCli();
const samples = listPrograms(join(repoRoot, "samples"));
defineSplitSuite(vitest, "samples over node processes", samples.filter((s) => everySplit(s.name)), samplesExpected);
defineSplitSuite(
  vitest,
  "samples over node processes (several images a node)",
  samples.filter((s) => !everySplit(s.name)),
  samplesExpected,
  SPLITS.filter(([n, k]) => n !== k),
);
