/**
 * The instance's token-signing keys (issue 13, item 7): made on first need, stored with the private
 * key encrypted under the master key, replaced when due, published while their tokens may live, and
 * the same for every process on one database.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createSigningKeys } from "../../src/api/oauth/signing-keys.js";
import { loadConfig, type Config } from "../../src/config.js";
import { startKeygate, type Keygate } from "../../src/keygate.js";
import { createLogger } from "../../src/logger.js";
import { createOAuthStore } from "../../src/store/oauth-store.js";
import { describeEachBackend, postgresBackend } from "../support/backends.js";
import { pooledKeyPairs } from "../support/key-pair-pool.js";
import { startTestKeygate, type TestKeygate } from "../support/keygate-server.js";

const MASTER = "0123456789abcdef0123456789abcdef";
const lifetimes = { signingSeconds: 3600, accessTokenSeconds: 600 };

describeEachBackend("signing keys", (backend) => {
  let keygate: TestKeygate;
  beforeAll(async () => {
    keygate = await startTestKeygate(backend, { masterKey: MASTER });
  });
  afterAll(() => keygate.dispose());

  test("made on first need, stored encrypted, replaced when due, published while their tokens live", async () => {
    let clock = new Date("2030-01-01T00:00:00Z");
    const store = createOAuthStore(keygate.store, keygate.instanceId);
    const keys = createSigningKeys(store, keygate.store.ids, MASTER, lifetimes, () => clock, pooledKeyPairs);
    expect(await store.signingKeys(clock)).toEqual([]);

    const first = await keys.signer();
    expect(first.key.type).toBe("private");
    expect(await keys.signer()).toBe(first);
    const rows = await keygate.store.db.selectFrom("signing_keys").selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.private_key_encrypted).not.toContain("PRIVATE KEY");
    const events = await keygate.store.db.selectFrom("events2").select("payload").where("event_type", "=", "key_pair.added").execute();
    expect(JSON.stringify(events)).not.toContain("PRIVATE KEY");

    // 55 of 60 minutes gone: due for renewal; the old key stays published.
    clock = new Date("2030-01-01T00:55:00Z");
    const second = await keys.signer();
    expect(second.kid).not.toBe(first.kid);
    expect((await keys.jwks()).keys.map((k) => k.kid).sort()).toEqual([first.kid, second.kid].sort());
    expect((await keys.jwks()).keys[0]).toMatchObject({ kty: "RSA", use: "sig", alg: "RS256" });
    expect(await keys.verificationKey(first.kid)).toBeDefined();

    // The first key signed until 01:00; its last tokens expire by 01:10, and then it is gone.
    clock = new Date("2030-01-01T01:10:01Z");
    expect((await keys.jwks()).keys.map((k) => k.kid)).toEqual([second.kid]);
    expect(await keys.verificationKey("no-such-kid")).toBeUndefined();
  });

  test("a process with another master key cannot use the stored keys", async () => {
    // A keygate of its own with a key stored under MASTER, whichever test ran before (the one above makes its first key).
    const own = await startTestKeygate(backend, { masterKey: MASTER });
    try {
      const store = createOAuthStore(own.store, own.instanceId);
      const clock = () => new Date("2030-01-01T01:10:01Z");
      await createSigningKeys(store, own.store.ids, MASTER, lifetimes, clock, pooledKeyPairs).signer();
      const wrong = createSigningKeys(store, own.store.ids, "x".repeat(32), lifetimes, clock, pooledKeyPairs);
      await expect(wrong.signer()).rejects.toThrow();
    } finally {
      await own.dispose();
    }
  });
});

describe("signing keys shared by two processes on one Postgres database", () => {
  const backend = postgresBackend();
  const processes: Keygate[] = [];
  beforeAll(async () => {
    const target = await backend.create();
    const config: Config = { ...loadConfig({}), port: 0, host: "127.0.0.1", masterKey: MASTER, logLevel: "silent", adminToken: "a".repeat(40) };
    for (let i = 0; i < 2; i++) processes.push(await startKeygate(config, createLogger("silent"), target, { keyPairs: pooledKeyPairs }));
  });
  afterAll(async () => {
    for (const keygate of processes) await keygate.close();
    await backend.dispose();
  });

  test("both sign with the one key the first of them made, and publish it", async () => {
    const [a, b] = processes.map((keygate) => createSigningKeys(createOAuthStore(keygate.store, keygate.instanceId), keygate.store.ids, MASTER, lifetimes, undefined, pooledKeyPairs));
    const [fromA, fromB] = await Promise.all([a!.signer(), b!.signer()]);
    expect(fromA.kid).toBe(fromB.kid);
    const kids = await Promise.all(processes.map(async (keygate) => ((await (await fetch(`${keygate.url}/oauth/v2/keys`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid)));
    expect(kids).toEqual([[fromA.kid], [fromA.kid]]);
  });
});
