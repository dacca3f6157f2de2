// Conformance programs (test/programs) through the real CLI as several node processes. By default
// a representative set (RMA, atomics, locks, events, collectives, syncs, stops, cross-node runtime
// errors) at -n 4 --nodes 2, the team programs also at -n 7 --nodes 3 (the uneven split runs every
// sample and every runtime fixture already: cli-run-nodes.test.ts, test/grpc/runtime-splits.test.ts);
// PGASC_E2E_NODES=1 runs all of them at every split.

import * as vitest from "vitest";
import { join } from "node:path";
import { ensureCli, repoRoot } from "./harness.js";
import { SPLITS, defineSplitSuite, programsExpected, programsNamed } from "../launcher/split-matrix.js";

/**
 * One program per area of the runtime that crosses nodes; the rest run with PGASC_E2E_NODES=1
 * (critical and sync images across nodes: test/grpc/runtime-splits.test.ts's locks and sync fixtures).
 */
const REPRESENTATIVE = [
  "atomics",
  "coarray_getput",
  "collectives",
  "events",
  "notify",
  "team_collectives",
  "team_sync",
  "locks",
  "memory_model",
  "shared_layouts",
  "stop_serving",
  "program_args",
  "error_stop_code",
  "err_sync_all_stopped",
  "err_section_remote",
  "err_unlock_other",
];

const everything = process.env.PGASC_E2E_NODES === "1";

ensureCli();
const programs = programsNamed(join(repoRoot, "test", "programs"), everything ? undefined : REPRESENTATIVE);
const isTeam = (name: string) => name.startsWith("team_");
defineSplitSuite(
  vitest,
  "conformance programs over node processes",
  programs.filter((p) => everything || !isTeam(p.name)),
  programsExpected,
  everything ? SPLITS : [[4, 2]],
);
if (!everything) {
  defineSplitSuite(
    vitest,
    "team programs over node processes",
    programs.filter((p) => isTeam(p.name)),
    programsExpected,
    SPLITS.filter(([n, k]) => n !== k),
  );
}
