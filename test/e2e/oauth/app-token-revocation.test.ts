/**
 * Revocation of the tokens API apps get for themselves (issue 15 item 3's follow-up; RFC 7009): an
 * app revokes its own token with openid-client's tokenRevocation (any live secret, or a JWT signed
 * by its key), which introspection then answers {"active":false} at once; another client's token
 * (another app's, a service user's) is refused as the service users' revocation refuses it and
 * stays active; a failed client authentication is 401 invalid_client with a challenge, counted in
 * keygate_oauth_client_auth_failures_total{endpoint="revoke"}.
 */
import { createPrivateKey } from "node:crypto";
import { afterAll, beforeAll, expect, test } from "vitest";
import { importPKCS8 } from "jose";
import * as oidc from "openid-client";
import { AppAccessService, AppAccessTokenType } from "../../../src/gen/keygate/v1/app_roles_pb.js";
import { AppSecretService } from "../../../src/gen/keygate/v1/app_secrets_pb.js";
import { uniqueName } from "../../support/auth-fixtures.js";
import { describeEachBackend } from "../../support/backends.js";
import { startAdminSession, type AdminSession } from "../../support/keygate-server.js";
import { keygateV1Client } from "../../support/keygate-v1-client.js";
import { addBasicApp, addKeyApp, addMachineWithSecret, basicAuth, postForm, projectAudience, type BasicApp, type OAuthAnswer } from "../../support/oauth-fixtures.js";
import { expectRebuildReproduces } from "../../support/projection-snapshot.js";
import { metricValue } from "../../ops/ops-support.js";

/** openid-client v6 refuses http issuers unless told; keygate's test issuer is http://localhost. */
const insecure = { execute: [oidc.allowInsecureRequests] };
const FAILURES = "keygate_oauth_client_auth_failures_total";

