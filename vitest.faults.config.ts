/**
 * The fault suite (`npm run test:faults`): keygate as a real process under real faults (terminated
 * backends, a restarted or refusing database, a shared data dir, kill -9, hostile clients). Slow
 * and machine-heavy, so kept out of `npm test`; its files run one at a time.
 */
import { defineConfig } from "vitest/config";
import suite from "./vitest.config.js";

export default defineConfig({
  test: {
    ...suite.test,
    include: ["test/faults/**/*.test.ts"],
    exclude: ["**/node_modules/**"],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
