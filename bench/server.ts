/**
 * keygate under test (child process): Postgres-backed, on an ephemeral loopback port.
 * Reports { type: "ready", url, ... } over IPC; on request records a CPU profile of itself
 * (node:inspector), so a profile covers exactly one scenario.
 */
import { loadConfig } from "../src/config.js";
import { startKeygate } from "../src/keygate.js";
import { createLogger } from "../src/logger.js";
import { serveRequests } from "./lib/procs.js";
import { profileCommands } from "./lib/profile-control.js";

const databaseUrl = process.env.BENCH_DATABASE_URL!;
const adminToken = process.env.BENCH_ADMIN_TOKEN!;
const poolSize = Number(process.env.BENCH_POOL_SIZE ?? 10);

try {
  const config = { ...loadConfig({}), port: 0, host: "127.0.0.1", dataDir: process.env.BENCH_DATA_DIR!, adminToken, masterKey: "bench-master-key-0123456789abcde", logLevel: "warn" as const, shutdownTimeoutMs: 2000, poolSize };
  const keygate = await startKeygate(config, createLogger(config.logLevel), { kind: "postgres", url: databaseUrl, poolSize });
  const profile = profileCommands();
  serveRequests(async (m) => {
    const profiled = await profile(m);
    if (profiled) return profiled;
    switch (m.cmd) {
      case "close":
        await keygate.close();
        setImmediate(() => process.exit(0));
        return {};
    }
    throw new Error(`unknown command ${m.cmd}`);
  });
  process.send!({ type: "ready", url: keygate.url, port: keygate.port, instanceId: keygate.instanceId, adminUserId: keygate.adminUserId });
} catch (error) {
  process.send!({ type: "fatal", error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
}
