/**
 * keygate.v1.AppSecretService end to end (issue 15 item 1): several live secrets per API app,
 * rotated without a failed introspection, expiring by a test clock, replaced by ZITADEL's
 * regenerate, refused with a field named, confined to the caller's org, and in the app's changes.
 */
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { Code, ConnectError, type Client } from "@connectrpc/connect";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { AppSecretService } from "../../src/gen/keygate/v1/app_secrets_pb.js";
import { KeyType } from "../../src/gen/zitadel/auth_n_key_pb.js";
import { APIAuthMethodType } from "../../src/gen/zitadel/app_pb.js";
import { describeEachBackend } from "../support/backends.js";
import { startTestKeygate, type TestKeygate } from "../support/keygate-server.js";
import { keygateV1Client, restCall } from "../support/keygate-v1-client.js";
import { managementClient, type ManagementClient } from "../support/management-client.js";
import { addBasicApp, addMachineWithSecret, basicAuth, postForm, projectAudience, type BasicApp } from "../support/oauth-fixtures.js";
import { uniqueName } from "../support/auth-fixtures.js";
import { testClock } from "../support/test-clock.js";

const HOUR = 3_600_000;

async function expectRefusal(call: Promise<unknown>, code: Code, field: string): Promise<void> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => ConnectError.from(e),
  );
  expect(error).toBeDefined();
  expect(Code[error!.code]).toBe(Code[code]);
  expect(error!.rawMessage).toContain(field);
}

