import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Generous: only a hang reaches them, even on a shared machine under load. No test asserts
    // an elapsed time (speed is bench/'s business).
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // 2-core machines: end-to-end tests start many worker threads and processes.
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
