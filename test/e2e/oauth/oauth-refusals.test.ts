/**
 * Every refusal of issue 13, by test: the token endpoint (client credentials and JWT profile),
 * introspection (an API app's every way to fail authentication; tokens that are not active for it),
 * revocation, and tokens calling keygate's API (scope, deactivated and removed users, removed
 * secrets and keys). Keys and tokens expire, and the API's auth memory forgets, by keygate's clock,
 * which the tests move on instead of sleeping.
 */
import { createPrivateKey } from "node:crypto";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { importPKCS8, SignJWT, type JWTPayload } from "jose";
import { DEFAULT_AUTH_CACHE_TTL_MS } from "../../../src/api/auth-cache.js";
import { describeEachBackend } from "../../support/backends.js";
import { startAdminSession, type AdminSession } from "../../support/keygate-server.js";
import { managementClient } from "../../support/management-client.js";
import {
  addBasicApp,
  addKeyApp,
  addMachineWithKey,
  addMachineWithSecret,
  API_ACCESS,
  basicAuth,
  postForm,
  projectAudience,
  type BasicApp,
  type KeyApp,
  type MachineWithKey,
} from "../../support/oauth-fixtures.js";
import { testClock } from "../../support/test-clock.js";
import { clientsFor } from "../../ops/ops-support.js";

const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const TOKEN_LIFETIME_SECONDS = 3600;

/** A JWT signed with a key file's key; `claims` and `header` override the defaults of a valid assertion. */
async function assertion(keyFile: { key: string; keyId: string }, subject: string, audience: string, claims: JWTPayload = {}, header: Record<string, unknown> = {}): Promise<string> {
  const key = await importPKCS8(createPrivateKey(keyFile.key).export({ type: "pkcs8", format: "pem" }).toString(), "RS256");
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: subject, sub: subject, aud: audience, iat: now, exp: now + 3600, ...claims })
    .setProtectedHeader({ alg: "RS256", kid: keyFile.keyId, ...header })
    .sign(key);
}

