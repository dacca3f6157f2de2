import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Test files that take longest (seconds measured on 2 idle cores, `npm test`, 2026-12-03, with teams' tests). They
 * start first, longest first, so that the two forks end together: on a clean clone vitest has no
 * durations of earlier runs and would order by file size, leaving one fork to run a two-minute file
 * alone at the end.
 */
const SLOW: Record<string, number> = {
  "test/e2e/programs.test.ts": 163,
  "test/grpc/runtime-splits.test.ts": 100,
  "test/e2e/cli-run-nodes.test.ts": 80,
  "test/e2e/cli-run-nodes-programs.test.ts": 30,
  "test/e2e/samples.test.ts": 61,
  "test/e2e/deadlock.test.ts": 40,
  "test/e2e/tutorial.test.ts": 40,
  "test/e2e/checkpoint.test.ts": 38,
  "test/launcher/supervisor.test.ts": 35,
  "test/e2e/cli-run-faults.test.ts": 31,
  "test/launcher/netns.test.ts": 29,
  "test/e2e/docs-examples.test.ts": 29,
  "test/launcher/slurm.test.ts": 26,
  "test/soak/soak-short.test.ts": 20,
  "test/runtime/errors.test.ts": 24,
  "test/e2e/cli.test.ts": 24,
  "test/fuzz/back-end.fuzz.test.ts": 22,
  "test/launcher/tls.test.ts": 20,
  "test/e2e/local-job.test.ts": 19,
  "test/grpc/heartbeat.test.ts": 18,
};

class SlowFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const seconds = (file: TestSpecification) => {
      const path = file.moduleId.replace(/\\/g, "/");
      const key = Object.keys(SLOW).find((name) => path.endsWith(name));
      return key === undefined ? 0 : SLOW[key]!;
    };
    // a stable sort: the files not listed keep vitest's order after the listed ones
    return sorted.sort((a, b) => seconds(b) - seconds(a));
  }
}

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Every temporary file of the run, the tests' and their processes', in one directory removed at the end.
    globalSetup: ["test/support/temp-root.ts"],
    // Generous: only a hang reaches them, even on a shared machine under load. No test asserts
    // an elapsed time (speed is bench/'s business).
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // 2-core machines: end-to-end tests start many worker threads and processes.
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    sequence: { sequencer: SlowFirst },
  },
});
