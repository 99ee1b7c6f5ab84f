import { fileURLToPath } from "node:url";

/**
 * Where the tests keep what they make once and reuse between runs (RSA key pairs, the embedded
 * templates): under node_modules/.cache, where tools keep their caches, so that `npm ci` starts it afresh.
 */
export const TEST_CACHE = fileURLToPath(new URL("../../node_modules/.cache/keygate-test/", import.meta.url));
