import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

/**
 * PGlite's WebAssembly modules and its file bundle (Postgres' share/ directory). Reading and
 * compiling them is most of an engine's start, and V8 then recompiles the hot functions with its
 * optimizing compiler in the background, about a second of CPU per engine. An engine given them
 * skips the compile and runs on the code already optimized, so engines one process starts share
 * them: the first start on a new data dir runs two engines (see database.ts), the tests many.
 */
export interface PGliteCode {
  pgliteWasmModule: WebAssembly.Module;
  initdbWasmModule: WebAssembly.Module;
  fsBundle: Blob;
}

const packageFile = (name: string) => createRequire(import.meta.url).resolve(`@electric-sql/pglite/${name}`);

const compile = async (name: string) => WebAssembly.compile(await readFile(packageFile(name)));

export async function loadPGliteCode(): Promise<PGliteCode> {
  const [pgliteWasmModule, initdbWasmModule, bundle] = await Promise.all([compile("pglite.wasm"), compile("initdb.wasm"), readFile(packageFile("pglite.data"))]);
  return { pgliteWasmModule, initdbWasmModule, fsBundle: new Blob([bundle]) };
}
