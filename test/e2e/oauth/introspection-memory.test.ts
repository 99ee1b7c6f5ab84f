/**
 * The OAuth endpoints remember what they looked up (the app or service user a client id names, a
 * token's facts, which projects exist) for up to a second (src/api/oauth/recent-lookups.ts). Every
 * test first makes a call that fills the memory with what the change must make it forget: a change
 * made through this process is seen by the very next call; one made through another process on the
 * same database within the memory's second (by keygate's clock, which the test moves on), except
 * where the token's own transaction checks again.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { APIAuthMethodType } from "../../../src/gen/zitadel/app_pb.js";
import type { Keygate } from "../../../src/keygate.js";
import { RECENT_LOOKUPS_TTL_MS } from "../../../src/api/oauth/recent-lookups.js";
import { describeEachBackend, postgresBackend } from "../../support/backends.js";
import { uniqueName } from "../../support/auth-fixtures.js";
import { startTestKeygate, type TestKeygate } from "../../support/keygate-server.js";
import { managementClient, type ManagementClient } from "../../support/management-client.js";
import { addBasicApp, addMachineWithSecret, basicAuth, postForm, projectAudience, type BasicApp, type MachineWithSecret, type OAuthAnswer } from "../../support/oauth-fixtures.js";
import { testClock } from "../../support/test-clock.js";

/** One keygate's view: introspection by `app`, and tokens for `user`. */
function oauthOf(keygate: Pick<Keygate, "url">) {
  return {
    introspect: (app: BasicApp, token: string): Promise<OAuthAnswer> => postForm(keygate.url, "/oauth/v2/introspect", { token }, basicAuth(app.clientId, app.clientSecret)),
    async token(user: MachineWithSecret, projectId: string): Promise<string> {
      const res = await postForm(keygate.url, "/oauth/v2/token", { grant_type: "client_credentials", scope: `openid ${projectAudience(projectId)}` }, basicAuth(user.clientId, user.clientSecret));
      expect(res.status).toBe(200);
      return res.body!.access_token as string;
    },
    revoke: (user: MachineWithSecret, token: string) => postForm(keygate.url, "/oauth/v2/revoke", { token }, basicAuth(user.clientId, user.clientSecret)),
  };
}

async function orgAdmin(keygate: TestKeygate): Promise<ManagementClient> {
  const orgId = (await managementClient(keygate.url, keygate.adminToken).addOrg({ name: uniqueName("memory-org") })).id;
  return managementClient(keygate.url, keygate.adminToken, orgId);
}

const ACTIVE = { status: 200, body: expect.objectContaining({ active: true }) };
const INACTIVE = { status: 200, body: { active: false } };
const REFUSED = { status: 401, body: expect.objectContaining({ error: "invalid_client" }) };

describeEachBackend("introspection's memory: a change through this process is seen at once", (backend) => {
  let keygate: TestKeygate;
  let admin: ManagementClient;
  let projectId: string;
  let oauth: ReturnType<typeof oauthOf>;

  beforeAll(async () => {
    keygate = await startTestKeygate(backend);
    admin = await orgAdmin(keygate);
    projectId = (await admin.addProject({ name: uniqueName("memory-project") })).id;
    oauth = oauthOf(keygate);
  });
  afterAll(() => keygate?.dispose());

  /** A new app and a new user's token, introspected once (so both are remembered). */
  async function remembered(options: { jwt?: boolean } = {}) {
    const app = await addBasicApp(admin, projectId);
    const user = await addMachineWithSecret(admin, options);
    const token = await oauth.token(user, projectId);
    expect(await oauth.introspect(app, token)).toMatchObject(ACTIVE);
    return { app, user, token };
  }

  describe.each([
    ["opaque", false],
    ["JWT", true],
  ])("%s tokens", (_kind, jwt) => {
    test("a revoked token is inactive at the next introspection", async () => {
      const { app, user, token } = await remembered({ jwt });
      expect((await oauth.revoke(user, token)).status).toBe(200);
      expect(await oauth.introspect(app, token)).toMatchObject(INACTIVE);
    });

    test("a deactivated user's token is inactive at once, active again once it is reactivated; a removed user's inactive", async () => {
      const { app, user, token } = await remembered({ jwt });
      await admin.deactivateUser({ id: user.userId });
      expect(await oauth.introspect(app, token)).toMatchObject(INACTIVE);
      await admin.reactivateUser({ id: user.userId });
      expect(await oauth.introspect(app, token)).toMatchObject(ACTIVE);
      await admin.removeUser({ id: user.userId });
      expect(await oauth.introspect(app, token)).toMatchObject(INACTIVE);
    });
  });

  test("a deactivated app is refused at once, and accepted again once reactivated; a removed app is refused", async () => {
    const { app, token } = await remembered();
    await admin.deactivateApp({ projectId, appId: app.appId });
    expect(await oauth.introspect(app, token)).toMatchObject(REFUSED);
    await admin.reactivateApp({ projectId, appId: app.appId });
    expect(await oauth.introspect(app, token)).toMatchObject(ACTIVE);
    await admin.removeApp({ projectId, appId: app.appId });
    expect(await oauth.introspect(app, token)).toMatchObject(REFUSED);
  });

  test("a regenerated secret: the old one is refused at once, the new one accepted", async () => {
    const { app, token } = await remembered();
    const { clientSecret } = await admin.regenerateAPIClientSecret({ projectId, appId: app.appId });
    expect(await oauth.introspect(app, token)).toMatchObject(REFUSED);
    expect(await oauth.introspect({ ...app, clientSecret }, token)).toMatchObject(ACTIVE);
  });

  test("an app switched to keys no longer authenticates with its secret", async () => {
    const { app, token } = await remembered();
    await admin.updateAPIAppConfig({ projectId, appId: app.appId, authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT });
    expect(await oauth.introspect(app, token)).toMatchObject(REFUSED);
  });

  test("a token request after the secret it used was replaced, or a project it named removed, is refused at once", async () => {
    const { user } = await remembered();
    const project = (await admin.addProject({ name: uniqueName("memory-project") })).id;
    await oauth.token(user, project);
    await admin.generateMachineSecret({ userId: user.userId });
    const refused = await postForm(keygate.url, "/oauth/v2/token", { grant_type: "client_credentials", scope: "openid" }, basicAuth(user.clientId, user.clientSecret));
    expect(refused).toMatchObject(REFUSED);
    const renewed = await remembered();
    await admin.removeProject({ id: project });
    const scope = `openid ${projectAudience(project)}`;
    const unknown = await postForm(keygate.url, "/oauth/v2/token", { grant_type: "client_credentials", scope }, basicAuth(renewed.user.clientId, renewed.user.clientSecret));
    expect(unknown).toMatchObject({ status: 400, body: expect.objectContaining({ error: "invalid_scope" }) });
  });

  test("new tokens are found at once (only what was found is remembered)", async () => {
    const { app, user } = await remembered();
    expect(await oauth.introspect(app, "not-issued-yet")).toMatchObject(INACTIVE);
    expect(await oauth.introspect(app, await oauth.token(user, projectId))).toMatchObject(ACTIVE);
  });
});

