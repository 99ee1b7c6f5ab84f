/**
 * PGlite's compiled code (src/store/pglite-code.ts) for the embedded engines a test file starts,
 * compiled by V8 once per jest worker rather than once per file.
 *
 * Jest runs each test file in a realm of its own, and PGlite only takes a module of its own realm
 * (Emscripten checks `instanceof WebAssembly.Module`), so each file compiles its own. But V8 keeps
 * one native module per distinct wire bytes while any module of those bytes is alive, and a compile
 * of the same bytes then reuses it, optimized code included. So the first file's code is kept alive
 * for the worker's life, on the one kind of object a worker keeps across files: a core module's.
 */
import v8 from "node:v8";
import { loadPGliteCode, type PGliteCode } from "../../src/store/pglite-code.js";

const KEY = Symbol.for("keygate.test.pgliteCode");
const workerWide = v8 as unknown as Record<symbol, Promise<PGliteCode> | undefined>;

let thisFile: Promise<PGliteCode> | undefined;

export function sharedPGliteCode(): Promise<PGliteCode> {
  thisFile ??= loadPGliteCode();
  workerWide[KEY] ??= thisFile;
  return thisFile;
}
