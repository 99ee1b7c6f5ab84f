/** Jest in native ESM mode with @swc/jest (see README: tests run with --experimental-vm-modules). */
const { availableParallelism } = require("node:os");

module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  // The fault suite has its own config (jest.faults.config.cjs) and script (npm run test:faults).
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/faults/"],
  extensionsToTreatAsEsm: [".ts"],
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "es6" } }],
  },
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  testTimeout: 60000,
  // Jest's default leaves a core to its own process, which is one worker on a 2-core machine. The test
  // files spend much of their time waiting (on Postgres, on child processes, on Chromium), so two workers
  // per core keep the cores busier: the whole suite in 198 s with 4 workers on 2 cores against 222 s with
  // 2 (2026-12-06). At most 8: each worker holds its own embedded databases (up to about 1 GB).
  maxWorkers: Math.min(2 * availableParallelism(), 8),
  // A Postgres for the tests (TEST_DATABASE_URL, else one started for the run) and migrated templates.
  globalSetup: "<rootDir>/test/support/jest-global-setup.mjs",
  globalTeardown: "<rootDir>/test/support/jest-global-teardown.mjs",
};
