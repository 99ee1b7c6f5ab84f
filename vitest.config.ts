/**
 * The test suite (`npm test`). Vitest runs each worker's test files in one module graph (`isolate:
 * false`): keygate, its generated protos, the clients and PGlite are loaded and compiled once per
 * worker rather than once per file, which is most of what the suite's CPU went to under a runner
 * that gives each file a fresh realm (the whole suite on a 2-core machine: 410 CPU-seconds and 207 s
 * under jest, 264 and 135 s here, 2026-12-06). Test files therefore leave no state behind them: each
 * starts its own keygates and databases and closes them, and restores what it changes of process.env.
 */
import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The fault suite has its own config (vitest.faults.config.ts) and script (npm run test:faults).
    exclude: ["**/node_modules/**", "test/faults/**"],
    isolate: false,
    pool: "forks",
    // The files spend much of their time waiting (on Postgres, on child processes, on Chromium), so
    // two workers per core keep the cores busier. At most 8: each holds its own embedded databases.
    maxWorkers: Math.min(2 * availableParallelism(), 8),
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A Postgres for the tests (TEST_DATABASE_URL, else one started for the run) and migrated templates.
    globalSetup: ["test/support/global-setup.ts"],
  },
});
