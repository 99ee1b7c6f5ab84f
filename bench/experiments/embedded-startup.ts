/**
 * Where an embedded start spends its time, step by step as src/main.ts takes them: main's own
 * imports, the PGlite start begun before the rest of keygate is imported (the two overlap), then
 * startKeygate (schema check, bootstrap, server, listen).
 *   KEYGATE_DATA_DIR=/tmp/x node --import tsx bench/experiments/embedded-startup.ts   (run twice: first start, restart)
 * Under tsx, module loading includes transpiling; the build (npm run build:server) loads one file.
 */
import { performance } from "node:perf_hooks";

const at = (label: string, ms: number, note = "") => console.log(`${label.padEnd(48)} ${ms.toFixed(0).padStart(6)} ms${note}`);
at("process start -> first line", performance.now(), " (node + tsx boot)");
let t = performance.now();
const { databaseTarget, startEmbeddedEarly } = await import("../../src/store/database.js");
const { loadConfig } = await import("../../src/config.js");
const { createLogger } = await import("../../src/logger.js");
at("import config, logger, database (main's imports)", performance.now() - t);

const config = { ...loadConfig({ KEYGATE_ADMIN_TOKEN: "x".repeat(40), KEYGATE_DATA_DIR: process.env.KEYGATE_DATA_DIR! }), port: 0, host: "127.0.0.1", logLevel: "silent" as const };
const target = startEmbeddedEarly(databaseTarget(config));
const engineStarted = performance.now();
const engineReadyAt = target.kind === "embedded" ? target.starting!.then(() => performance.now()) : Promise.resolve(engineStarted);
t = performance.now();
const { startKeygate } = await import("../../src/keygate.js");
at("import the rest of keygate (while PGlite starts)", performance.now() - t);
const waitFrom = performance.now();
const readyAt = await engineReadyAt;
at("PGlite start (open, or initdb on a new dir)", readyAt - engineStarted, `, of which ${Math.max(0, readyAt - waitFrom).toFixed(0)} ms after the imports`);

t = performance.now();
const keygate = await startKeygate(config, createLogger("silent"), target);
at("startKeygate (schema check, bootstrap, listen)", performance.now() - t);
at("total since process start", performance.now());
await keygate.close();
process.exit(0);
