/**
 * Builds the service into one file, dist/main.js (what `npm start` and the Docker image run):
 * src/main.ts and its dependencies bundled by esbuild. One file instead of some 700 modules takes
 * about half a second off every start (Node resolves, reads and compiles each ESM module
 * separately).
 *   tsx scripts/build-server.ts [outfile]     (default dist/main.js)
 */
import { fileURLToPath } from "node:url";
import { bundleForNode } from "./node-bundle.js";

const outfile = process.argv[2] ?? fileURLToPath(new URL("../dist/main.js", import.meta.url));
await bundleForNode(fileURLToPath(new URL("../src/main.ts", import.meta.url)), outfile);
console.log(`server built into ${outfile}`);
