import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Code } from "@connectrpc/connect";
import { timestampDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import { verifySecret } from "../../src/domain/secrets.js";
import { APIAuthMethodType, AppState, type App } from "../../src/gen/zitadel/app_pb.js";
import { KeyType } from "../../src/gen/zitadel/auth_n_key_pb.js";
import type { ObjectDetails } from "../../src/gen/zitadel/object_pb.js";
import { describeEachBackend } from "../support/backends.js";
import { expectError } from "../support/expect-error.js";
import { startAdminSession, type TestKeygate } from "../support/keygate-server.js";
import type { ManagementClient } from "../support/management-client.js";
import { expectRebuildReproduces, seedMoreThan } from "../support/projection-snapshot.js";

const BASIC = APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC;
const JWT = APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT;
const millis = (t: Timestamp | undefined) => (t ? timestampDate(t).getTime() : undefined);
const authMethodOf = (app: App) => (app.config.case === "apiConfig" ? app.config.value.authMethodType : undefined);

describeEachBackend("lifecycle: apps (cases 39–61)", (backend) => {
  let keygate: TestKeygate;
  let admin: ManagementClient;
  let orgId: string;
  let projectId: string;

  beforeAll(async () => {
    ({ keygate, admin, orgId } = await startAdminSession(backend));
    projectId = (await admin.addProject({ name: "app-lifecycle" })).id;
  });
  afterAll(() => keygate?.dispose());

  const db = () => keygate.store.db;
  const eventsAfter = (sequence: bigint | number) =>
    db().selectFrom("events2").selectAll().where("aggregate_id", "=", projectId).where("sequence", ">", Number(sequence)).orderBy("sequence").execute();
  const lastEvent = async () =>
    db().selectFrom("events2").selectAll().where("aggregate_id", "=", projectId).orderBy("sequence", "desc").limit(1).executeTakeFirstOrThrow();
  /** The app's one secret's hash (undefined without one); an app with more than one fails the test. */
  const storedHash = async (appId: string) => {
    const rows = await db().selectFrom("app_secrets").select("hash").where("app_id", "=", appId).execute();
    expect(rows.length).toBeLessThanOrEqual(1);
    return rows[0]?.hash;
  };
  const read = async (appId: string) => (await admin.getAppByID({ projectId, appId })).app!;

  /** Change-type details of a write that appended exactly one event: that event's sequence and time. */
  async function expectChangeDetailsOfLastEvent(details: ObjectDetails | undefined): Promise<void> {
    const last = await lastEvent();
    expect(details).toBeDefined();
    expect(details!.creationDate).toBeUndefined();
    expect(details!.changeDate).toBeDefined();
    expect(details!.resourceOwner).toBe(orgId);
    expect(details!.sequence).toBe(BigInt(last.sequence));
    expect(millis(details!.changeDate)).toBe(last.created_at.getTime());
  }

  /** Read-type details: sequence of the last event applied to the app, both dates, the owner. */
  function expectReadDetails(details: ObjectDetails | undefined, sequence: bigint): void {
    expect(details?.sequence).toBe(sequence);
    expect(details?.creationDate).toBeDefined();
    expect(details?.changeDate).toBeDefined();
    expect(millis(details!.changeDate)!).toBeGreaterThanOrEqual(millis(details!.creationDate)!);
    expect(details?.resourceOwner).toBe(orgId);
  }

  /** Expects `call` to fail as given and to append no event. */
  async function expectRefused(call: () => Promise<unknown>, code: Code, message: string, id: string): Promise<void> {
    const before = await lastEvent();
    await expectError(call(), code, message, id);
    expect((await lastEvent()).sequence).toBe(before.sequence);
  }

  describe("UpdateApp", () => {
    test("case 39: a new name is OK with change-type details; event project.application.changed {appId, name}; reads show it", async () => {
      const app = await admin.addAPIApp({ projectId, name: "before-rename" });
      const res = await admin.updateApp({ projectId, appId: app.appId, name: "after-rename" });
      await expectChangeDetailsOfLastEvent(res.details);
      const events = await eventsAfter(app.details!.sequence);
      expect(events.map((e) => [e.event_type, e.payload])).toEqual([["project.application.changed", { appId: app.appId, name: "after-rename" }]]);
      const after = await read(app.appId);
      expect(after.name).toBe("after-rename");
      expectReadDetails(after.details, res.details!.sequence);
      expect(millis(after.details!.changeDate)).toBe(millis(res.details!.changeDate));
      expect(millis(after.details!.creationDate)).toBe(millis(app.details!.creationDate));
      // The old name is free again, the new one is taken.
      expect((await admin.addAPIApp({ projectId, name: "before-rename" })).appId).toMatch(/^\d+$/);
      await expectError(admin.addAPIApp({ projectId, name: "AFTER-rename" }), Code.AlreadyExists, "Application already exists (V3-DKcYh)");
    });

    test("case 40: the same name is FailedPrecondition No changes (COMMAND-2m8vx)", async () => {
      const app = await admin.addAPIApp({ projectId, name: "same-name" });
      await expectRefused(() => admin.updateApp({ projectId, appId: app.appId, name: "same-name" }), Code.FailedPrecondition, "No changes (COMMAND-2m8vx)", "COMMAND-2m8vx");
    });

    test("a case-only rename is a change (the no-change check is case-sensitive)", async () => {
      const app = await admin.addAPIApp({ projectId, name: "CaseOnly" });
      const res = await admin.updateApp({ projectId, appId: app.appId, name: "caseonly" });
      await expectChangeDetailsOfLastEvent(res.details);
      expect((await read(app.appId)).name).toBe("caseonly");
      await expectError(admin.addAPIApp({ projectId, name: "CASEONLY" }), Code.AlreadyExists);
    });

    test("case 41: an unknown app is NotFound (COMMAND-28di9)", async () => {
      await expectRefused(() => admin.updateApp({ projectId, appId: "4711", name: "x" }), Code.NotFound, "Application doesn't exist (COMMAND-28di9)", "COMMAND-28di9");
    });

    test("case 42: renaming onto another app's name (other case) is AlreadyExists and changes nothing", async () => {
      await admin.addAPIApp({ projectId, name: "occupied" });
      const app = await admin.addAPIApp({ projectId, name: "wants-occupied" });
      await expectRefused(() => admin.updateApp({ projectId, appId: app.appId, name: "OCCUPIED" }), Code.AlreadyExists, "Application already exists (V3-DKcYh)", "V3-DKcYh");
      expect((await read(app.appId)).name).toBe("wants-occupied");
      // Its own name was not released by the failed rename.
      await expectError(admin.addAPIApp({ projectId, name: "wants-occupied" }), Code.AlreadyExists);
    });

    test("an empty name is InvalidArgument (PGV)", async () => {
      const app = await admin.addAPIApp({ projectId, name: "not-empty" });
      await expectError(
        admin.updateApp({ projectId, appId: app.appId, name: "" }),
        Code.InvalidArgument,
        "invalid UpdateAppRequest.Name: value length must be between 1 and 200 runes, inclusive",
      );
    });
  });

  describe("UpdateAPIAppConfig", () => {
    test("case 43: BASIC→JWT is OK; event config.api.changed {appId, authMethodType: 1}; the stored hash is kept", async () => {
      const app = await admin.addAPIApp({ projectId, name: "basic-to-jwt" });
      const hash = await storedHash(app.appId);
      expect(hash).not.toBeNull();
      const res = await admin.updateAPIAppConfig({ projectId, appId: app.appId, authMethodType: JWT });
      await expectChangeDetailsOfLastEvent(res.details);
      const events = await eventsAfter(app.details!.sequence);
      expect(events.map((e) => [e.event_type, e.payload])).toEqual([["project.application.config.api.changed", { appId: app.appId, authMethodType: 1 }]]);
      const after = await read(app.appId);
      expect(authMethodOf(after)).toBe(JWT);
      expectReadDetails(after.details, res.details!.sequence);
      expect(await storedHash(app.appId)).toBe(hash);
    });

    test("case 44: the same method is FailedPrecondition No changes (COMMAND-1m88i)", async () => {
      const basic = await admin.addAPIApp({ projectId, name: "stays-basic" });
      const jwt = await admin.addAPIApp({ projectId, name: "stays-jwt", authMethodType: JWT });
      await expectRefused(() => admin.updateAPIAppConfig({ projectId, appId: basic.appId, authMethodType: BASIC }), Code.FailedPrecondition, "No changes (COMMAND-1m88i)", "COMMAND-1m88i");
      await expectRefused(() => admin.updateAPIAppConfig({ projectId, appId: jwt.appId, authMethodType: JWT }), Code.FailedPrecondition, "No changes (COMMAND-1m88i)", "COMMAND-1m88i");
    });

    test("case 46: an unknown app is NotFound (COMMAND-2n8uU)", async () => {
      await expectRefused(() => admin.updateAPIAppConfig({ projectId, appId: "4711", authMethodType: JWT }), Code.NotFound, "Application doesn't exist (COMMAND-2n8uU)", "COMMAND-2n8uU");
    });

    test("case 47: JWT→BASIC is OK, creates no secret and no secret event; authMethodType 0 is in the payload", async () => {
      const app = await admin.addAPIApp({ projectId, name: "jwt-to-basic", authMethodType: JWT });
      const res = await admin.updateAPIAppConfig({ projectId, appId: app.appId, authMethodType: BASIC });
      await expectChangeDetailsOfLastEvent(res.details);
      expect(Object.keys(res)).not.toContain("clientSecret");
      const events = await eventsAfter(app.details!.sequence);
      expect(events.map((e) => [e.event_type, e.payload])).toEqual([["project.application.config.api.changed", { appId: app.appId, authMethodType: 0 }]]);
      expect(await storedHash(app.appId)).toBeUndefined();
      expect(authMethodOf(await read(app.appId))).toBe(BASIC);
      // Over REST the response carries details only.
      const rest = await fetch(`${keygate.url}/management/v1/projects/${projectId}/apps/${app.appId}/api_config`, {
        method: "PUT",
        headers: { authorization: `Bearer ${keygate.adminToken}`, "content-type": "application/json" },
        body: JSON.stringify({ authMethodType: "API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT" }),
      });
      expect(rest.status).toBe(200);
      expect(Object.keys((await rest.json()) as object)).toEqual(["details"]);
    });
  });

  describe("RegenerateAPIClientSecret", () => {
    test("case 48: a new 64-character secret ≠ old; event secret.changed {appId, hashedSecret}; the hash is replaced and the old secret stops verifying", async () => {
      const app = await admin.addAPIApp({ projectId, name: "regenerate" });
      const oldHash = (await storedHash(app.appId))!;
      expect(await verifySecret(app.clientSecret, oldHash)).toBe(true);

      const res = await admin.regenerateAPIClientSecret({ projectId, appId: app.appId });
      expect(res.clientSecret).toMatch(/^[A-Za-z0-9]{64}$/);
      expect(res.clientSecret).not.toBe(app.clientSecret);
      await expectChangeDetailsOfLastEvent(res.details);

      const events = await eventsAfter(app.details!.sequence);
      expect(events.map((e) => e.event_type)).toEqual(["project.application.config.api.secret.changed"]);
      const payload = events[0]!.payload as { appId: string; hashedSecret: string; lastFour: string };
      expect(Object.keys(payload).sort()).toEqual(["appId", "hashedSecret", "lastFour"]);
      expect(payload.lastFour).toBe(res.clientSecret.slice(-4));
      expect(payload.appId).toBe(app.appId);
      expect(JSON.stringify(events)).not.toContain(res.clientSecret);

      const newHash = (await storedHash(app.appId))!;
      expect(newHash).toBe(payload.hashedSecret);
      expect(newHash).not.toBe(oldHash);
      expect(await verifySecret(res.clientSecret, newHash)).toBe(true);
      expect(await verifySecret(app.clientSecret, newHash)).toBe(false);
      expect(await verifySecret(res.clientSecret, oldHash)).toBe(false);
      // The read side never shows a secret; the app's read details follow the event.
      const after = await read(app.appId);
      expectReadDetails(after.details, res.details!.sequence);
      expect(JSON.stringify(after.config.value)).not.toContain(res.clientSecret);
    });

    test("case 49: a JWT app gets a secret too (its method stays JWT)", async () => {
      const app = await admin.addAPIApp({ projectId, name: "regenerate-jwt", authMethodType: JWT });
      expect(await storedHash(app.appId)).toBeUndefined();
      const res = await admin.regenerateAPIClientSecret({ projectId, appId: app.appId });
      expect(res.clientSecret).toMatch(/^[A-Za-z0-9]{64}$/);
      await expectChangeDetailsOfLastEvent(res.details);
      expect(await verifySecret(res.clientSecret, (await storedHash(app.appId))!)).toBe(true);
      expect(authMethodOf(await read(app.appId))).toBe(JWT);
    });

    test("case 51: an unknown app is NotFound (COMMAND-2g66f)", async () => {
      await expectRefused(() => admin.regenerateAPIClientSecret({ projectId, appId: "4711" }), Code.NotFound, "Application doesn't exist (COMMAND-2g66f)", "COMMAND-2g66f");
    });

    test("REST: POST …/api_config/_generate_client_secret answers clientSecret and details", async () => {
      const app = await admin.addAPIApp({ projectId, name: "regenerate-rest" });
      const res = await fetch(`${keygate.url}/management/v1/projects/${projectId}/apps/${app.appId}/api_config/_generate_client_secret`, {
        method: "POST",
        headers: { authorization: `Bearer ${keygate.adminToken}`, "content-type": "application/json" },
        body: "{}",
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { clientSecret: string; details: Record<string, string> };
      expect(body.clientSecret).toMatch(/^[A-Za-z0-9]{64}$/);
      expect(body.details.changeDate).toBeDefined();
      expect(body.details.creationDate).toBeUndefined();
      expect(await verifySecret(body.clientSecret, (await storedHash(app.appId))!)).toBe(true);
    });
  });

  describe("DeactivateApp / ReactivateApp / RemoveApp", () => {
    test("case 52: deactivating an active app is OK; event {appId}; GetAppByID shows INACTIVE", async () => {
      const app = await admin.addAPIApp({ projectId, name: "deactivate" });
      const res = await admin.deactivateApp({ projectId, appId: app.appId });
      await expectChangeDetailsOfLastEvent(res.details);
      const events = await eventsAfter(app.details!.sequence);
      expect(events.map((e) => [e.event_type, e.payload])).toEqual([["project.application.deactivated", { appId: app.appId }]]);
      const after = await read(app.appId);
      expect(after.state).toBe(AppState.INACTIVE);
      expectReadDetails(after.details, res.details!.sequence);
    });

    test("case 53: deactivating again is FailedPrecondition (COMMAND-dsh35)", async () => {
      const app = await admin.addAPIApp({ projectId, name: "deactivate-twice" });
      await admin.deactivateApp({ projectId, appId: app.appId });
      await expectRefused(() => admin.deactivateApp({ projectId, appId: app.appId }), Code.FailedPrecondition, "Application is not active (COMMAND-dsh35)", "COMMAND-dsh35");
    });

    test("case 54: reactivating an inactive app is OK and ACTIVE again", async () => {
      const app = await admin.addAPIApp({ projectId, name: "reactivate" });
      await admin.deactivateApp({ projectId, appId: app.appId });
      const res = await admin.reactivateApp({ projectId, appId: app.appId });
      await expectChangeDetailsOfLastEvent(res.details);
      expect((await lastEvent()).payload).toEqual({ appId: app.appId });
      expect((await lastEvent()).event_type).toBe("project.application.reactivated");
      const after = await read(app.appId);
      expect(after.state).toBe(AppState.ACTIVE);
      expectReadDetails(after.details, res.details!.sequence);
    });

    test("case 55: reactivating an active app is FailedPrecondition (COMMAND-1n8cM)", async () => {
      const app = await admin.addAPIApp({ projectId, name: "reactivate-active" });
      await expectRefused(() => admin.reactivateApp({ projectId, appId: app.appId }), Code.FailedPrecondition, "Application is not inactive (COMMAND-1n8cM)", "COMMAND-1n8cM");
    });

    test("case 56: deactivating or reactivating an unknown app is NotFound (COMMAND-ov9d3)", async () => {
      await expectRefused(() => admin.deactivateApp({ projectId, appId: "4711" }), Code.NotFound, "Application doesn't exist (COMMAND-ov9d3)", "COMMAND-ov9d3");
      await expectRefused(() => admin.reactivateApp({ projectId, appId: "4711" }), Code.NotFound, "Application doesn't exist (COMMAND-ov9d3)", "COMMAND-ov9d3");
    });

    test("case 57: RemoveApp is OK; again NotFound (COMMAND-0po9s); GetAppByID NotFound; every app command NotFound", async () => {
      const app = await admin.addAPIApp({ projectId, name: "remove", authMethodType: JWT });
      const key = await admin.addAppKey({ projectId, appId: app.appId, type: KeyType.JSON });
      const res = await admin.removeApp({ projectId, appId: app.appId });
      await expectChangeDetailsOfLastEvent(res.details);
      const removed = await lastEvent();
      expect(removed.event_type).toBe("project.application.removed");
      // ZITADEL's payload is {appId} only (§6.1; its event keeps the name in an unexported field).
      expect(removed.payload).toEqual({ appId: app.appId });

      await expectRefused(() => admin.removeApp({ projectId, appId: app.appId }), Code.NotFound, "Application doesn't exist (COMMAND-0po9s)", "COMMAND-0po9s");
      await expectError(admin.getAppByID({ projectId, appId: app.appId }), Code.NotFound, "Errors.App.NotExisting (QUERY-pCP8P)", "QUERY-pCP8P");
      await expectRefused(() => admin.updateApp({ projectId, appId: app.appId, name: "ghost" }), Code.NotFound, "Application doesn't exist (COMMAND-28di9)", "COMMAND-28di9");
      await expectRefused(() => admin.updateAPIAppConfig({ projectId, appId: app.appId, authMethodType: BASIC }), Code.NotFound, "Application doesn't exist (COMMAND-2n8uU)", "COMMAND-2n8uU");
      await expectRefused(() => admin.regenerateAPIClientSecret({ projectId, appId: app.appId }), Code.NotFound, "Application doesn't exist (COMMAND-2g66f)", "COMMAND-2g66f");
      await expectRefused(() => admin.deactivateApp({ projectId, appId: app.appId }), Code.NotFound, "Application doesn't exist (COMMAND-ov9d3)", "COMMAND-ov9d3");
      await expectRefused(() => admin.reactivateApp({ projectId, appId: app.appId }), Code.NotFound, "Application doesn't exist (COMMAND-ov9d3)", "COMMAND-ov9d3");
      await expectRefused(() => admin.addAppKey({ projectId, appId: app.appId, type: KeyType.JSON }), Code.FailedPrecondition, "Application not found (COMMAND-sak25)", "COMMAND-sak25");
      await expectRefused(() => admin.removeAppKey({ projectId, appId: app.appId, keyId: key.id }), Code.NotFound, "Application key not found (COMMAND-4m77G)", "COMMAND-4m77G");
      // Its keys and config went with it.
      await expectError(admin.getAppKey({ projectId, appId: app.appId, keyId: key.id }), Code.NotFound, "Errors.AuthNKey.NotFound (QUERY-Dgr3g)");
      expect((await admin.listAppKeys({ projectId, appId: app.appId })).result).toEqual([]);
      expect((await admin.listApps({ projectId, query: { limit: 1000 } })).result.map((a) => a.id)).not.toContain(app.appId);
      expect(await db().selectFrom("app_api_configs").selectAll().where("app_id", "=", app.appId).execute()).toEqual([]);
      expect(await db().selectFrom("app_keys").selectAll().where("app_id", "=", app.appId).execute()).toEqual([]);
    });

    test("case 57: an inactive app can be removed", async () => {
      const app = await admin.addAPIApp({ projectId, name: "remove-inactive" });
      await admin.deactivateApp({ projectId, appId: app.appId });
      await admin.removeApp({ projectId, appId: app.appId });
      await expectError(admin.getAppByID({ projectId, appId: app.appId }), Code.NotFound);
    });

    test("case 59: after RemoveApp the name (in any case) can be used again in that project", async () => {
      const app = await admin.addAPIApp({ projectId, name: "Reused" });
      await expectError(admin.addAPIApp({ projectId, name: "reused" }), Code.AlreadyExists);
      await admin.removeApp({ projectId, appId: app.appId });
      const again = await admin.addAPIApp({ projectId, name: "reused" });
      expect(again.appId).not.toBe(app.appId);
      expect((await read(again.appId)).name).toBe("reused");
      // A rename onto the freed name works as well.
      const other = await admin.addAPIApp({ projectId, name: "will-take-freed" });
      await admin.removeApp({ projectId, appId: again.appId });
      await admin.updateApp({ projectId, appId: other.appId, name: "REUSED" });
      expect((await read(other.appId)).name).toBe("REUSED");
    });

    test("case 61: an inactive app can be renamed, reconfigured, given a new secret and keys, and stays INACTIVE", async () => {
      const app = await admin.addAPIApp({ projectId, name: "inactive-but-usable" });
      await admin.deactivateApp({ projectId, appId: app.appId });
      await admin.updateApp({ projectId, appId: app.appId, name: "inactive-renamed" });
      const secret = await admin.regenerateAPIClientSecret({ projectId, appId: app.appId });
      expect(secret.clientSecret).toMatch(/^[A-Za-z0-9]{64}$/);
      expect(await verifySecret(secret.clientSecret, (await storedHash(app.appId))!)).toBe(true);
      await admin.updateAPIAppConfig({ projectId, appId: app.appId, authMethodType: JWT });
      const key = await admin.addAppKey({ projectId, appId: app.appId, type: KeyType.JSON });
      expect(key.id).toMatch(/^\d+$/);
      expect((await admin.getAppKey({ projectId, appId: app.appId, keyId: key.id })).key?.id).toBe(key.id);
      const after = await read(app.appId);
      expect(after).toMatchObject({ name: "inactive-renamed", state: AppState.INACTIVE });
      expect(authMethodOf(after)).toBe(JWT);
    });
  });

  test("project-level events do not move an app's read details", async () => {
    const app = await admin.addAPIApp({ projectId, name: "untouched-by-project" });
    const before = (await read(app.appId)).details;
    await admin.deactivateProject({ id: projectId });
    await admin.reactivateProject({ id: projectId });
    expect((await read(app.appId)).details).toEqual(before);
    expect(before?.sequence).toBe(app.details!.sequence);
  });

  describe("details over REST", () => {
    test("change-type details on writes carry changeDate and no creationDate; reads carry both", async () => {
      const app = await admin.addAPIApp({ projectId, name: "rest-details" });
      const base = `${keygate.url}/management/v1/projects/${projectId}/apps/${app.appId}`;
      const call = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(`${base}${path}`, {
          method,
          headers: { authorization: `Bearer ${keygate.adminToken}`, "content-type": "application/json" },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        expect(res.status).toBe(200);
        return (await res.json()) as { details?: Record<string, unknown>; app?: { details: Record<string, unknown>; state: string; name: string } };
      };
      for (const [method, path, body] of [
        ["PUT", "", { name: "rest-details-2" }],
        ["POST", "/_deactivate", {}],
        ["POST", "/_reactivate", {}],
      ] as const) {
        const res = await call(method, path, body);
        expect(Object.keys(res.details!).sort()).toEqual(["changeDate", "resourceOwner", "sequence"]);
        expect(res.details!.resourceOwner).toBe(orgId);
      }
      const got = await call("GET", "");
      expect(got.app!.name).toBe("rest-details-2");
      expect(got.app!.state).toBe("APP_STATE_ACTIVE");
      expect(Object.keys(got.app!.details).sort()).toEqual(["changeDate", "creationDate", "resourceOwner", "sequence"]);
      const removed = await call("DELETE", "");
      expect(Object.keys(removed.details!).sort()).toEqual(["changeDate", "resourceOwner", "sequence"]);
    });
  });

  describe("after the tests that ran before (whichever they were)", () => {
    test("rebuild-projections reproduces every projection table", async () => {
      let n = 0;
      const seedApp = () => admin.addAPIApp({ projectId, name: `rebuild-seed-${n++}`, authMethodType: JWT });
      await seedMoreThan(keygate.store, "apps", 10, seedApp);
      await seedMoreThan(keygate.store, "app_keys", 0, async () => admin.addAppKey({ projectId, appId: (await seedApp()).appId, type: KeyType.JSON }));
      await expectRebuildReproduces(keygate.store, { apps: 10, app_keys: 0 });
    });
  });
});
