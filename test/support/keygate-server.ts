import { randomBytes } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, type Config } from "../../src/config.js";
import { startKeygate, type Keygate } from "../../src/keygate.js";
import { createLogger } from "../../src/logger.js";
import type { Backend } from "./backends.js";
import { managementClient, type ManagementClient } from "./management-client.js";

export interface TestKeygate extends Keygate {
  adminToken: string;
  dispose(): Promise<void>;
}

/** A real keygate on an ephemeral loopback port, on a fresh database of `backend`. */
export async function startTestKeygate(backend: Backend, overrides: Partial<Config> = {}): Promise<TestKeygate> {
  const adminToken = randomBytes(32).toString("base64url");
  const config: Config = {
    ...loadConfig({}),
    port: 0,
    host: "127.0.0.1",
    dataDir: await mkdtemp(join(tmpdir(), "keygate-test-")),
    adminToken,
    logLevel: "silent",
    shutdownTimeoutMs: 2000,
    ...overrides,
  };
  const keygate = await startKeygate(config, createLogger(config.logLevel), await backend.create());
  return {
    ...keygate,
    adminToken,
    async dispose() {
      await keygate.close();
      await backend.dispose();
    },
  };
}

/** A test keygate with a client of its admin (IAM_OWNER) in the admin's own org. */
export interface AdminSession {
  keygate: TestKeygate;
  admin: ManagementClient;
  orgId: string;
}

export async function startAdminSession(backend: Backend, overrides: Partial<Config> = {}): Promise<AdminSession> {
  const keygate = await startTestKeygate(backend, overrides);
  const admin = managementClient(keygate.url, keygate.adminToken);
  return { keygate, admin, orgId: (await admin.getMyOrg({})).org!.id };
}
