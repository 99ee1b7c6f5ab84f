import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "pino";
import { loadConfig, type Config } from "../../src/config.js";
import { startKeygate, type Keygate, type KeygateRuntime } from "../../src/keygate.js";
import { createLogger } from "../../src/logger.js";
import type { Backend } from "./backends.js";
import { pooledKeyPairs } from "./key-pair-pool.js";
import { managementClient, type ManagementClient } from "./management-client.js";

export interface TestKeygate extends Keygate {
  adminToken: string;
  /**
   * Another keygate on the same database, as a second process would be (its own memories), with
   * the same settings; Postgres only (an embedded data dir has one owner). Closed by `dispose`.
   */
  startPeer(): Promise<Keygate>;
  /** Closes keygate (and its peers), then disposes of its database and data dir. */
  dispose(): Promise<void>;
}

/**
 * A real keygate on an ephemeral loopback port, on a fresh database of `backend`, logging to `logger`.
 * Its key pairs come from the tests' pool unless `runtime` says otherwise (see key-pair-pool.ts).
 */
export async function startTestKeygate(
  backend: Backend,
  overrides: Partial<Config> = {},
  logger: Logger = createLogger("silent"),
  runtime: KeygateRuntime = {},
): Promise<TestKeygate> {
  const adminToken = randomBytes(32).toString("base64url");
  const dataDir = await mkdtemp(join(tmpdir(), "keygate-test-"));
  const config: Config = {
    ...loadConfig({}),
    port: 0,
    host: "127.0.0.1",
    dataDir,
    adminToken,
    masterKey: randomBytes(24).toString("base64url"),
    logLevel: "silent",
    shutdownTimeoutMs: 2000,
    ...overrides,
  };
  const target = await backend.create();
  const withPool: KeygateRuntime = { keyPairs: pooledKeyPairs, ...runtime };
  const keygate = await startKeygate(config, logger, target, withPool);
  const peers: Keygate[] = [];
  return {
    ...keygate,
    adminToken,
    async startPeer() {
      if (target.kind !== "postgres") throw new Error("a peer keygate needs a Postgres database");
      const peer = await startKeygate(config, logger, target, withPool);
      peers.push(peer);
      return peer;
    },
    async dispose() {
      await Promise.all(peers.map((peer) => peer.close()));
      await keygate.close();
      await backend.dispose(target);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A test keygate with a client of its admin (IAM_OWNER) in the admin's own org. */
export interface AdminSession {
  keygate: TestKeygate;
  admin: ManagementClient;
  orgId: string;
}

export async function startAdminSession(backend: Backend, overrides: Partial<Config> = {}, runtime: KeygateRuntime = {}): Promise<AdminSession> {
  const keygate = await startTestKeygate(backend, overrides, createLogger("silent"), runtime);
  const admin = managementClient(keygate.url, keygate.adminToken);
  return { keygate, admin, orgId: (await admin.getMyOrg({})).org!.id };
}