describeEachBackend("apps revoke their own tokens", (backend) => {
  let session: AdminSession;
  let issuer: string;
  let projectId: string;
  let introspector: BasicApp;

  beforeAll(async () => {
    session = await startAdminSession(backend);
    issuer = session.keygate.issuer;
    projectId = (await session.admin.addProject({ name: uniqueName("revoking") })).id;
    introspector = await addBasicApp(session.admin, projectId);
  });
  afterAll(() => session?.keygate.dispose());

  const access = () => keygateV1Client(AppAccessService, session.keygate.url, session.keygate.adminToken);
  const introspect = async (token: string) => (await postForm(issuer, "/oauth/v2/introspect", { token }, basicAuth(introspector.clientId, introspector.clientSecret))).body;
  const revoke = (token: string, authorization?: string, params: Record<string, string> = {}) => postForm(issuer, "/oauth/v2/revoke", { token, ...params }, authorization);
  const tokenOf = async (app: { clientId: string; clientSecret: string }) =>
    (await postForm(issuer, "/oauth/v2/token", { grant_type: "client_credentials" }, basicAuth(app.clientId, app.clientSecret))).body!.access_token as string;

  async function grantingApp(tokenType = AppAccessTokenType.BEARER): Promise<BasicApp> {
    const app = await addBasicApp(session.admin, projectId);
    await access().setAppClientCredentials({ projectId, appId: app.appId, enabled: true, accessTokenType: tokenType });
    return app;
  }

  function expectRefused(answer: OAuthAnswer, description?: string): void {
    expect([answer.status, answer.body?.error]).toEqual([401, "invalid_client"]);
    expect(answer.headers.get("www-authenticate")).toMatch(/^Basic realm="keygate"/);
    if (description !== undefined) expect(answer.body?.error_description).toBe(description);
  }

  test("openid-client revokes the app's opaque token and JWT: inactive at once; the app's other token, another app's and a user's stay active", async () => {
    const app = await grantingApp();
    const jwtApp = await grantingApp(AppAccessTokenType.JWT);
    const other = await grantingApp();
    const user = await addMachineWithSecret(session.admin);
    const config = await oidc.discovery(new URL(issuer), app.clientId, undefined, oidc.ClientSecretBasic(app.clientSecret), insecure);
    const revoked = (await oidc.clientCredentialsGrant(config, {})).access_token;
    const kept = (await oidc.clientCredentialsGrant(config, {})).access_token;
    const othersToken = await tokenOf(other);
    const usersToken = (await postForm(issuer, "/oauth/v2/token", { grant_type: "client_credentials", scope: projectAudience(projectId) }, basicAuth(user.userName, user.clientSecret))).body!
      .access_token as string;
    expect(await introspect(revoked)).toMatchObject({ active: true, sub: app.clientId });

    await oidc.tokenRevocation(config, revoked);
    expect(await introspect(revoked)).toEqual({ active: false });
    for (const token of [kept, othersToken, usersToken]) expect(await introspect(token)).toMatchObject({ active: true });
    // Revoking it again, or a token that never was, is 200 all the same (RFC 7009 §2.2).
    await oidc.tokenRevocation(config, revoked);
    expect((await revoke("no-such-token", basicAuth(app.clientId, app.clientSecret))).status).toBe(200);

    // A JWT is revoked by its jti, with client_secret_post this time.
    const jwtConfig = await oidc.discovery(new URL(issuer), jwtApp.clientId, undefined, oidc.ClientSecretPost(jwtApp.clientSecret), insecure);
    const jwt = (await oidc.clientCredentialsGrant(jwtConfig, {})).access_token;
    expect(jwt.split(".")).toHaveLength(3);
    await oidc.tokenRevocation(jwtConfig, jwt);
    expect(await introspect(jwt)).toEqual({ active: false });
    expect(await introspect(kept)).toMatchObject({ active: true });
  });

  test("any live secret revokes the app's tokens, whichever secret got them; a key app revokes with a JWT signed by its key", async () => {
    const app = await grantingApp();
    const second = await keygateV1Client(AppSecretService, session.keygate.url, session.keygate.adminToken).addAppSecret({ projectId, appId: app.appId });
    const byFirst = await tokenOf(app);
    expect((await revoke(byFirst, basicAuth(app.clientId, second.clientSecret))).status).toBe(200);
    expect(await introspect(byFirst)).toEqual({ active: false });

    const keyApp = await addKeyApp(session.admin, projectId);
    await access().setAppClientCredentials({ projectId, appId: keyApp.appId, enabled: true });
    const pkcs8 = createPrivateKey(keyApp.keyFile.key).export({ type: "pkcs8", format: "pem" }).toString();
    const config = await oidc.discovery(new URL(issuer), keyApp.clientId, undefined, oidc.PrivateKeyJwt({ key: await importPKCS8(pkcs8, "RS256"), kid: keyApp.keyId }), insecure);
    const token = (await oidc.clientCredentialsGrant(config, {})).access_token;
    await oidc.tokenRevocation(config, token);
    expect(await introspect(token)).toEqual({ active: false });
  });

  test("another client's token is refused as the service users' revocation refuses it, and stays active", async () => {
    const app = await grantingApp();
    const other = await grantingApp();
    const user = await addMachineWithSecret(session.admin);
    const othersToken = await tokenOf(other);
    const usersToken = (await postForm(issuer, "/oauth/v2/token", { grant_type: "client_credentials", scope: projectAudience(projectId) }, basicAuth(user.userName, user.clientSecret))).body!
      .access_token as string;
    const appsToken = await tokenOf(app);
    const before = (await metricValue(session.keygate.url, FAILURES, { endpoint: "revoke" })) ?? 0;
    // An app revoking another app's token or a user's; a user revoking an app's.
    expectRefused(await revoke(othersToken, basicAuth(app.clientId, app.clientSecret)), "token was not issued for this client");
    expectRefused(await revoke(usersToken, basicAuth(app.clientId, app.clientSecret)), "token was not issued for this client");
    expectRefused(await revoke(appsToken, basicAuth(user.userName, user.clientSecret)), "token was not issued for this client");
    for (const token of [othersToken, usersToken, appsToken]) expect(await introspect(token)).toMatchObject({ active: true });
    // The clients authenticated: nothing counted as a failed authentication, as for service users.
    expect((await metricValue(session.keygate.url, FAILURES, { endpoint: "revoke" })) ?? 0).toBe(before);
  });

  test("bad client authentication is 401 invalid_client with a challenge, counted, and revokes nothing", async () => {
    const app = await grantingApp();
    const secrets = keygateV1Client(AppSecretService, session.keygate.url, session.keygate.adminToken);
    const removed = await secrets.addAppSecret({ projectId, appId: app.appId });
    const token = await tokenOf(app);
    await secrets.removeAppSecret({ projectId, appId: app.appId, secretId: removed.secret!.id });
    const before = (await metricValue(session.keygate.url, FAILURES, { endpoint: "revoke" })) ?? 0;
    const answers = [
      await revoke(token),
      await revoke(token, basicAuth(app.clientId, "wrong")),
      await revoke(token, basicAuth(app.clientId, removed.clientSecret)),
      await revoke(token, undefined, { client_id: app.clientId, client_secret: "wrong" }),
      await revoke(token, undefined, { client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", client_assertion: "not.a.jwt" }),
    ];
    for (const answer of answers) expectRefused(answer);
    expect(await metricValue(session.keygate.url, FAILURES, { endpoint: "revoke" })).toBe(before + answers.length);
    expect(await introspect(token)).toMatchObject({ active: true });
    // A deactivated app cannot revoke (its tokens are inactive meanwhile, and come back with it).
    await session.admin.deactivateApp({ projectId, appId: app.appId });
    expectRefused(await revoke(token, basicAuth(app.clientId, app.clientSecret)));
    await session.admin.reactivateApp({ projectId, appId: app.appId });
    expect(await introspect(token)).toMatchObject({ active: true });
  });

  test("projections equal a rebuild from the events after a revocation", async () => {
    const app = await grantingApp();
    const [revoked, kept] = [await tokenOf(app), await tokenOf(app)];
    expect((await revoke(revoked, basicAuth(app.clientId, app.clientSecret))).status).toBe(200);
    await expectRebuildReproduces(session.keygate.store, { app_access_tokens: 0 });
    expect(await introspect(revoked)).toEqual({ active: false });
    expect(await introspect(kept)).toMatchObject({ active: true });
  });
});
