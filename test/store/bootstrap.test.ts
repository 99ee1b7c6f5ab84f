import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { Code } from "@connectrpc/connect";
import { ADMIN_TOKEN_FILE } from "../../src/admin-token-file.js";
import { loadConfig } from "../../src/config.js";
import { startKeygate, type Keygate } from "../../src/keygate.js";
import { createLogger } from "../../src/logger.js";
import type { DatabaseTarget } from "../../src/store/database.js";
import { describeEachBackend } from "../support/backends.js";
import { expectError } from "../support/expect-error.js";
import { managementClient } from "../support/management-client.js";

describeEachBackend("bootstrap: the admin token across restarts", (backend) => {
  let target: DatabaseTarget;
  let dataDir: string;
  const masterKey = randomBytes(24).toString("base64url");
  beforeAll(async () => {
    target = await backend.create();
    dataDir = await mkdtemp(join(tmpdir(), "keygate-bootstrap-"));
  });
  afterAll(async () => {
    await backend.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Runs `work` against keygate started on the test's one database with `adminToken` configured. */
  async function withKeygate<T>(adminToken: string | undefined, work: (keygate: Keygate) => Promise<T>): Promise<T> {
    const keygate = await startKeygate({ ...loadConfig({}), port: 0, host: "127.0.0.1", dataDir, adminToken, masterKey, logLevel: "silent" }, createLogger("silent"), target);
    try {
      return await work(keygate);
    } finally {
      await keygate.close();
    }
  }
  const works = async (keygate: Keygate, token: string) => expect((await managementClient(keygate.url, token).getMyOrg({})).org?.id).toMatch(/^\d+$/);
  const refused = (keygate: Keygate, token: string) => expectError(managementClient(keygate.url, token).getMyOrg({}), Code.Unauthenticated);

  test("a generated token, then a configured one, then a changed one: each replaces the bootstrap token before it; tokens added through the API stay", async () => {
    const tokenFile = join(dataDir, ADMIN_TOKEN_FILE);
    const { generated, added } = await withKeygate(undefined, async (keygate) => {
      const generated = (await readFile(tokenFile, "utf8")).trim();
      expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
      await works(keygate, generated);
      const admin = managementClient(keygate.url, generated);
      const added = await admin.addPersonalAccessToken({ userId: keygate.adminUserId });
      return { generated, added: added.token };
    });

    const first = randomBytes(32).toString("base64url");
    await withKeygate(first, async (keygate) => {
      await works(keygate, first);
      await refused(keygate, generated);
      await works(keygate, added);
      await expect(stat(tokenFile)).rejects.toMatchObject({ code: "ENOENT" });
    });

    // The same token again: nothing changes.
    await withKeygate(first, async (keygate) => {
      await works(keygate, first);
      await works(keygate, added);
    });

    const second = randomBytes(32).toString("base64url");
    await withKeygate(second, async (keygate) => {
      await works(keygate, second);
      await refused(keygate, first);
      await refused(keygate, generated);
      await works(keygate, added);
      // Each revocation is an event of the admin user, as a removal through the API would be.
      const tokens = await managementClient(keygate.url, second).listPersonalAccessTokens({ userId: keygate.adminUserId });
      expect(tokens.result).toHaveLength(2);
    });

    // Without a configured token, later starts keep the last one and generate nothing.
    await withKeygate(undefined, async (keygate) => {
      await works(keygate, second);
      await expect(stat(tokenFile)).rejects.toMatchObject({ code: "ENOENT" });
    });
  }, 120_000);
});
