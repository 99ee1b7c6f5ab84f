import { createPrivateKey, createPublicKey } from "node:crypto";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Code } from "@connectrpc/connect";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { APIAuthMethodType } from "../../src/gen/zitadel/app_pb.js";
import { KeyType } from "../../src/gen/zitadel/auth_n_key_pb.js";
import { generateRsaKeyPair } from "../../src/domain/key-pair.js";
import { describeEachBackend } from "../support/backends.js";
import { expectError } from "../support/expect-error.js";
import { startAdminSession, type TestKeygate } from "../support/keygate-server.js";
import type { ManagementClient } from "../support/management-client.js";
import { expectRebuildReproduces, seedMoreThan, snapshot } from "../support/projection-snapshot.js";

const BASIC = APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC;
const JWT = APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT;
const NO_EXPIRATION = "9999-12-31T23:59:59.000Z";

interface KeyFile {
  type: string;
  keyId: string;
  key: string;
  appId: string;
  clientId: string;
}

const keyFile = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes)) as KeyFile;

describeEachBackend("lifecycle: app keys (cases 38, 62–71)", (backend) => {
  let keygate: TestKeygate;
  let admin: ManagementClient;
  let orgId: string;
  let projectId: string;

  beforeAll(async () => {
    ({ keygate, admin, orgId } = await startAdminSession(backend));
    projectId = (await admin.addProject({ name: "keys" })).id;
  });
  afterAll(() => keygate?.dispose());

  const db = () => keygate.store.db;
  const jwtApp = (name: string) => admin.addAPIApp({ projectId, name, authMethodType: JWT });
  const lastEvent = () => db().selectFrom("events2").selectAll().where("aggregate_id", "=", projectId).orderBy("sequence", "desc").limit(1).executeTakeFirstOrThrow();

  /** Expects `call` to fail as given and to append no event. */
  async function expectRefused(call: () => Promise<unknown>, code: Code, message: string, id?: string): Promise<void> {
    const before = await lastEvent();
    await expectError(call(), code, message, id);
    expect((await lastEvent()).sequence).toBe(before.sequence);
  }

  describe("AddAppKey", () => {
    test("case 62: a JWT app's key: ZITADEL's key file with a 2048-bit PKCS#1 private key, add-type details, no expiration means 9999-12-31T23:59:59Z", async () => {
      const app = await jwtApp("key-file");
      const res = await admin.addAppKey({ projectId, appId: app.appId, type: KeyType.JSON });
      expect(res.id).toMatch(/^\d+$/);
      const file = keyFile(res.keyDetails);
      expect(Object.keys(file)).toEqual(["type", "keyId", "key", "appId", "clientId"]);
      expect(file).toMatchObject({ type: "application", keyId: res.id, appId: app.appId, clientId: app.clientId });
      expect(file.key.startsWith("-----BEGIN RSA PRIVATE KEY-----\n")).toBe(true);
      expect(file.key.trimEnd().endsWith("-----END RSA PRIVATE KEY-----")).toBe(true);
      const privateKey = createPrivateKey(file.key);
      expect(privateKey.asymmetricKeyType).toBe("rsa");
      expect(privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);

      const added = await lastEvent();
      expect(added.event_type).toBe("project.application.oidc.key.added");
      expect(res.details?.sequence).toBe(BigInt(added.sequence));
      expect(res.details?.creationDate).toBeDefined();
      expect(res.details?.changeDate).toBeUndefined();
      expect(res.details?.resourceOwner).toBe(orgId);
      expect(timestampDate(res.details!.creationDate!).getTime()).toBe(added.created_at.getTime());

      const got = (await admin.getAppKey({ projectId, appId: app.appId, keyId: res.id })).key!;
      expect(timestampDate(got.expirationDate!).toISOString()).toBe(NO_EXPIRATION);
      // Key events are not app events: the app's read details stay those of its config event.
      expect((await admin.getAppByID({ projectId, appId: app.appId })).app?.details?.sequence).toBe(app.details!.sequence);
    });

    test("case 62: only the public key is stored; no private key material in any event or projection", async () => {
      const app = await jwtApp("public-only");
      const res = await admin.addAppKey({ projectId, appId: app.appId, type: KeyType.JSON });
      const privatePem = keyFile(res.keyDetails).key;
      const expectedPublic = createPublicKey(privatePem).export({ type: "spki", format: "pem" }) as string;

      const row = await db().selectFrom("app_keys").selectAll().where("id", "=", res.id).executeTakeFirstOrThrow();
      const storedPem = Buffer.from(row.public_key, "base64").toString("utf8");
      expect(storedPem.startsWith("-----BEGIN PUBLIC KEY-----")).toBe(true);
      expect(createPublicKey(storedPem).export({ type: "spki", format: "pem" })).toBe(expectedPublic);
      expect(row).toMatchObject({ app_id: app.appId, project_id: projectId, client_id: app.clientId, owner: orgId, type: 1, enabled: true });

      const event = await db().selectFrom("events2").selectAll().where("aggregate_id", "=", projectId).where("event_type", "=", "project.application.oidc.key.added").orderBy("sequence", "desc").limit(1).executeTakeFirstOrThrow();
      expect(event.payload).toEqual({
        applicationId: app.appId,
        clientId: app.clientId,
        keyId: res.id,
        type: 1,
        expirationDate: NO_EXPIRATION,
        publicKey: row.public_key,
      });
      // The private key's base64 body, in any line, is nowhere in the database.
      const privateBody = privatePem.split("\n").filter((line) => line && !line.startsWith("-----"));
      const allEvents = JSON.stringify(await db().selectFrom("events2").select("payload").execute());
      const allProjections = JSON.stringify(await snapshot(keygate.store));
      for (const haystack of [allEvents, allProjections]) {
        expect(haystack).not.toContain("PRIVATE KEY");
        for (const line of privateBody) expect(haystack).not.toContain(line);
      }
    });

    test("a future expiration is kept", async () => {
      const app = await jwtApp("future");
      const expiration = new Date(Math.floor(Date.now() / 1000) * 1000 + 30 * 86_400_000);
      const res = await admin.addAppKey({ projectId, appId: app.appId, type: KeyType.JSON, expirationDate: timestampFromDate(expiration) });
      const got = (await admin.getAppKey({ projectId, appId: app.appId, keyId: res.id })).key!;
      expect(timestampDate(got.expirationDate!).toISOString()).toBe(expiration.toISOString());
      expect((await lastEvent()).payload).toMatchObject({ expirationDate: expiration.toISOString() });
    });

    test("case 66: an expiration in the past is InvalidArgument (DOMAIN-dv3t5)", async () => {
      const app = await jwtApp("past");
      await expectRefused(
        () => admin.addAppKey({ projectId, appId: app.appId, type: KeyType.JSON, expirationDate: timestampFromDate(new Date(Date.now() - 60_000)) }),
        Code.InvalidArgument,
        "Errors.AuthNKey.ExpireBeforeNow (DOMAIN-dv3t5)",
        "DOMAIN-dv3t5",
      );
    });

    test("case 63: a BASIC app is FailedPrecondition (COMMAND-Dff54)", async () => {
      const app = await admin.addAPIApp({ projectId, name: "basic-no-keys", authMethodType: BASIC });
      await expectRefused(
        () => admin.addAppKey({ projectId, appId: app.appId, type: KeyType.JSON }),
        Code.FailedPrecondition,
        "Chosen Auth Method does not require a key (COMMAND-Dff54)",
        "COMMAND-Dff54",
      );
    });

    test("case 64: an unknown app is FailedPrecondition (COMMAND-sak25)", async () => {
      await expectRefused(() => admin.addAppKey({ projectId, appId: "4711", type: KeyType.JSON }), Code.FailedPrecondition, "Application not found (COMMAND-sak25)", "COMMAND-sak25");
      await expectRefused(() => admin.addAppKey({ projectId: "4711", appId: "4711", type: KeyType.JSON }), Code.FailedPrecondition, "Application not found (COMMAND-sak25)", "COMMAND-sak25");
    });

    test("case 65: type KEY_TYPE_UNSPECIFIED is InvalidArgument (PGV not_in)", async () => {
      const app = await jwtApp("unspecified-type");
      await expectRefused(
        () => admin.addAppKey({ projectId, appId: app.appId, type: KeyType.UNSPECIFIED }),
        Code.InvalidArgument,
        "invalid AddAppKeyRequest.Type: value must not be in list [0]",
      );
    });

    test("REST: POST …/keys answers id, add-type details and base64 keyDetails", async () => {
      const app = await jwtApp("rest-key");
      const res = await fetch(`${keygate.url}/management/v1/projects/${projectId}/apps/${app.appId}/keys`, {
        method: "POST",
        headers: { authorization: `Bearer ${keygate.adminToken}`, "content-type": "application/json" },
        body: JSON.stringify({ type: "KEY_TYPE_JSON" }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { id: string; keyDetails: string; details: Record<string, string> };
      expect(Object.keys(body.details).sort()).toEqual(["creationDate", "resourceOwner", "sequence"]);
      const file = keyFile(Buffer.from(body.keyDetails, "base64"));
      expect(file).toMatchObject({ type: "application", keyId: body.id, appId: app.appId, clientId: app.clientId });
      expect(createPrivateKey(file.key).asymmetricKeyDetails?.modulusLength).toBe(2048);
    });
  });

  // Generation itself is under test here: a keygate of its own makes its key pairs (generateRsaKeyPair),
  // where the others take them from the tests' pool (see key-pair-pool.ts). That the generator runs
  // off the event loop is tested on the generator itself (test/domain/key-pair.test.ts): here the
  // embedded database's queries and fsyncs share this process's loop and would blur the measure.
  describe("AddAppKey generating its key pairs", () => {
    // The same names as the file's session, on a keygate that generates.
    let generating: TestKeygate;
    let admin: ManagementClient;
    let projectId: string;
    beforeAll(async () => {
      ({ keygate: generating, admin } = await startAdminSession(backend, {}, { keyPairs: generateRsaKeyPair }));
      projectId = (await admin.addProject({ name: "keys" })).id;
    });
    afterAll(() => generating?.dispose());
    const jwtApp = (name: string) => admin.addAPIApp({ projectId, name, authMethodType: JWT });

    test("while keys are generated other calls keep being answered", async () => {
      const app = await jwtApp("busy");
      let keysSettled = false;
      const keys = Promise.all([1, 2, 3, 4].map(() => admin.addAppKey({ projectId, appId: app.appId, type: KeyType.JSON }))).finally(() => {
        keysSettled = true;
      });
      let readsBeforeKeys = 0;
      let reads = 0;
      do {
        const read = await admin.getAppByID({ projectId, appId: app.appId });
        expect(read.app?.id).toBe(app.appId);
        reads++;
        if (!keysSettled) readsBeforeKeys++;
      } while (!keysSettled && reads < 1000);
      const added = await keys;
      expect(new Set(added.map((k) => k.id)).size).toBe(4);
      expect(reads).toBeGreaterThanOrEqual(1);
      // Informational: how many reads were answered while the four key pairs were being generated.
      expect(readsBeforeKeys).toBeGreaterThanOrEqual(1);
      expect((await admin.listAppKeys({ projectId, appId: app.appId })).details?.totalResult).toBe(4n);
    });
  });

  describe("GetAppKey / ListAppKeys / RemoveAppKey", () => {
    test("case 68: GetAppKey → id, KEY_TYPE_JSON, expirationDate, details with changeDate == creationDate; no key material", async () => {
      const app = await jwtApp("get-key");
      const added = await admin.addAppKey({ projectId, appId: app.appId, type: KeyType.JSON });
      const key = (await admin.getAppKey({ projectId, appId: app.appId, keyId: added.id })).key!;
      expect(key.id).toBe(added.id);
      expect(key.type).toBe(KeyType.JSON);
      expect(key.details?.sequence).toBe(added.details!.sequence);
      expect(key.details?.resourceOwner).toBe(orgId);
      expect(key.details?.creationDate).toBeDefined();
      expect(timestampDate(key.details!.changeDate!).getTime()).toBe(timestampDate(key.details!.creationDate!).getTime());
      expect(timestampDate(key.details!.creationDate!).getTime()).toBe(timestampDate(added.details!.creationDate!).getTime());
      // Later app events do not move a key's details.
      await admin.updateApp({ projectId, appId: app.appId, name: "get-key-renamed" });
      const again = (await admin.getAppKey({ projectId, appId: app.appId, keyId: added.id })).key!;
      expect(again.details).toEqual(key.details);

      const rest = await fetch(`${keygate.url}/management/v1/projects/${projectId}/apps/${app.appId}/keys/${added.id}`, {
        headers: { authorization: `Bearer ${keygate.adminToken}` },
      });
      expect(rest.status).toBe(200);
      const body = (await rest.json()) as { key: Record<string, unknown> };
      expect(Object.keys(body.key).sort()).toEqual(["details", "expirationDate", "id", "type"]);
      expect(body.key.type).toBe("KEY_TYPE_JSON");
      expect(body.key.expirationDate).toBe("9999-12-31T23:59:59Z");
    });

    test("case 69: an unknown key, or a key asked for under another app, is NotFound (QUERY-Dgr3g)", async () => {
      const app = await jwtApp("unknown-key");
      const other = await jwtApp("unknown-key-other");
      const key = await admin.addAppKey({ projectId, appId: other.appId, type: KeyType.JSON });
      await expectError(admin.getAppKey({ projectId, appId: app.appId, keyId: "4711" }), Code.NotFound, "Errors.AuthNKey.NotFound (QUERY-Dgr3g)", "QUERY-Dgr3g");
      await expectError(admin.getAppKey({ projectId, appId: app.appId, keyId: key.id }), Code.NotFound, "Errors.AuthNKey.NotFound (QUERY-Dgr3g)", "QUERY-Dgr3g");
      await expectError(admin.getAppKey({ projectId: "4711", appId: other.appId, keyId: key.id }), Code.NotFound, "Errors.AuthNKey.NotFound (QUERY-Dgr3g)");
    });

    test("case 70: RemoveAppKey is OK with change-type details and event {keyId}; again NotFound (COMMAND-4m77G)", async () => {
      const app = await jwtApp("remove-key");
      const key = await admin.addAppKey({ projectId, appId: app.appId, type: KeyType.JSON });
      const kept = await admin.addAppKey({ projectId, appId: app.appId, type: KeyType.JSON });
      const res = await admin.removeAppKey({ projectId, appId: app.appId, keyId: key.id });
      const removed = await lastEvent();
      expect(removed.event_type).toBe("project.application.oidc.key.removed");
      expect(removed.payload).toEqual({ keyId: key.id });
      expect(res.details?.sequence).toBe(BigInt(removed.sequence));
      expect(res.details?.changeDate).toBeDefined();
      expect(res.details?.creationDate).toBeUndefined();
      expect(res.details?.resourceOwner).toBe(orgId);

      await expectRefused(() => admin.removeAppKey({ projectId, appId: app.appId, keyId: key.id }), Code.NotFound, "Application key not found (COMMAND-4m77G)", "COMMAND-4m77G");
      await expectRefused(() => admin.removeAppKey({ projectId, appId: app.appId, keyId: "4711" }), Code.NotFound, "Application key not found (COMMAND-4m77G)", "COMMAND-4m77G");
      await expectError(admin.getAppKey({ projectId, appId: app.appId, keyId: key.id }), Code.NotFound, "Errors.AuthNKey.NotFound (QUERY-Dgr3g)");
      expect((await admin.listAppKeys({ projectId, appId: app.appId })).result.map((k) => k.id)).toEqual([kept.id]);
    });

    test("RemoveAppKey under another app of the same project is NotFound and removes nothing", async () => {
      const a = await jwtApp("remove-wrong-a");
      const b = await jwtApp("remove-wrong-b");
      const key = await admin.addAppKey({ projectId, appId: b.appId, type: KeyType.JSON });
      await expectRefused(() => admin.removeAppKey({ projectId, appId: a.appId, keyId: key.id }), Code.NotFound, "Application key not found (COMMAND-4m77G)", "COMMAND-4m77G");
      expect((await admin.getAppKey({ projectId, appId: b.appId, keyId: key.id })).key?.id).toBe(key.id);
    });

    test("case 38: ListAppKeys returns exactly the requested app's keys (5 keys of another app excluded); paging and limits", async () => {
      const mine = await jwtApp("list-mine");
      const theirs = await jwtApp("list-theirs");
      const own = [];
      for (let i = 0; i < 3; i++) own.push((await admin.addAppKey({ projectId, appId: mine.appId, type: KeyType.JSON })).id);
      for (let i = 0; i < 5; i++) await admin.addAppKey({ projectId, appId: theirs.appId, type: KeyType.JSON });
      own.sort();

      const res = await admin.listAppKeys({ projectId, appId: mine.appId });
      expect(res.details?.totalResult).toBe(3n);
      expect(res.details?.processedSequence).toBeGreaterThan(0n);
      expect(res.details?.viewTimestamp).toBeDefined();
      expect(res.result.map((k) => k.id).sort()).toEqual(own);
      for (const key of res.result) {
        expect(key.type).toBe(KeyType.JSON);
        expect(timestampDate(key.expirationDate!).toISOString()).toBe(NO_EXPIRATION);
        expect(key.details?.resourceOwner).toBe(orgId);
      }
      expect((await admin.listAppKeys({ projectId, appId: theirs.appId })).details?.totalResult).toBe(5n);

      const page = await admin.listAppKeys({ projectId, appId: mine.appId, query: { offset: 1n, limit: 1, asc: true } });
      expect(page.details?.totalResult).toBe(3n);
      expect(page.result.map((k) => k.id)).toEqual([own[1]]);
      await expectError(admin.listAppKeys({ projectId, appId: mine.appId, query: { limit: 1001 } }), Code.InvalidArgument, "Limit exceeded (QUERY-4M0fs)");
      // Another project id with the right app id finds nothing.
      const wrong = await admin.listAppKeys({ projectId: "4711", appId: mine.appId });
      expect(wrong.result).toEqual([]);
      expect(wrong.details?.totalResult ?? 0n).toBe(0n);
    });

    test("case 71: switching a JWT app to BASIC hides its keys; switching back shows them again, unchanged", async () => {
      const app = await jwtApp("switching");
      const key = await admin.addAppKey({ projectId, appId: app.appId, type: KeyType.JSON });
      const before = (await admin.getAppKey({ projectId, appId: app.appId, keyId: key.id })).key!;

      await admin.updateAPIAppConfig({ projectId, appId: app.appId, authMethodType: BASIC });
      const hidden = await admin.listAppKeys({ projectId, appId: app.appId });
      expect(hidden.result).toEqual([]);
      expect(hidden.details?.totalResult ?? 0n).toBe(0n);
      await expectError(admin.getAppKey({ projectId, appId: app.appId, keyId: key.id }), Code.NotFound, "Errors.AuthNKey.NotFound (QUERY-Dgr3g)");
      await expectError(admin.addAppKey({ projectId, appId: app.appId, type: KeyType.JSON }), Code.FailedPrecondition, "Chosen Auth Method does not require a key (COMMAND-Dff54)");

      await admin.updateAPIAppConfig({ projectId, appId: app.appId, authMethodType: JWT });
      const shown = await admin.listAppKeys({ projectId, appId: app.appId });
      expect(shown.result.map((k) => k.id)).toEqual([key.id]);
      expect((await admin.getAppKey({ projectId, appId: app.appId, keyId: key.id })).key).toEqual(before);

      // Another app stays BASIC: its key stays hidden (and is kept so for the rebuild check below).
      const left = await jwtApp("left-basic");
      const leftKey = await admin.addAppKey({ projectId, appId: left.appId, type: KeyType.JSON });
      await admin.updateAPIAppConfig({ projectId, appId: left.appId, authMethodType: BASIC });
      await expectError(admin.getAppKey({ projectId, appId: left.appId, keyId: leftKey.id }), Code.NotFound);
      expect((await db().selectFrom("app_keys").select("enabled").where("id", "=", leftKey.id).executeTakeFirstOrThrow()).enabled).toBe(false);
    });
  });

  describe("after the tests that ran before (whichever they were)", () => {
    test("rebuild-projections reproduces every projection table", async () => {
      const app = await jwtApp("rebuild-seed");
      await seedMoreThan(keygate.store, "app_keys", 10, () => admin.addAppKey({ projectId, appId: app.appId, type: KeyType.JSON }));
      await expectRebuildReproduces(keygate.store, { app_keys: 10 });
    });
  });
});
