import { createPrivateKey } from "node:crypto";
import { afterAll, beforeAll, expect, test } from "vitest";
import { Code, ConnectError } from "@connectrpc/connect";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { APIAuthMethodType, AppState } from "../../src/gen/zitadel/app_pb.js";
import { KeyType } from "../../src/gen/zitadel/auth_n_key_pb.js";
import { describeEachBackend } from "../support/backends.js";
import { expectError } from "../support/expect-error.js";
import { startAdminSession, type TestKeygate } from "../support/keygate-server.js";
import type { ManagementClient } from "../support/management-client.js";
import { v2Apps, v2betaApps, v2betaRestApps, type AppsApi } from "../support/v2-apps-api.js";
import { PROTOCOLS, v2Transports } from "../support/v2-transports.js";

const NO_EXPIRATION = "9999-12-31T23:59:59.000Z";

/** An error of either kind of client (a ConnectError, or the REST adapter's status and body) as a gRPC code. */
async function codeOf(call: Promise<unknown>): Promise<string> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error === undefined) return "OK";
  const rest = error as { body?: { code?: number } };
  return Code[rest.body?.code ?? ConnectError.from(error).code];
}

describeEachBackend("v2 and v2beta apps: the whole life of an app, over every protocol, one store with v1", (backend) => {
  let keygate: TestKeygate;
  let admin: ManagementClient;
  let orgId: string;
  let transports: ReturnType<typeof v2Transports>;

  beforeAll(async () => {
    ({ keygate, admin, orgId } = await startAdminSession(backend));
    transports = v2Transports(keygate.url);
  });
  afterAll(async () => {
    transports?.close();
    await keygate?.dispose();
  });

  const clients: Array<[string, () => AppsApi]> = [
    ...PROTOCOLS.map((p): [string, () => AppsApi] => [`v2 over ${p}`, () => v2Apps(transports.make(p, keygate.adminToken))]),
    ...PROTOCOLS.map((p): [string, () => AppsApi] => [`v2beta over ${p}`, () => v2betaApps(transports.make(p, keygate.adminToken))]),
    ["v2beta over REST", () => v2betaRestApps(keygate.url, keygate.adminToken)],
  ];

  const eventsOf = (projectId: string) =>
    keygate.store.db.selectFrom("events2").select(["event_type", "sequence", "created_at", "creator", "owner"]).where("aggregate_id", "=", projectId).orderBy("sequence").execute();

  /** The v1 view of an app, in the form the v2 adapters give. */
  async function v1View(projectId: string, appId: string) {
    const app = (await admin.getAppByID({ projectId, appId })).app!;
    const api = app.config.case === "apiConfig" ? app.config.value : undefined;
    return {
      id: app.id,
      name: app.name,
      state: app.state,
      clientId: api?.clientId ?? "",
      authMethod: api?.authMethodType ?? -1,
      creationDate: timestampDate(app.details!.creationDate!),
      changeDate: timestampDate(app.details!.changeDate!),
    };
  }

  test.each(clients)("%s", async (_name, makeApi) => {
    const apps = makeApi();
    const projectId = (await admin.addProject({ name: `life ${_name}` })).id;
    // Any string up to 200 characters is an id, not only keygate's numbers.
    const chosenId = `app/${_name.replace(/\W+/g, "-")}/ü ${"x".repeat(20)}`;

    // Create (BASIC, chosen id): the id, a client id, a one-time secret, the date of the config event.
    const created = await apps.create(projectId, { id: chosenId, name: "life" });
    expect(created.appId).toBe(chosenId);
    expect(created.clientId).toMatch(/^\d+$/);
    expect(created.clientSecret).toMatch(/^[A-Za-z0-9]{64}$/);
    let events = await eventsOf(projectId);
    expect(events.slice(-2).map((e) => e.event_type)).toEqual(["project.application.added", "project.application.config.api.added"]);
    expect(created.creationDate.getTime()).toBe(events.at(-1)!.created_at.getTime());
    expect(new Set(events.map((e) => e.owner))).toEqual(new Set([orgId]));

    // A retry with the same id is refused and makes no second app.
    expect(await codeOf(apps.create(projectId, { id: chosenId, name: "life again" }))).toBe("AlreadyExists");
    expect((await admin.listApps({ projectId })).result.map((a) => a.id)).toEqual([chosenId]);
    expect(await eventsOf(projectId)).toHaveLength(events.length);

    // Read: v2 and v1 see one app.
    const read = await apps.get(chosenId);
    expect(read).toEqual({ id: chosenId, name: "life", state: 1, clientId: created.clientId, authMethod: 0, creationDate: created.creationDate, changeDate: created.creationDate });
    expect(await v1View(projectId, chosenId)).toEqual(read);

    // Update name and auth method in one call; nothing to change answers the last change date.
    const changed = await apps.update(projectId, chosenId, { name: "renamed", jwt: true });
    events = await eventsOf(projectId);
    expect(events.slice(-2).map((e) => e.event_type)).toEqual(["project.application.changed", "project.application.config.api.changed"]);
    expect(changed.getTime()).toBe(events.at(-1)!.created_at.getTime());
    expect(await apps.update(projectId, chosenId, { name: "renamed", jwt: true })).toEqual(changed);
    expect(await eventsOf(projectId)).toHaveLength(events.length);
    expect(await v1View(projectId, chosenId)).toEqual({ ...read, name: "renamed", authMethod: APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT, changeDate: changed });
    expect(await apps.get(chosenId)).toEqual(await v1View(projectId, chosenId));

    // Secret: a new one, different from the first.
    const secret = await apps.regenerateSecret(projectId, chosenId);
    expect(secret.clientSecret).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(secret.clientSecret).not.toBe(created.clientSecret);
    expect((await eventsOf(projectId)).at(-1)!.event_type).toBe("project.application.config.api.secret.changed");

    // Deactivate and reactivate, seen by v1.
    const deactivated = await apps.deactivate(projectId, chosenId);
    expect((await admin.getAppByID({ projectId, appId: chosenId })).app!.state).toBe(AppState.INACTIVE);
    expect((await apps.get(chosenId)).state).toBe(2);
    expect(await codeOf(apps.deactivate(projectId, chosenId))).toBe("FailedPrecondition");
    const reactivated = await apps.reactivate(projectId, chosenId);
    expect(reactivated.getTime()).toBeGreaterThanOrEqual(deactivated.getTime());
    expect((await apps.get(chosenId)).state).toBe(1);

    // Keys: v1's key file; v1 and v2 see the same key.
    const key = await apps.addKey(projectId, chosenId);
    const file = JSON.parse(new TextDecoder().decode(key.keyDetails)) as Record<string, string>;
    expect(file).toMatchObject({ type: "application", keyId: key.id, appId: chosenId, clientId: created.clientId });
    expect(createPrivateKey(file.key!).asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(await apps.getKey(key.id)).toEqual({ id: key.id, creationDate: key.creationDate, expirationDate: new Date(NO_EXPIRATION) });
    const v1Key = (await admin.getAppKey({ projectId, appId: chosenId, keyId: key.id })).key!;
    expect(v1Key.type).toBe(KeyType.JSON);
    expect(timestampDate(v1Key.expirationDate!).toISOString()).toBe(NO_EXPIRATION);
    expect(await apps.listKeysOfApp(chosenId)).toEqual([{ id: key.id, appId: chosenId, projectId, orgId, creationDate: key.creationDate, expirationDate: new Date(NO_EXPIRATION) }]);
    const keyRemoved = await apps.removeKey(projectId, chosenId, key.id);
    expect(keyRemoved.getTime()).toBe((await eventsOf(projectId)).at(-1)!.created_at.getTime());
    expect(await codeOf(apps.getKey(key.id))).toBe("NotFound");
    expect((await admin.listAppKeys({ projectId, appId: chosenId })).result).toEqual([]);

    // An app made over v1 is the same over v2.
    const v1App = await admin.addAPIApp({ projectId, name: "from v1" });
    expect(await apps.get(v1App.appId)).toEqual(await v1View(projectId, v1App.appId));
    const listed = await apps.listInProject(projectId);
    expect(new Set(listed.ids)).toEqual(new Set([chosenId, v1App.appId]));
    expect(listed.total).toBe(2n);
    expect(listed.appliedLimit).toBe(100n);

    // Delete: gone for v1 and v2; the events, made by the admin in the project's org, are v1's.
    await apps.remove(projectId, chosenId);
    await expectError(admin.getAppByID({ projectId, appId: chosenId }), Code.NotFound);
    expect(await codeOf(apps.get(chosenId))).toBe("NotFound");
    expect(await codeOf(apps.remove(projectId, chosenId))).toBe("NotFound");
    events = await eventsOf(projectId);
    expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 1));
    expect(new Set(events.map((e) => e.creator))).toEqual(new Set([keygate.adminUserId]));
    expect((await admin.listAppChanges({ projectId, appId: chosenId })).result.map((c) => c.eventType?.key).reverse()).toEqual([
      "EventTypes.project.application.added",
      "EventTypes.project.application.config.api.added",
      "EventTypes.project.application.changed",
      "EventTypes.project.application.config.api.changed",
      "EventTypes.project.application.config.api.secret.changed",
      "EventTypes.project.application.deactivated",
      "EventTypes.project.application.reactivated",
      "EventTypes.project.application.removed",
    ]);
  });
});