describe("introspection's memory: a change through another process on the same database is seen within its second [postgres]", () => {
  let keygate: TestKeygate;
  let peer: Keygate;
  let admin: ManagementClient;
  let peerAdmin: ManagementClient;
  let projectId: string;
  const clock = testClock();

  beforeAll(async () => {
    // One issuer for both, so that either verifies the other's JWTs.
    keygate = await startTestKeygate(postgresBackend(), { externalUrl: "http://keygate.test" }, undefined, { now: clock.now });
    peer = await keygate.startPeer();
    admin = await orgAdmin(keygate);
    peerAdmin = managementClient(peer.url, keygate.adminToken, (await admin.getMyOrg({})).org!.id);
    projectId = (await admin.addProject({ name: uniqueName("memory-project") })).id;
  });
  afterAll(() => keygate?.dispose());
  afterEach(() => clock.reset());

  /**
   * Every introspection through `keygate` that starts the memory's second after the change was
   * acknowledged must match `expected`: the test moves keygate's clock that second on (the peer's
   * too, which does not matter) and introspects.
   */
  async function seenWithinTheMemory(introspect: () => Promise<OAuthAnswer>, expected: object): Promise<void> {
    clock.advance(RECENT_LOOKUPS_TTL_MS);
    expect(await introspect()).toMatchObject(expected);
  }

  test.each([
    ["opaque", false],
    ["JWT", true],
  ])("%s token revoked or its user deactivated through the peer", async (_kind, jwt) => {
    const oauth = oauthOf(keygate);
    const app = await addBasicApp(admin, projectId);
    const [revoked, deactivated] = [await addMachineWithSecret(admin, { jwt }), await addMachineWithSecret(admin, { jwt })];
    const revokedToken = await oauth.token(revoked, projectId);
    const deactivatedToken = await oauth.token(deactivated, projectId);
    expect(await oauth.introspect(app, revokedToken)).toMatchObject(ACTIVE);
    expect(await oauth.introspect(app, deactivatedToken)).toMatchObject(ACTIVE);

    expect((await oauthOf(peer).revoke(revoked, revokedToken)).status).toBe(200);
    await seenWithinTheMemory(() => oauth.introspect(app, revokedToken), INACTIVE);
    await peerAdmin.deactivateUser({ id: deactivated.userId });
    await seenWithinTheMemory(() => oauth.introspect(app, deactivatedToken), INACTIVE);
  });

  test("a service user's secret replaced, or the user deactivated, through the peer: its token requests are refused at once (the token's transaction checks)", async () => {
    const oauth = oauthOf(keygate);
    const [renewed, deactivated] = [await addMachineWithSecret(admin), await addMachineWithSecret(admin)];
    await oauth.token(renewed, projectId);
    await oauth.token(deactivated, projectId);
    await peerAdmin.generateMachineSecret({ userId: renewed.userId });
    await peerAdmin.deactivateUser({ id: deactivated.userId });
    for (const user of [renewed, deactivated]) {
      const refused = await postForm(keygate.url, "/oauth/v2/token", { grant_type: "client_credentials", scope: "openid" }, basicAuth(user.clientId, user.clientSecret));
      expect(refused).toMatchObject(REFUSED);
    }
  });

  test("an app deactivated, or given a new secret, through the peer", async () => {
    const oauth = oauthOf(keygate);
    const user = await addMachineWithSecret(admin);
    const token = await oauth.token(user, projectId);
    const [deactivated, renewed] = [await addBasicApp(admin, projectId), await addBasicApp(admin, projectId)];
    expect(await oauth.introspect(deactivated, token)).toMatchObject(ACTIVE);
    expect(await oauth.introspect(renewed, token)).toMatchObject(ACTIVE);

    await peerAdmin.deactivateApp({ projectId, appId: deactivated.appId });
    await seenWithinTheMemory(() => oauth.introspect(deactivated, token), REFUSED);
    await peerAdmin.regenerateAPIClientSecret({ projectId, appId: renewed.appId });
    await seenWithinTheMemory(() => oauth.introspect(renewed, token), REFUSED);
  });
});
