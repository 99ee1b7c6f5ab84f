/**
 * Roles on apps, and tokens for apps (issue 15 item 3): an API app holding project roles, with its
 * `clientCredentials` setting on, gets tokens for itself from /oauth/v2/token (openid-client with its
 * secret, or a JWT signed by its key), carrying its roles in ZITADEL's role claims and its project in
 * `aud` (jose verifies the JWT); introspection by an app of the project shows the same roles, read
 * when it is asked. Every refusal, another org's app, and the projections' rebuild are covered too.
 */
import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Code, createClient, type Client } from "@connectrpc/connect";
import { createRemoteJWKSet, importPKCS8, jwtVerify, SignJWT } from "jose";
import * as oidc from "openid-client";
import { AppAccessService, AppAccessTokenType } from "../../../src/gen/keygate/v1/app_roles_pb.js";
import { AppSecretService } from "../../../src/gen/keygate/v1/app_secrets_pb.js";
import { describeEachBackend } from "../../support/backends.js";
import { expectError } from "../../support/expect-error.js";
import { eventCountOf, uniqueName } from "../../support/auth-fixtures.js";
import { startAdminSession, type AdminSession } from "../../support/keygate-server.js";
import { keygateV1Client, restCall } from "../../support/keygate-v1-client.js";
import { managementClient, type ManagementClient } from "../../support/management-client.js";
import { addBasicApp, addKeyApp, addMachineWithSecret, API_ACCESS, basicAuth, postForm, projectAudience, type BasicApp, type KeyApp } from "../../support/oauth-fixtures.js";
import { expectRebuildReproduces } from "../../support/projection-snapshot.js";
import { PROTOCOLS, v2Transports } from "../../support/v2-transports.js";

/** openid-client v6 refuses http issuers unless told; keygate's test issuer is http://localhost. */
const insecure = { execute: [oidc.allowInsecureRequests] };
const ROLES = "urn:zitadel:iam:org:project:roles";
const CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

