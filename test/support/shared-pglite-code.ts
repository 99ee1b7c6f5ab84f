/**
 * PGlite's compiled code (src/store/pglite-code.ts) for the embedded engines the tests start,
 * compiled once per test worker: the worker's test files share one module graph (vitest.config.ts),
 * so this module's memory lasts as long as the worker.
 */
import { loadPGliteCode, type PGliteCode } from "../../src/store/pglite-code.js";

let code: Promise<PGliteCode> | undefined;

export const sharedPGliteCode = (): Promise<PGliteCode> => (code ??= loadPGliteCode());