describeEachBackend("app secrets (keygate.v1.AppSecretService)", (backend) => {
  let keygate: TestKeygate;
  let admin: ManagementClient;
  let secrets: Client<typeof AppSecretService>;
  let projectId: string;
  let accessToken: string;
  // The test clock: secrets expire by it, at the OAuth endpoints and in the lists alike.
  const clock = testClock();

  const introspect = (app: { clientId: string }, secret: string) =>
    postForm(keygate.issuer, "/oauth/v2/introspect", { token: accessToken }, basicAuth(app.clientId, secret));

  beforeAll(async () => {
    keygate = await startTestKeygate(backend, {}, undefined, { now: clock.now });
    admin = managementClient(keygate.url, keygate.adminToken);
    secrets = keygateV1Client(AppSecretService, keygate.url, keygate.adminToken);
    projectId = (await admin.addProject({ name: uniqueName("secrets") })).id;
    const machine = await addMachineWithSecret(admin);
    const issued = await postForm(keygate.issuer, "/oauth/v2/token", { grant_type: "client_credentials", scope: projectAudience(projectId) }, basicAuth(machine.clientId, machine.clientSecret));
    accessToken = issued.body!.access_token as string;
  });
  afterAll(() => keygate?.dispose());
  // A test that moves the clock moves it for itself: the next one (in any order) starts at the real time.
  afterEach(() => {
    clock.reset();
  });

  test("rotation without downtime: a consumer introspecting in a loop sees no failure while a second secret is added, it switches, and the first is removed", async () => {
    const app = await addBasicApp(admin, projectId);
    let current = app.clientSecret;
    let running = true;
    const outcomes: number[] = [];
    const consumer = (async () => {
      while (running) {
        const answer = await introspect(app, current);
        outcomes.push(answer.status === 200 && answer.body?.active === true ? 0 : answer.status);
      }
    })();
    const calls = async (more: number) => {
      const target = outcomes.length + more;
      while (outcomes.length < target) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    await calls(5);
    const second = await secrets.addAppSecret({ projectId, appId: app.appId });
    await calls(5);
    current = second.clientSecret;
    await calls(5);
    const [first] = (await secrets.listAppSecrets({ projectId, appId: app.appId })).secrets;
    expect(first!.lastFour).toBe(app.clientSecret.slice(-4));
    const removed = await restCall(keygate.url, keygate.adminToken, "DELETE", `/keygate/v1/projects/${projectId}/apps/${app.appId}/secrets/${first!.id}`);
    expect(removed.status).toBe(200);
    await calls(5);
    running = false;
    await consumer;
    expect(outcomes.filter((o) => o !== 0)).toEqual([]);
    expect(outcomes.length).toBeGreaterThanOrEqual(20);
    // The removed secret stops at once; the remaining one is listed with its last use.
    expect((await introspect(app, app.clientSecret)).status).toBe(401);
    const listed = (await secrets.listAppSecrets({ projectId, appId: app.appId })).secrets;
    expect(listed.map((s) => s.id)).toEqual([second.secret!.id]);
    expect(listed[0]!.lastUsed).toBeDefined();
    expect(Math.abs(timestampDate(listed[0]!.lastUsed!).getTime() - Date.now())).toBeLessThan(60_000);
    expect(JSON.stringify(listed, (_, v: unknown) => (typeof v === "bigint" ? String(v) : v))).not.toContain(second.clientSecret);
  });

  test("expiry by the test clock: an expired secret is refused with 401 invalid_client and listed as expired; the others go on", async () => {
    const app = await addBasicApp(admin, projectId);
    const expiring = await secrets.addAppSecret({ projectId, appId: app.appId, expirationDate: timestampFromDate(new Date(clock.now().getTime() + HOUR)) });
    expect(expiring.secret!.expired).toBe(false);
    expect((await introspect(app, expiring.clientSecret)).body).toMatchObject({ active: true });
    clock.advance(2 * HOUR);
    const refused = await introspect(app, expiring.clientSecret);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: "invalid_client" });
    expect(refused.headers.get("www-authenticate")).toBeTruthy();
    expect((await introspect(app, app.clientSecret)).body).toMatchObject({ active: true });
    const listed = (await secrets.listAppSecrets({ projectId, appId: app.appId })).secrets;
    expect(listed.map((s) => [s.id, s.expired])).toEqual([
      [listed[0]!.id, false],
      [expiring.secret!.id, true],
    ]);
    // An expiry in the past by the same clock is refused.
    await expectRefusal(
      secrets.addAppSecret({ projectId, appId: app.appId, expirationDate: timestampFromDate(new Date(Date.now() + HOUR)) }),
      Code.InvalidArgument,
      "expiration_date",
    );
  });

  test("ZITADEL's regenerate replaces every secret by one new one; the change history shows each change", async () => {
    const app = await addBasicApp(admin, projectId);
    const added = [await secrets.addAppSecret({ projectId, appId: app.appId }), await secrets.addAppSecret({ projectId, appId: app.appId })];
    await secrets.removeAppSecret({ projectId, appId: app.appId, secretId: added[0]!.secret!.id });
    const regenerated = await admin.regenerateAPIClientSecret({ projectId, appId: app.appId });
    const listed = (await secrets.listAppSecrets({ projectId, appId: app.appId })).secrets;
    expect(listed).toHaveLength(1);
    expect(listed[0]!.lastFour).toBe(regenerated.clientSecret.slice(-4));
    for (const old of [app.clientSecret, added[1]!.clientSecret]) expect((await introspect(app, old)).status).toBe(401);
    expect((await introspect(app, regenerated.clientSecret)).body).toMatchObject({ active: true });
    const changes = (await admin.listAppChanges({ projectId, appId: app.appId, query: { asc: true } })).result.map((c) => c.eventType?.key);
    expect(changes).toEqual([
      "EventTypes.project.application.added",
      "EventTypes.project.application.config.api.added",
      "EventTypes.keygate.app.secret.added",
      "EventTypes.keygate.app.secret.added",
      "EventTypes.keygate.app.secret.removed",
      "EventTypes.project.application.config.api.secret.changed",
    ]);
  });

  test("refusals name the field and write nothing: an eleventh secret, an unknown secret id, a bad page token", async () => {
    const app = await addBasicApp(admin, projectId);
    for (let n = 1; n < 10; n++) await secrets.addAppSecret({ projectId, appId: app.appId });
    await expectRefusal(secrets.addAppSecret({ projectId, appId: app.appId }), Code.FailedPrecondition, "app_id");
    await expectRefusal(secrets.removeAppSecret({ projectId, appId: app.appId, secretId: "404" }), Code.NotFound, "secret_id");
    const page = await secrets.listAppSecrets({ projectId, appId: app.appId, limit: 4 });
    expect(page.totalResult).toBe(10n);
    await expectRefusal(secrets.listAppSecrets({ projectId, appId: app.appId, pageToken: `${page.nextPageToken}x` }), Code.InvalidArgument, "page_token");
    await expectRefusal(secrets.listAppKeys({ projectId, appId: app.appId, pageToken: "nonsense" }), Code.InvalidArgument, "page_token");
    // A token of one app's list is not another's.
    const other = await addBasicApp(admin, projectId);
    await expectRefusal(secrets.listAppSecrets({ projectId, appId: other.appId, pageToken: page.nextPageToken }), Code.InvalidArgument, "page_token");
    // Every secret seen exactly once across pages.
    const seen: string[] = [];
    let token = "";
    do {
      const next = await secrets.listAppSecrets({ projectId, appId: app.appId, limit: 3, pageToken: token });
      seen.push(...next.secrets.map((s) => s.id));
      token = next.nextPageToken;
    } while (token !== "");
    expect(new Set(seen).size).toBe(10);
    expect(seen).toHaveLength(10);
  });

  test("keys with page tokens; REST paths under /keygate/v1", async () => {
    const jwtApp = await admin.addAPIApp({ projectId, name: uniqueName("keys"), authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT });
    const keyIds = [];
    for (let n = 0; n < 3; n++) keyIds.push((await admin.addAppKey({ projectId, appId: jwtApp.appId, type: KeyType.JSON })).id);
    const first = await secrets.listAppKeys({ projectId, appId: jwtApp.appId, limit: 2 });
    const rest = await secrets.listAppKeys({ projectId, appId: jwtApp.appId, limit: 2, pageToken: first.nextPageToken });
    expect([...first.keys, ...rest.keys].map((k) => k.id)).toEqual([...keyIds].sort());
    expect(rest.nextPageToken).toBe("");

    const app: BasicApp = await addBasicApp(admin, projectId);
    const base = `/keygate/v1/projects/${projectId}/apps/${app.appId}/secrets`;
    const added = await restCall(keygate.url, keygate.adminToken, "POST", base, {});
    expect(added.status).toBe(200);
    expect(added.body.clientSecret).toMatch(/^[A-Za-z0-9]{64}$/);
    const listed = await restCall(keygate.url, keygate.adminToken, "POST", `${base}/_search`, { limit: 1 });
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ totalResult: "2" });
    expect(listed.body.nextPageToken).toEqual(expect.any(String));
    const past = await restCall(keygate.url, keygate.adminToken, "POST", base, { expirationDate: "2001-01-01T00:00:00Z" });
    expect(past.status).toBe(400);
    expect(String(past.body.message)).toContain("expiration_date");
  });

  test("tenant isolation: another org's app is NotFound for every call, as a missing one", async () => {
    const app = await addBasicApp(admin, projectId);
    const [own] = (await secrets.listAppSecrets({ projectId, appId: app.appId })).secrets;
    const { id: otherOrg } = await admin.addOrg({ name: uniqueName("other-org") });
    const stranger = keygateV1Client(AppSecretService, keygate.url, keygate.adminToken, otherOrg);
    const ids = { projectId, appId: app.appId };
    await expectRefusal(stranger.addAppSecret(ids), Code.NotFound, "");
    await expectRefusal(stranger.listAppSecrets(ids), Code.NotFound, "");
    await expectRefusal(stranger.removeAppSecret({ ...ids, secretId: own!.id }), Code.NotFound, "");
    await expectRefusal(stranger.listAppKeys(ids), Code.NotFound, "");
    await expectRefusal(secrets.listAppSecrets({ projectId, appId: "no-such-app" }), Code.NotFound, "app_id");
    expect((await secrets.listAppSecrets(ids)).secrets.map((s) => s.id)).toEqual([own!.id]);
  });
});
