/**
 * Where an embedded start spends its time: module loading, PGlite open, migrations, bootstrap, listen.
 *   KEYGATE_DATA_DIR=/tmp/x node --import tsx bench/experiments/embedded-startup.ts   (run twice: first start, restart)
 */
import { performance } from "node:perf_hooks";
const t0 = performance.now();
const lap = (label: string, since: number) => console.log(`${label.padEnd(34)} ${(performance.now() - since).toFixed(0).padStart(6)} ms`);
console.log(`${"process start -> first line".padEnd(34)} ${performance.now().toFixed(0).padStart(6)} ms (node + tsx boot)`);
const { PGlite } = await import("@electric-sql/pglite");
lap("import @electric-sql/pglite", t0);
let t = performance.now();
const { startKeygate, databaseTarget } = await import("../../src/keygate.js");
const { loadConfig } = await import("../../src/config.js");
const { createLogger } = await import("../../src/logger.js");
lap("import keygate modules (tsx)", t);
const dir = `${process.env.KEYGATE_DATA_DIR}/db`;
t = performance.now();
const lite = await PGlite.create({ dataDir: dir });
lap("PGlite.create (open/initdb)", t);
t = performance.now();
await lite.close();
lap("PGlite.close", t);
t = performance.now();
const config = { ...loadConfig({ KEYGATE_ADMIN_TOKEN: "x".repeat(40), KEYGATE_DATA_DIR: process.env.KEYGATE_DATA_DIR! }), port: 0, host: "127.0.0.1", logLevel: "silent" as const };
const kg = await startKeygate(config, createLogger("silent"), databaseTarget(config));
lap("startKeygate (open+migrate+boot+listen)", t);
lap("total since process start", 0 as unknown as number);
await kg.close();
process.exit(0);
