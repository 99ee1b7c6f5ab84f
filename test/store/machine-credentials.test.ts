import { createPrivateKey, createPublicKey, sign, verify } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { verifySecret } from "../../src/domain/secrets.js";
import { AccessTokenType } from "../../src/domain/user.js";
import type { CommandDeps } from "../../src/store/commands/command-deps.js";
import * as credentials from "../../src/store/commands/machine-credential-commands.js";
import { recordIssuedToken } from "../../src/store/commands/oauth-commands.js";
import type { ClientCredential } from "../../src/domain/access-token.js";
import { addOrg } from "../../src/store/commands/org-commands.js";
import * as users from "../../src/store/commands/user-commands.js";
import type { Actor } from "../../src/store/event-store.js";
import { openStore, type Store } from "../../src/store/open-store.js";
import { findMachineKey, findMachineUserByClientId, findMachineUserById } from "../../src/store/queries/machine-credential-queries.js";
import { describeEachBackend } from "../support/backends.js";
import { commandDepsOf } from "../support/command-deps.js";

/**
 * The store side of service users' credentials as the OAuth endpoints read them: a user found by its
 * client id (user name) or id, with its secret's hash, state and access token type; a key found by
 * user and key id, with its public key and expiry; and what removals leave behind.
 */
describeEachBackend("service user credentials in the store", (backend) => {
  let store: Store;
  let deps: CommandDeps;
  let alpha: Actor;
  let beta: Actor;

  beforeAll(async () => {
    store = await openStore(await backend.create());
    deps = commandDepsOf(store);
    alpha = await orgActor("Alpha Org");
    beta = await orgActor("Beta Org");
  });
  afterAll(async () => {
    await store.close();
    await backend.dispose();
  });

  async function orgActor(name: string): Promise<Actor> {
    const creator: Actor = { instanceId: "i", orgId: "seed", userId: "u" };
    const { id } = await addOrg(deps, creator, name, "example.com");
    return { ...creator, orgId: id };
  }
  const addUser = (as: Actor, userName: string, accessTokenType?: AccessTokenType) =>
    users.addMachineUser(deps, as, { userName, name: userName, ...(accessTokenType === undefined ? {} : { accessTokenType }) }).then((added) => added.id);
  const primaryDomain = async (as: Actor) => (await store.db.selectFrom("orgs").select("primary_domain").where("id", "=", as.orgId).executeTakeFirstOrThrow()).primary_domain;

  describe("findMachineUserByClientId / findMachineUserById", () => {
    test("a user with a secret: its org, state, access token type, and a hash that verifies the secret returned once", async () => {
      const userId = await addUser(alpha, "ci-bot", AccessTokenType.Jwt);
      const generated = await credentials.generateMachineSecret(deps, alpha, userId);
      expect(generated.clientId).toBe("ci-bot");
      const found = await findMachineUserByClientId(store.db, "ci-bot");
      expect(found).toMatchObject({ instanceId: "i", userId, orgId: alpha.orgId, userName: "ci-bot", state: "active", accessTokenType: AccessTokenType.Jwt });
      expect(await verifySecret(generated.clientSecret, found!.secretHash!)).toBe(true);
      expect(await findMachineUserById(store.db, userId)).toEqual(found);
    });

    test("regenerating replaces the hash (the old secret stops verifying); removing clears it", async () => {
      const userId = await addUser(alpha, "rotating");
      const first = await credentials.generateMachineSecret(deps, alpha, userId);
      const second = await credentials.generateMachineSecret(deps, alpha, userId);
      const hash = (await findMachineUserById(store.db, userId))!.secretHash!;
      expect(await verifySecret(second.clientSecret, hash)).toBe(true);
      expect(await verifySecret(first.clientSecret, hash)).toBe(false);
      await credentials.removeMachineSecret(deps, alpha, userId);
      const after = await findMachineUserById(store.db, userId);
      expect(after).toBeDefined();
      expect(after!.secretHash).toBeUndefined();
      expect("secretHash" in after!).toBe(false);
    });

    test("a user without a secret has none; BEARER is the default access token type", async () => {
      const userId = await addUser(alpha, "no-secret");
      const found = await findMachineUserByClientId(store.db, "no-secret");
      expect(found).toMatchObject({ userId, accessTokenType: AccessTokenType.Bearer });
      expect(found!.secretHash).toBeUndefined();
    });

    test("UpdateMachine's access token type is what the token endpoint reads", async () => {
      const userId = await addUser(alpha, "switching");
      await users.changeMachine(deps, alpha, userId, { name: "switching", description: "", accessTokenType: AccessTokenType.Jwt });
      expect((await findMachineUserById(store.db, userId))!.accessTokenType).toBe(AccessTokenType.Jwt);
      await users.changeMachine(deps, alpha, userId, { name: "switching", description: "", accessTokenType: AccessTokenType.Bearer });
      expect((await findMachineUserById(store.db, userId))!.accessTokenType).toBe(AccessTokenType.Bearer);
    });

    test("a deactivated user is found as inactive (the endpoint refuses it); a removed user is not found", async () => {
      const userId = await addUser(alpha, "leaving");
      await credentials.generateMachineSecret(deps, alpha, userId);
      await users.deactivateUser(deps, alpha, userId);
      expect((await findMachineUserByClientId(store.db, "leaving"))!.state).toBe("inactive");
      await users.reactivateUser(deps, alpha, userId);
      expect((await findMachineUserByClientId(store.db, "leaving"))!.state).toBe("active");
      await users.removeUser(deps, alpha, userId);
      expect(await findMachineUserByClientId(store.db, "leaving")).toBeUndefined();
      expect(await findMachineUserById(store.db, userId)).toBeUndefined();
    });

    test("a user name used in two orgs names nobody; userName@primaryDomain picks the org's user", async () => {
      const inAlpha = await addUser(alpha, "shared-name");
      const inBeta = await addUser(beta, "shared-name");
      expect(await findMachineUserByClientId(store.db, "shared-name")).toBeUndefined();
      expect((await findMachineUserByClientId(store.db, `shared-name@${await primaryDomain(alpha)}`))?.userId).toBe(inAlpha);
      expect((await findMachineUserByClientId(store.db, `shared-name@${await primaryDomain(beta)}`))?.userId).toBe(inBeta);
      expect(await findMachineUserByClientId(store.db, "shared-name@nowhere.example.com")).toBeUndefined();
      expect(await findMachineUserByClientId(store.db, "@example.com")).toBeUndefined();
    });

    test("a user name that contains @ is found by itself; unknown client ids find nobody", async () => {
      const userId = await addUser(beta, "robot@beta-team");
      expect((await findMachineUserByClientId(store.db, "robot@beta-team"))?.userId).toBe(userId);
      expect(await findMachineUserByClientId(store.db, "nobody")).toBeUndefined();
      expect(await findMachineUserByClientId(store.db, "")).toBeUndefined();
      expect(await findMachineUserById(store.db, "4711")).toBeUndefined();
    });
  });

  describe("findMachineKey", () => {
    test("a generated key: its public key verifies what the key file's private key signs; the expiry is stored", async () => {
      const userId = await addUser(alpha, "signer");
      const expiration = new Date(Math.floor(Date.now() / 1000) * 1000 + 86_400_000);
      const added = await credentials.addMachineKey(deps, alpha, userId, { expiration });
      const file = JSON.parse(added.keyDetails!) as { keyId: string; key: string; userId: string };
      const key = await findMachineKey(store.db, userId, added.keyId);
      expect(key).toMatchObject({ instanceId: "i", keyId: added.keyId, userId, orgId: alpha.orgId, expiration });
      const data = Buffer.from("header.payload");
      expect(verify("sha256", data, key!.publicKeyPem, sign("sha256", data, createPrivateKey(file.key)))).toBe(true);
      expect(await findMachineKey(store.db, "4711", added.keyId)).toBeUndefined();
      expect(await findMachineKey(store.db, userId, "4711")).toBeUndefined();
    });

    test("a caller's own public key is stored as given (SPKI); no key file is made", async () => {
      const userId = await addUser(alpha, "own-key");
      const file = JSON.parse((await credentials.addMachineKey(deps, alpha, userId, { expiration: undefined })).keyDetails!) as { key: string };
      const ownPublic = createPublicKey(file.key).export({ type: "spki", format: "pem" }) as string;
      const added = await credentials.addMachineKey(deps, alpha, userId, { expiration: undefined, publicKeyPem: ownPublic });
      expect(added.keyDetails).toBeUndefined();
      const key = await findMachineKey(store.db, userId, added.keyId);
      expect(key!.publicKeyPem).toBe(ownPublic);
      expect(key!.expiration.toISOString()).toBe("9999-12-31T23:59:59.000Z");
    });

    test("a removed key is not found; a removed user's keys are gone with it", async () => {
      const userId = await addUser(alpha, "key-holder");
      const kept = await credentials.addMachineKey(deps, alpha, userId, { expiration: undefined });
      const removed = await credentials.addMachineKey(deps, alpha, userId, { expiration: undefined });
      await credentials.removeMachineKey(deps, alpha, userId, removed.keyId);
      expect(await findMachineKey(store.db, userId, removed.keyId)).toBeUndefined();
      expect(await findMachineKey(store.db, userId, kept.keyId)).toBeDefined();
      await users.removeUser(deps, alpha, userId);
      expect(await findMachineKey(store.db, userId, kept.keyId)).toBeUndefined();
      expect(await store.db.selectFrom("machine_keys").select("id").where("user_id", "=", userId).execute()).toEqual([]);
    });
  });

  describe("recording an issued token", () => {
    const tokenFor = (userId: string, credential: ClientCredential) => {
      const now = new Date();
      return { id: store.ids.next(), userId, clientId: "c", audience: [], scopes: ["openid"], type: "jwt" as const, credential, issuedAt: now, expiresAt: new Date(now.getTime() + 60_000) };
    };
    const secretHashOf = async (userId: string) => (await findMachineUserById(store.db, userId))!.secretHash!;
    const recorded = (id: string) => store.db.selectFrom("access_tokens").select("id").where("id", "=", id).executeTakeFirst();
    const refused = (promise: Promise<unknown>) => expect(promise).rejects.toMatchObject({ kind: "Unauthenticated", id: "OIDC-cr3dG" });

    test("is refused once the secret it was issued on was removed or replaced, and recorded with the current one", async () => {
      const userId = await addUser(alpha, "record-secret");
      await credentials.generateMachineSecret(deps, alpha, userId);
      const first = await secretHashOf(userId);
      await credentials.generateMachineSecret(deps, alpha, userId);
      await refused(recordIssuedToken(store.events, "i", alpha.orgId, tokenFor(userId, { kind: "secret", secretHash: first }), new Date()));
      const current = tokenFor(userId, { kind: "secret", secretHash: await secretHashOf(userId) });
      await recordIssuedToken(store.events, "i", alpha.orgId, current, new Date());
      expect(await recorded(current.id)).toBeDefined();
      const second = await secretHashOf(userId);
      await credentials.removeMachineSecret(deps, alpha, userId);
      await refused(recordIssuedToken(store.events, "i", alpha.orgId, tokenFor(userId, { kind: "secret", secretHash: second }), new Date()));
    });

    test("is refused once the key it was issued on was removed or expired, or the user deactivated or removed", async () => {
      const userId = await addUser(alpha, "record-key");
      const { keyId } = await credentials.addMachineKey(deps, alpha, userId, { expiration: undefined });
      const expiresAt = new Date(Date.now() + 60_000);
      const { keyId: expiring } = await credentials.addMachineKey(deps, alpha, userId, { expiration: expiresAt });
      const withKey = tokenFor(userId, { kind: "key", keyId });
      await recordIssuedToken(store.events, "i", alpha.orgId, withKey, new Date());
      expect(await recorded(withKey.id)).toBeDefined();
      // Checked by the clock the endpoint gives: a moment past the key's expiry (no sleeping), not before.
      await recordIssuedToken(store.events, "i", alpha.orgId, tokenFor(userId, { kind: "key", keyId: expiring }), new Date(expiresAt.getTime() - 1));
      await refused(recordIssuedToken(store.events, "i", alpha.orgId, tokenFor(userId, { kind: "key", keyId: expiring }), new Date(expiresAt.getTime() + 1)));
      await users.deactivateUser(deps, alpha, userId);
      await refused(recordIssuedToken(store.events, "i", alpha.orgId, tokenFor(userId, { kind: "key", keyId }), new Date()));
      await users.reactivateUser(deps, alpha, userId);
      await credentials.removeMachineKey(deps, alpha, userId, keyId);
      await refused(recordIssuedToken(store.events, "i", alpha.orgId, tokenFor(userId, { kind: "key", keyId }), new Date()));
      await refused(recordIssuedToken(store.events, "i", alpha.orgId, tokenFor("4711", { kind: "key", keyId }), new Date()));
    });
  });
});
