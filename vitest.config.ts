/**
 * The test suite (`npm test`). Vitest runs each worker's test files in one module graph (`isolate:
 * false`): keygate, its generated protos, the clients and PGlite are loaded and compiled once per
 * worker rather than once per file, which is most of what the suite's CPU went to under a runner
 * that gives each file a fresh realm (the whole suite on a 2-core machine: 410 CPU-seconds and 207 s
 * under jest, 264 and 135 s here, 2026-12-06). Test files therefore leave no state behind them: each
 * starts its own keygates and closes them, gives back the databases it was lent (the worker's pools
 * bring them back to the template's state for the next file, see test/support/lending-pool.ts), and
 * restores what it changes of process.env.
 */
import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The fault suite has its own config (vitest.faults.config.ts) and script (npm run test:faults).
    exclude: ["**/node_modules/**", "test/faults/**"],
    isolate: false,
    // Workers as threads of one process rather than processes: on Node 20 the suite took 190–202
    // busy CPU-seconds and 98–104 s this way, 214–230 and 110–118 s as forks (same machine and
    // session, 2026-12-06); on Node 24 both took 188. Nothing here needs a process of its own: the
    // tests that need one (signals, exits, a crash) start keygate as a child process.
    pool: "threads",
    // The files spend part of their time waiting (on Postgres, on child processes, on Chromium), so
    // more workers than cores keep the cores busier; but each worker loads and compiles keygate, the
    // clients and PGlite for itself. On 2 cores, 3 workers took 84–89 s and 162–171 busy CPU-seconds,
    // 4 took 89–93 s and 175–182 (2026-12-06). At most 8: each holds its own embedded databases.
    maxWorkers: Math.min(Math.round(1.5 * availableParallelism()), 8),
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A Postgres for the tests (TEST_DATABASE_URL, else one started for the run) and migrated templates.
    globalSetup: ["test/support/global-setup.ts"],
    // Modules as Vite transformed them, kept between runs in node_modules/.experimental-vitest-cache
    // (keyed by each file's content): 2–3 instead of 7–9 s of transform and 15–18 instead of 23–24 s
    // of import per run on a 2-core machine (2026-12-06). The first run after npm ci fills it.
    experimental: { fsModuleCache: true },
  },
});