describeEachBackend("roles on apps, and tokens for apps", (backend) => {
  let session: AdminSession;
  let issuer: string;
  let admin: ManagementClient;
  let access: Client<typeof AppAccessService>;
  let projectId: string;
  let introspector: BasicApp;
  let domain: string;

  beforeAll(async () => {
    session = await startAdminSession(backend);
    issuer = session.keygate.issuer;
    admin = session.admin;
    access = keygateV1Client(AppAccessService, session.keygate.url, session.keygate.adminToken);
    projectId = (await admin.addProject({ name: uniqueName("roles") })).id;
    await admin.bulkAddProjectRoles({ projectId, roles: ["reader", "writer", "admin"].map((key) => ({ key, displayName: key.toUpperCase(), group: "g" })) });
    introspector = await addBasicApp(admin, projectId);
    domain = (await admin.getMyOrg({})).org!.primaryDomain;
  });
  afterAll(() => session?.keygate.dispose());

  const rolesClaim = (...keys: string[]) => Object.fromEntries(keys.map((key) => [key, { [session.orgId]: domain }]));
  const introspect = async (token: string) => (await postForm(issuer, "/oauth/v2/introspect", { token }, basicAuth(introspector.clientId, introspector.clientSecret))).body!;
  const tokenBySecret = (app: BasicApp, params: Record<string, string> = {}) =>
    postForm(issuer, "/oauth/v2/token", { grant_type: "client_credentials", ...params }, basicAuth(app.clientId, app.clientSecret));

  async function appWithRoles(roles: string[], tokenType = AppAccessTokenType.BEARER): Promise<BasicApp> {
    const app = await addBasicApp(admin, projectId);
    if (roles.length > 0) await access.addAppRoles({ projectId, appId: app.appId, roleKeys: roles });
    await access.setAppClientCredentials({ projectId, appId: app.appId, enabled: true, accessTokenType: tokenType });
    return app;
  }

  test("openid-client gets an opaque token with the app's secret; introspection shows its roles, project and client id", async () => {
    const app = await appWithRoles(["reader", "writer"]);
    const config = await oidc.discovery(new URL(issuer), app.clientId, undefined, oidc.ClientSecretBasic(app.clientSecret), insecure);
    const tokens = await oidc.clientCredentialsGrant(config, { scope: `openid ${projectAudience(projectId)}` });
    expect(tokens.token_type).toBe("bearer");
    expect(tokens.access_token.split(".")).toHaveLength(1);
    const introspected = await introspect(tokens.access_token);
    expect(introspected).toMatchObject({
      active: true,
      client_id: app.clientId,
      sub: app.clientId,
      aud: [projectId],
      iss: issuer,
      scope: `openid ${projectAudience(projectId)}`,
      [ROLES]: rolesClaim("reader", "writer"),
      [`urn:zitadel:iam:org:project:${projectId}:roles`]: rolesClaim("reader", "writer"),
    });
    expect(introspected).not.toHaveProperty("username");
    // client_secret_post works as well.
    const post = await postForm(issuer, "/oauth/v2/token", { grant_type: "client_credentials", client_id: app.clientId, client_secret: app.clientSecret });
    expect(post.status).toBe(200);
  });

  test("a JWT token carries the roles and the project in aud (jose, remote JWKS); introspection shows the same", async () => {
    const app = await appWithRoles(["admin"], AppAccessTokenType.JWT);
    const config = await oidc.discovery(new URL(issuer), app.clientId, undefined, oidc.ClientSecretBasic(app.clientSecret), insecure);
    const { access_token } = await oidc.clientCredentialsGrant(config, {});
    const { payload } = await jwtVerify(access_token, createRemoteJWKSet(new URL(`${issuer}/oauth/v2/keys`)), { issuer, audience: projectId });
    expect(payload).toMatchObject({ sub: app.clientId, client_id: app.clientId, aud: [projectId], [ROLES]: rolesClaim("admin") });
    expect(await introspect(access_token)).toMatchObject({ active: true, jti: payload.jti, [ROLES]: rolesClaim("admin") });
  });

  test("private_key_jwt: an app authenticating with its key gets a token with its roles", async () => {
    const app: KeyApp = await addKeyApp(admin, projectId);
    await access.addAppRoles({ projectId, appId: app.appId, roleKeys: ["writer"] });
    await access.setAppClientCredentials({ projectId, appId: app.appId, enabled: true });
    const pkcs8 = createPrivateKey(app.keyFile.key).export({ type: "pkcs8", format: "pem" }).toString();
    const config = await oidc.discovery(new URL(issuer), app.clientId, undefined, oidc.PrivateKeyJwt({ key: await importPKCS8(pkcs8, "RS256"), kid: app.keyId }), insecure);
    const { access_token } = await oidc.clientCredentialsGrant(config, {});
    expect(await introspect(access_token)).toMatchObject({ active: true, sub: app.clientId, [ROLES]: rolesClaim("writer") });
    // Removing the key ends the tokens issued with it.
    await admin.removeAppKey({ projectId, appId: app.appId, keyId: app.keyId });
    expect(await introspect(access_token)).toEqual({ active: false });
  });

  test("any live secret gets a token; removing a secret ends the tokens issued with it, not the others'", async () => {
    const secrets = keygateV1Client(AppSecretService, session.keygate.url, session.keygate.adminToken);
    const app = await appWithRoles(["reader"]);
    const byFirst = (await tokenBySecret(app)).body!.access_token as string;
    const second = await secrets.addAppSecret({ projectId, appId: app.appId });
    const bySecond = (await tokenBySecret({ ...app, clientSecret: second.clientSecret })).body!.access_token as string;
    expect(await introspect(bySecond)).toMatchObject({ active: true, [ROLES]: rolesClaim("reader") });
    await secrets.removeAppSecret({ projectId, appId: app.appId, secretId: second.secret!.id });
    expect(await introspect(bySecond)).toEqual({ active: false });
    expect(await introspect(byFirst)).toMatchObject({ active: true });
    expect((await tokenBySecret({ ...app, clientSecret: second.clientSecret })).body?.error).toBe("invalid_client");
  });

  test("removing a role changes later tokens and the introspection of earlier opaque ones; the project losing a role takes it from its apps", async () => {
    const app = await appWithRoles(["reader", "writer", "admin"]);
    const earlier = (await tokenBySecret(app)).body!.access_token as string;
    await access.removeAppRole({ projectId, appId: app.appId, roleKey: "writer" });
    expect((await introspect(earlier))[ROLES]).toEqual(rolesClaim("reader", "admin"));

    // A role removed from the project goes from every app holding it, in the same command.
    const other = await appWithRoles(["admin"]);
    const role = uniqueName("temp");
    await admin.addProjectRole({ projectId, roleKey: role, displayName: role });
    await access.addAppRoles({ projectId, appId: app.appId, roleKeys: [role] });
    await access.addAppRoles({ projectId, appId: other.appId, roleKeys: [role] });
    await admin.removeProjectRole({ projectId, roleKey: "admin" });
    await admin.removeProjectRole({ projectId, roleKey: role });
    expect((await access.getAppAccess({ projectId, appId: app.appId })).access!.roles.map((r) => r.key)).toEqual(["reader"]);
    expect((await access.getAppAccess({ projectId, appId: other.appId })).access!.roles).toEqual([]);
    expect((await introspect(earlier))[ROLES]).toEqual(rolesClaim("reader"));
    const later = (await tokenBySecret(other)).body!.access_token as string;
    expect(await introspect(later)).not.toHaveProperty(ROLES);
    // Re-adding the project role does not give it back.
    await admin.addProjectRole({ projectId, roleKey: "admin", displayName: "ADMIN" });
    expect((await access.getAppAccess({ projectId, appId: other.appId })).access!.roles).toEqual([]);

    // Each change is in the app's history.
    const { result } = await admin.listAppChanges({ projectId, appId: app.appId });
    expect(result.map((change) => change.eventType?.key)).toEqual(
      expect.arrayContaining([
        "EventTypes.keygate.app.role.added",
        "EventTypes.keygate.app.role.removed",
        "EventTypes.keygate.app.client_credentials.set",
      ]),
    );
  });

  test("turning the setting off: later requests are unauthorized_client, earlier tokens inactive (also after turning it on again)", async () => {
    const app = await appWithRoles(["reader"]);
    const earlier = (await tokenBySecret(app)).body!.access_token as string;
    expect(await introspect(earlier)).toMatchObject({ active: true });
    await access.setAppClientCredentials({ projectId, appId: app.appId, enabled: false });
    const refused = await tokenBySecret(app);
    expect([refused.status, refused.body?.error]).toEqual([400, "unauthorized_client"]);
    expect(await introspect(earlier)).toEqual({ active: false });
    await access.setAppClientCredentials({ projectId, appId: app.appId, enabled: true });
    expect(await introspect(earlier)).toEqual({ active: false });
    expect((await tokenBySecret(app)).status).toBe(200);
  });

  test("an app never opted in is unauthorized_client; a wrong secret, a deactivated or removed app invalid_client (401)", async () => {
    const never = await addBasicApp(admin, projectId);
    const refused = await tokenBySecret(never);
    expect([refused.status, refused.body?.error]).toEqual([400, "unauthorized_client"]);
    const app = await appWithRoles(["reader"]);
    const wrong = await tokenBySecret({ ...app, clientSecret: "wrong" });
    expect([wrong.status, wrong.body?.error, wrong.headers.get("www-authenticate")]).toEqual([401, "invalid_client", expect.stringMatching(/^Basic/)]);
    const token = (await tokenBySecret(app)).body!.access_token as string;
    await admin.deactivateApp({ projectId, appId: app.appId });
    expect([(await tokenBySecret(app)).status, (await tokenBySecret(app)).body?.error]).toEqual([401, "invalid_client"]);
    expect(await introspect(token)).toEqual({ active: false });
    await admin.reactivateApp({ projectId, appId: app.appId });
    expect(await introspect(token)).toMatchObject({ active: true });
    await admin.removeApp({ projectId, appId: app.appId });
    expect((await tokenBySecret(app)).body?.error).toBe("invalid_client");
    expect(await introspect(token)).toEqual({ active: false });
    // A regenerated secret ends the tokens of the old one, and the old secret.
    const rotated = await appWithRoles([]);
    const old = (await tokenBySecret(rotated)).body!.access_token as string;
    const { clientSecret } = await admin.regenerateAPIClientSecret({ projectId, appId: rotated.appId });
    expect(await introspect(old)).toEqual({ active: false });
    expect((await tokenBySecret(rotated)).body?.error).toBe("invalid_client");
    expect((await tokenBySecret({ ...rotated, clientSecret })).status).toBe(200);
  });

  test("scopes for another audience are invalid_scope; an app of another project sees the token inactive", async () => {
    const app = await appWithRoles(["reader"]);
    for (const scope of [API_ACCESS, projectAudience(session.orgId)]) {
      const res = await tokenBySecret(app, { scope });
      expect([res.status, res.body?.error]).toEqual([400, "invalid_scope"]);
    }
    const token = (await tokenBySecret(app)).body!.access_token as string;
    const elsewhere = await addBasicApp(admin, (await admin.addProject({ name: uniqueName("elsewhere") })).id);
    expect((await postForm(issuer, "/oauth/v2/introspect", { token }, basicAuth(elsewhere.clientId, elsewhere.clientSecret))).body).toEqual({ active: false });
    // The app's own token cannot call keygate's API.
    await expectError(managementClient(session.keygate.url, token).getMyOrg({}), Code.Unauthenticated);
  });

  test("a service user's client credentials work as before (client id = user name)", async () => {
    const user = await addMachineWithSecret(admin);
    const res = await postForm(issuer, "/oauth/v2/token", { grant_type: "client_credentials", scope: projectAudience(projectId) }, basicAuth(user.userName, user.clientSecret));
    expect(res.status).toBe(200);
    expect(await introspect(res.body!.access_token as string)).toMatchObject({ active: true, sub: user.userId, username: user.userName });
    const assertion = await new SignJWT({}).setProtectedHeader({ alg: "RS256", kid: "x" }).setIssuer(user.userId).setSubject(user.userId).setAudience(issuer).setIssuedAt().setExpirationTime("5m").sign(generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey);
    const viaKey = await postForm(issuer, "/oauth/v2/token", { grant_type: "client_credentials", client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: assertion });
    expect([viaKey.status, viaKey.body?.error]).toEqual([401, "invalid_client"]);
  });

  describe("refusals name the field and write nothing", () => {
    test("unknown role, role held already, role given twice, no roles, role not held, no change, unknown app", async () => {
      const app = await appWithRoles(["reader"]);
      const before = await eventCountOf(session.keygate, session.orgId);
      await expectError(access.addAppRoles({ projectId, appId: app.appId, roleKeys: ["writer", "ghost"] }), Code.FailedPrecondition, `role_keys[1]: "ghost" is not a role of the app's project (APPACCESS-r05)`);
      await expectError(access.addAppRoles({ projectId, appId: app.appId, roleKeys: ["writer", "reader"] }), Code.AlreadyExists, `role_keys[1]: the app holds "reader" already (APPACCESS-r06)`);
      await expectError(access.addAppRoles({ projectId, appId: app.appId, roleKeys: ["writer", "writer"] }), Code.InvalidArgument, `role_keys[1]: "writer" is given twice (APPACCESS-r04)`);
      await expectError(access.addAppRoles({ projectId, appId: app.appId, roleKeys: [] }), Code.InvalidArgument, "role_keys: at least one role key is required (APPACCESS-r01)");
      await expectError(access.removeAppRole({ projectId, appId: app.appId, roleKey: "writer" }), Code.NotFound, `role_key: the app does not hold "writer" (APPACCESS-r08)`);
      await expectError(access.setAppClientCredentials({ projectId, appId: app.appId, enabled: true }), Code.FailedPrecondition, "client_credentials: no changes (APPACCESS-c01)");
      await expectError(access.setAppClientCredentials({ projectId, appId: app.appId, enabled: true, accessTokenType: 7 as AppAccessTokenType }), Code.InvalidArgument);
      await expectError(access.getAppAccess({ projectId, appId: "404" }), Code.NotFound);
      await expectError(access.addAppRoles({ projectId, appId: "404", roleKeys: ["reader"] }), Code.NotFound);
      expect(await eventCountOf(session.keygate, session.orgId)).toBe(before);
      expect((await access.getAppAccess({ projectId, appId: app.appId })).access!.roles.map((r) => r.key)).toEqual(["reader"]);
    });

    test("another org's app is NotFound for every call, and nothing is written", async () => {
      const app = await appWithRoles(["reader"]);
      const otherOrg = (await managementClient(session.keygate.url, session.keygate.adminToken).addOrg({ name: uniqueName("other-org") })).id;
      const foreign = keygateV1Client(AppAccessService, session.keygate.url, session.keygate.adminToken, otherOrg);
      const before = await eventCountOf(session.keygate, session.orgId);
      await expectError(foreign.getAppAccess({ projectId, appId: app.appId }), Code.NotFound);
      await expectError(foreign.addAppRoles({ projectId, appId: app.appId, roleKeys: ["writer"] }), Code.NotFound);
      await expectError(foreign.removeAppRole({ projectId, appId: app.appId, roleKey: "reader" }), Code.NotFound);
      await expectError(foreign.setAppClientCredentials({ projectId, appId: app.appId, enabled: false }), Code.NotFound);
      expect(await eventCountOf(session.keygate, session.orgId)).toBe(before);
    });
  });

  test.each(PROTOCOLS)("%s serves AppAccessService", async (protocol) => {
    const transports = v2Transports(session.keygate.url);
    try {
      const app = await addBasicApp(admin, projectId);
      const client = createClient(AppAccessService, transports.make(protocol, session.keygate.adminToken));
      const { access: after } = await client.addAppRoles({ projectId, appId: app.appId, roleKeys: ["reader"] });
      expect(after?.roles.map((role) => [role.key, role.displayName, role.group])).toEqual([["reader", "READER", "g"]]);
      expect((await client.getAppAccess({ projectId, appId: app.appId })).access?.clientCredentials).toBe(false);
    } finally {
      transports.close();
    }
  });

  test("REST under /keygate/v1", async () => {
    const app = await addBasicApp(admin, projectId);
    const base = `/keygate/v1/projects/${projectId}/apps/${app.appId}`;
    const call = (method: string, path: string, body?: unknown) => restCall(session.keygate.url, session.keygate.adminToken, method, path, body);
    expect((await call("POST", `${base}/roles`, { roleKeys: ["reader", "writer"] })).status).toBe(200);
    expect((await call("PUT", `${base}/client_credentials`, { enabled: true, accessTokenType: "APP_ACCESS_TOKEN_TYPE_JWT" })).body.access).toMatchObject({
      clientCredentials: true,
      accessTokenType: "APP_ACCESS_TOKEN_TYPE_JWT",
    });
    expect((await call("DELETE", `${base}/roles/writer`)).status).toBe(200);
    const got = await call("GET", `${base}/access`);
    expect((got.body.access as { roles: { key: string }[] }).roles.map((role) => role.key)).toEqual(["reader"]);
    const refused = await call("POST", `${base}/roles`, { roleKeys: ["ghost"] });
    expect(refused.status).toBe(400);
  });

  test("projections equal a rebuild from the events", async () => {
    expect((await tokenBySecret(await appWithRoles(["reader", "writer"]))).status).toBe(200);
    await expectRebuildReproduces(session.keygate.store, { app_roles: 1, app_access_tokens: 0 });
  });
});