describeEachBackend("OAuth refusals", (backend) => {
  let session: AdminSession;
  let issuer: string;
  let projectId: string;
  let otherProjectId: string;
  let basicApp: BasicApp;
  let keyApp: KeyApp;
  const clock = testClock();

  beforeAll(async () => {
    // Tokens live as configured, here not the default (keygate's clock moves them past it).
    session = await startAdminSession(backend, { accessTokenLifetimeSeconds: TOKEN_LIFETIME_SECONDS }, { now: clock.now });
    issuer = session.keygate.issuer;
    projectId = (await session.admin.addProject({ name: "payments" })).id;
    otherProjectId = (await session.admin.addProject({ name: "other" })).id;
    basicApp = await addBasicApp(session.admin, projectId);
    keyApp = await addKeyApp(session.admin, projectId);
  });
  afterAll(() => session.keygate.dispose());
  afterEach(() => clock.reset());

  const token = (clientId: string, secret: string, scope = `openid ${projectAudience(projectId)} ${API_ACCESS}`) =>
    postForm(issuer, "/oauth/v2/token", { grant_type: "client_credentials", scope }, basicAuth(clientId, secret));
  const jwtProfile = (jwt: string, scope = `openid ${projectAudience(projectId)} ${API_ACCESS}`) => postForm(issuer, "/oauth/v2/token", { grant_type: JWT_BEARER, assertion: jwt, scope });
  const introspect = (accessToken: string, app: BasicApp = basicApp) => postForm(issuer, "/oauth/v2/introspect", { token: accessToken }, basicAuth(app.clientId, app.clientSecret));
  const accessTokenOf = async (answer: Promise<{ status: number; body: Record<string, unknown> | undefined }>) => {
    const { status, body } = await answer;
    expect(status).toBe(200);
    return body!.access_token as string;
  };
  const expectInvalidClient = (answer: { status: number; headers: Headers; body: Record<string, unknown> | undefined }) => {
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ error: "invalid_client" });
    expect(answer.headers.get("www-authenticate")).toMatch(/^Basic /);
  };
  const expectInvalidGrant = (answer: { status: number; body: Record<string, unknown> | undefined }) => {
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: "invalid_grant" });
  };

  test("client credentials: a wrong secret, an unknown client, a user without a secret, a removed secret, a deactivated user", async () => {
    const user = await addMachineWithSecret(session.admin);
    expect((await token(user.clientId, user.clientSecret)).status).toBe(200);
    expectInvalidClient(await token(user.clientId, `${user.clientSecret}x`));
    expectInvalidClient(await token("no-such-user", user.clientSecret));
    expectInvalidClient(await postForm(issuer, "/oauth/v2/token", { grant_type: "client_credentials" }));
    const keyOnly = await addMachineWithKey(session.admin);
    expectInvalidClient(await token(keyOnly.userName, user.clientSecret));

    await session.admin.deactivateUser({ id: user.userId });
    expectInvalidClient(await token(user.clientId, user.clientSecret));
    await session.admin.reactivateUser({ id: user.userId });
    expect((await token(user.clientId, user.clientSecret)).status).toBe(200);

    await session.admin.removeMachineSecret({ userId: user.userId });
    expectInvalidClient(await token(user.clientId, user.clientSecret));
    // A regenerated secret replaces the old one.
    const again = await session.admin.generateMachineSecret({ userId: user.userId });
    expectInvalidClient(await token(user.clientId, user.clientSecret));
    expect((await token(user.clientId, again.clientSecret)).status).toBe(200);
  });

  test("client credentials: a scope naming a project that does not exist is invalid_scope; unknown scopes are left out", async () => {
    const user = await addMachineWithSecret(session.admin);
    const unknown = await token(user.clientId, user.clientSecret, "openid urn:zitadel:iam:org:project:id:424242:aud");
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ error: "invalid_scope" });
    const dropped = await token(user.clientId, user.clientSecret, "openid email offline_access");
    expect(dropped.body).toMatchObject({ scope: "openid", token_type: "Bearer" });
    expect(dropped.headers.get("cache-control")).toBe("no-store");
  });

  test("JWT profile: every malformed, expired, overlong, misaddressed, replayed or unknown-key assertion is invalid_grant", async () => {
    const user = await addMachineWithKey(session.admin);
    const sign = (claims: JWTPayload = {}, header: Record<string, unknown> = {}) => assertion(user.keyFile, user.userId, issuer, claims, header);
    const now = Math.floor(Date.now() / 1000);
    expect((await jwtProfile(await sign())).status).toBe(200);
    expect((await postForm(issuer, "/oauth/v2/token", { grant_type: JWT_BEARER })).body).toMatchObject({ error: "invalid_request" });
    const refused = [
      "not-a-jwt",
      await sign({ exp: now - 120, iat: now - 600 }), // expired (beyond the skew)
      await sign({ iat: now, exp: now + 3601 }), // lives longer than an hour
      await sign({ iat: now + 600, exp: now + 1200 }), // issued in the future
      await sign({ aud: "https://someone-else.example" }),
      await sign({ iss: "someone-else" }), // iss != sub
      await sign({}, { kid: "no-such-key" }),
      await sign({ exp: undefined }),
      await assertion(user.keyFile, "424242", issuer), // a user that does not exist
    ];
    for (const jwt of refused) expectInvalidGrant(await jwtProfile(jwt));
    // Signed by another user's key under this user's kid.
    const other = await addMachineWithKey(session.admin);
    expectInvalidGrant(await jwtProfile(await assertion({ key: other.keyFile.key, keyId: user.keyId }, user.userId, issuer)));

    // A jti may be used once while the assertion lives; assertions without one (as ZITADEL's SDKs send) may be reused.
    const withJti = await sign({ jti: "once" });
    expect((await jwtProfile(withJti)).status).toBe(200);
    expectInvalidGrant(await jwtProfile(withJti));
    const withoutJti = await sign();
    expect((await jwtProfile(withoutJti)).status).toBe(200);
    expect((await jwtProfile(withoutJti)).status).toBe(200);
  });

  test("JWT profile: an expired or removed key, and a deactivated user, are refused", async () => {
    const expiring = await addMachineWithKey(session.admin, { expirationDate: new Date(Date.now() + MINUTE) });
    const early = await assertion(expiring.keyFile, expiring.userId, issuer);
    expect((await jwtProfile(early)).status).toBe(200);
    // Past the key's expiry; a new assertion (signed at the real time, living an hour) is valid by either clock.
    clock.advance(2 * MINUTE);
    expectInvalidGrant(await jwtProfile(await assertion(expiring.keyFile, expiring.userId, issuer)));

    const user = await addMachineWithKey(session.admin);
    await session.admin.deactivateUser({ id: user.userId });
    expectInvalidGrant(await jwtProfile(await assertion(user.keyFile, user.userId, issuer)));
    await session.admin.reactivateUser({ id: user.userId });
    await session.admin.removeMachineKey({ userId: user.userId, keyId: user.keyId });
    expectInvalidGrant(await jwtProfile(await assertion(user.keyFile, user.userId, issuer)));
  });

  test("introspection: an API app's wrong, regenerated-away or missing secret, deactivated or removed app, expired or removed key, BASIC app with an assertion", async () => {
    const user = await addMachineWithSecret(session.admin);
    const accessToken = await accessTokenOf(token(user.clientId, user.clientSecret));
    expect((await introspect(accessToken)).body).toMatchObject({ active: true });

    expectInvalidClient(await introspect(accessToken, { ...basicApp, clientSecret: `${basicApp.clientSecret}x` }));
    expectInvalidClient(await postForm(issuer, "/oauth/v2/introspect", { token: accessToken }));
    // client_secret_post is not an introspection method.
    expectInvalidClient(await postForm(issuer, "/oauth/v2/introspect", { token: accessToken, client_id: basicApp.clientId, client_secret: basicApp.clientSecret }));
    // A service user is not an API app.
    expectInvalidClient(await postForm(issuer, "/oauth/v2/introspect", { token: accessToken }, basicAuth(user.clientId, user.clientSecret)));

    const regenerated = await addBasicApp(session.admin, projectId);
    expect((await introspect(accessToken, regenerated)).status).toBe(200);
    const fresh = await session.admin.regenerateAPIClientSecret({ projectId, appId: regenerated.appId });
    expectInvalidClient(await introspect(accessToken, regenerated));
    expect((await introspect(accessToken, { ...regenerated, clientSecret: fresh.clientSecret })).body).toMatchObject({ active: true });

    await session.admin.deactivateApp({ projectId, appId: regenerated.appId });
    expectInvalidClient(await introspect(accessToken, { ...regenerated, clientSecret: fresh.clientSecret }));
    await session.admin.reactivateApp({ projectId, appId: regenerated.appId });
    expect((await introspect(accessToken, { ...regenerated, clientSecret: fresh.clientSecret })).status).toBe(200);
    await session.admin.removeApp({ projectId, appId: regenerated.appId });
    expectInvalidClient(await introspect(accessToken, { ...regenerated, clientSecret: fresh.clientSecret }));

    const byKey = async (app: KeyApp, claims: JWTPayload = {}) =>
      postForm(issuer, "/oauth/v2/introspect", { token: accessToken, client_assertion_type: ASSERTION_TYPE, client_assertion: await assertion(app.keyFile, app.clientId, issuer, claims) });
    expect((await byKey(keyApp)).body).toMatchObject({ active: true });
    expectInvalidClient(await byKey(keyApp, { aud: "https://someone-else.example" }));
    expectInvalidClient(await byKey(keyApp, { exp: Math.floor(Date.now() / 1000) - 120 }));
    expectInvalidClient(await postForm(issuer, "/oauth/v2/introspect", { token: accessToken, client_assertion_type: "urn:other", client_assertion: await assertion(keyApp.keyFile, keyApp.clientId, issuer) }));

    const expiring = await addKeyApp(session.admin, projectId, new Date(Date.now() + MINUTE));
    const reused = await assertion(expiring.keyFile, expiring.clientId, issuer);
    const withReused = () => postForm(issuer, "/oauth/v2/introspect", { token: accessToken, client_assertion_type: ASSERTION_TYPE, client_assertion: reused });
    expect((await withReused()).status).toBe(200);
    // A client assertion may be reused (passport-zitadel and @zitadel/node do) until it or its key expires.
    expect((await withReused()).status).toBe(200);
    clock.advance(2 * MINUTE);
    expectInvalidClient(await withReused());

    const removed = await addKeyApp(session.admin, projectId);
    expect((await byKey(removed)).status).toBe(200);
    await session.admin.removeAppKey({ projectId, appId: removed.appId, keyId: removed.keyId });
    expectInvalidClient(await byKey(removed));

    // A BASIC app's key would be hidden; it cannot authenticate with an assertion.
    expectInvalidClient(await postForm(issuer, "/oauth/v2/introspect", { token: accessToken, client_assertion_type: ASSERTION_TYPE, client_assertion: await assertion(keyApp.keyFile, basicApp.clientId, issuer) }));
    expect((await postForm(issuer, "/oauth/v2/introspect", {}, basicAuth(basicApp.clientId, basicApp.clientSecret))).body).toMatchObject({ error: "invalid_request" });
  });

  test("introspection: unknown, revoked, other projects', deactivated and removed users' tokens are inactive", async () => {
    const user = await addMachineWithSecret(session.admin);
    const inactive = { active: false };
    expect((await introspect("no-such-token")).body).toEqual(inactive);
    expect((await introspect("a.b.c")).body).toEqual(inactive);
    const forOther = await accessTokenOf(token(user.clientId, user.clientSecret, `openid ${projectAudience(otherProjectId)}`));
    expect((await introspect(forOther)).body).toEqual(inactive);

    const revoked = await accessTokenOf(token(user.clientId, user.clientSecret));
    expect((await postForm(issuer, "/oauth/v2/revoke", { token: revoked }, basicAuth(user.clientId, user.clientSecret))).status).toBe(200);
    expect((await introspect(revoked)).body).toEqual(inactive);

    const live = await accessTokenOf(token(user.clientId, user.clientSecret));
    await session.admin.deactivateUser({ id: user.userId });
    expect((await introspect(live)).body).toEqual(inactive);
    await session.admin.reactivateUser({ id: user.userId });
    expect((await introspect(live)).body).toMatchObject({ active: true });
    await session.admin.removeUser({ id: user.userId });
    expect((await introspect(live)).body).toEqual(inactive);
  });

  test("revocation: only by the token's own client; an unknown token is 200", async () => {
    const owner = await addMachineWithSecret(session.admin);
    const other = await addMachineWithSecret(session.admin);
    const accessToken = await accessTokenOf(token(owner.clientId, owner.clientSecret));
    expectInvalidClient(await postForm(issuer, "/oauth/v2/revoke", { token: accessToken }));
    expectInvalidClient(await postForm(issuer, "/oauth/v2/revoke", { token: accessToken }, basicAuth(owner.clientId, "wrong")));
    const foreign = await postForm(issuer, "/oauth/v2/revoke", { token: accessToken }, basicAuth(other.clientId, other.clientSecret));
    expectInvalidClient(foreign);
    expect(foreign.body).toMatchObject({ error_description: "token was not issued for this client" });
    expect((await introspect(accessToken)).body).toMatchObject({ active: true });
    expect((await postForm(issuer, "/oauth/v2/revoke", { token: "no-such-token" }, basicAuth(owner.clientId, owner.clientSecret))).status).toBe(200);
    expect((await postForm(issuer, "/oauth/v2/revoke", {}, basicAuth(owner.clientId, owner.clientSecret))).body).toMatchObject({ error: "invalid_request" });
    // client_secret_post works for revocation too.
    const revoked = await postForm(issuer, "/oauth/v2/revoke", { token: accessToken, client_id: owner.clientId, client_secret: owner.clientSecret });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toBeUndefined();
    expect((await introspect(accessToken)).body).toEqual({ active: false });

    // A key user revokes its JWT with a client assertion.
    const keyUser = await addMachineWithKey(session.admin, { jwt: true });
    const jwt = await accessTokenOf(jwtProfile(await assertion(keyUser.keyFile, keyUser.userId, issuer)));
    const byAssertion = await postForm(issuer, "/oauth/v2/revoke", { token: jwt, client_assertion_type: ASSERTION_TYPE, client_assertion: await assertion(keyUser.keyFile, keyUser.userId, issuer) });
    expect(byAssertion.status).toBe(200);
    expect((await introspect(jwt)).body).toEqual({ active: false });
  });

  test("tokens call keygate's API on all four protocols only with the zitadel:aud scope", async () => {
    const user = await addMachineWithSecret(session.admin);
    const withAccess = await accessTokenOf(token(user.clientId, user.clientSecret));
    const without = await accessTokenOf(token(user.clientId, user.clientSecret, `openid ${projectAudience(projectId)}`));
    const { clients, close } = clientsFor(session.keygate.url, withAccess);
    const denied = clientsFor(session.keygate.url, without);
    try {
      for (const protocol of ["grpc", "grpc-web", "connect"] as const) {
        expect((await clients[protocol].getMyOrg({})).org?.id).toBe(session.orgId);
        await expect(denied.clients[protocol].getMyOrg({})).rejects.toThrow(/Errors.Token.Invalid/);
      }
    } finally {
      close();
      denied.close();
    }
    const rest = (accessToken: string) => fetch(`${session.keygate.url}/management/v1/orgs/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect((await rest(withAccess)).status).toBe(200);
    expect((await rest(without)).status).toBe(401);
  });

  test("an expired token is inactive and calls nothing", async () => {
    const user = await addMachineWithSecret(session.admin);
    const issued = await token(user.clientId, user.clientSecret, `${projectAudience(projectId)} ${API_ACCESS}`);
    expect(issued.body).toMatchObject({ expires_in: TOKEN_LIFETIME_SECONDS });
    const accessToken = issued.body!.access_token as string;
    // Issued at a whole second by keygate's clock, the token has expired once its lifetime passed by it.
    clock.advance(TOKEN_LIFETIME_SECONDS * 1000);
    expect((await introspect(accessToken)).body).toEqual({ active: false });
    await expect(managementClient(session.keygate.url, accessToken).getMyOrg({})).rejects.toThrow(/Errors.Token.Invalid/);
  });

  test.each([
    ["opaque", false],
    ["JWT", true],
  ])("%s tokens are issued and expire by keygate's clock: one issued a day ahead is active with that day's times, at introspection and the API, until its lifetime has passed by that clock", async (_kind, jwt) => {
    clock.advance(DAY);
    const user = await addMachineWithSecret(session.admin, { jwt });
    const issued = await token(user.clientId, user.clientSecret);
    expect(issued.status).toBe(200);
    const accessToken = issued.body!.access_token as string;
    // Issued by the system's clock, the token would have expired a day ago by keygate's.
    const active = (await introspect(accessToken)).body!;
    expect(active).toMatchObject({ active: true, exp: (active.iat as number) + (issued.body!.expires_in as number) });
    expect(Math.abs((active.iat as number) * 1000 - clock.now().getTime())).toBeLessThan(MINUTE);
    const api = managementClient(session.keygate.url, accessToken);
    expect((await api.getMyOrg({})).org?.id).toBe(session.orgId);
    clock.advance((issued.body!.expires_in as number) * 1000);
    expect((await introspect(accessToken)).body).toEqual({ active: false });
    await expect(api.getMyOrg({})).rejects.toThrow(/Errors.Token.Invalid/);
  });

  test("a deactivated or removed user, or a removed secret or key, stops its tokens at the API within a second", async () => {
    const api = (accessToken: string) => managementClient(session.keygate.url, accessToken).getMyOrg({});
    const works = async (accessToken: string) => expect((await api(accessToken)).org?.id).toBe(session.orgId);
    const stopped = async (accessToken: string) => {
      // Once the second that the promise allows has passed by keygate's clock (the auth memory's).
      clock.advance(DEFAULT_AUTH_CACHE_TTL_MS);
      await expect(api(accessToken)).rejects.toThrow(/Errors.Token.Invalid/);
    };

    const deactivated = await addMachineWithSecret(session.admin);
    const t1 = await accessTokenOf(token(deactivated.clientId, deactivated.clientSecret));
    await works(t1);
    await session.admin.deactivateUser({ id: deactivated.userId });
    await stopped(t1);

    const removed = await addMachineWithSecret(session.admin);
    const t2 = await accessTokenOf(token(removed.clientId, removed.clientSecret));
    await works(t2);
    await session.admin.removeUser({ id: removed.userId });
    await stopped(t2);

    const secretGone = await addMachineWithSecret(session.admin);
    const t3 = await accessTokenOf(token(secretGone.clientId, secretGone.clientSecret));
    await works(t3);
    await session.admin.removeMachineSecret({ userId: secretGone.userId });
    await stopped(t3);

    const keyGone: MachineWithKey = await addMachineWithKey(session.admin, { jwt: true });
    const t4 = await accessTokenOf(jwtProfile(await assertion(keyGone.keyFile, keyGone.userId, issuer)));
    await works(t4);
    await session.admin.removeMachineKey({ userId: keyGone.userId, keyId: keyGone.keyId });
    await stopped(t4);
  });
});
