/**
 * App keys, service users' keys and client assertions expire at the OAuth endpoints by the same
 * injectable clock as app secrets (startKeygate's runtime `now`): the test moves that clock past a
 * key's expiry, no sleeping. The assertions are signed at the real time and live an hour, so they are
 * valid by either clock half an hour on: only the endpoints' clock can make the key's expiry refuse them.
 */
import { createPrivateKey } from "node:crypto";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { importPKCS8, SignJWT } from "jose";
import { AppAccessService } from "../../../src/gen/keygate/v1/app_roles_pb.js";
import { uniqueName } from "../../support/auth-fixtures.js";
import { describeEachBackend } from "../../support/backends.js";
import { startAdminSession, type AdminSession } from "../../support/keygate-server.js";
import { keygateV1Client } from "../../support/keygate-v1-client.js";
import { addKeyApp, addMachineWithKey, postForm, projectAudience, type KeyApp, type OAuthAnswer } from "../../support/oauth-fixtures.js";
import { testClock } from "../../support/test-clock.js";

const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const MINUTE = 60_000;

/** An assertion of `subject` signed with a key file's key, issued at the real time, living an hour. */
async function assertion(keyFile: { key: string; keyId: string }, subject: string, audience: string): Promise<string> {
  const key = await importPKCS8(createPrivateKey(keyFile.key).export({ type: "pkcs8", format: "pem" }).toString(), "RS256");
  return new SignJWT({}).setProtectedHeader({ alg: "RS256", kid: keyFile.keyId }).setIssuer(subject).setSubject(subject).setAudience(audience).setIssuedAt().setExpirationTime("1h").sign(key);
}

describeEachBackend("key expiry by the endpoints' clock", (backend) => {
  let session: AdminSession;
  let issuer: string;
  let projectId: string;
  const clock = testClock();

  beforeAll(async () => {
    session = await startAdminSession(backend, {}, { now: clock.now });
    issuer = session.keygate.issuer;
    projectId = (await session.admin.addProject({ name: uniqueName("key-clock") })).id;
  });
  afterAll(() => session?.keygate.dispose());
  afterEach(() => {
    clock.reset();
  });

  const asApp = async (app: KeyApp) => ({ client_assertion_type: ASSERTION_TYPE, client_assertion: await assertion(app.keyFile, app.clientId, issuer) });
  const introspect = async (app: KeyApp) => postForm(issuer, "/oauth/v2/introspect", { token: "t", ...(await asApp(app)) });
  const appToken = async (app: KeyApp) => postForm(issuer, "/oauth/v2/token", { grant_type: "client_credentials", ...(await asApp(app)) });
  const expectInvalidClient = (answer: OAuthAnswer) => {
    expect([answer.status, answer.body?.error]).toEqual([401, "invalid_client"]);
    expect(answer.headers.get("www-authenticate")).toMatch(/^Basic/);
  };

  async function tokenKeyApp(expirationDate?: Date): Promise<KeyApp> {
    const app = await addKeyApp(session.admin, projectId, expirationDate);
    await keygateV1Client(AppAccessService, session.keygate.url, session.keygate.adminToken).setAppClientCredentials({ projectId, appId: app.appId, enabled: true });
    return app;
  }

  test("a new key's expiry must lie ahead of keygate's clock, not the system's: app and machine keys alike", async () => {
    clock.advance(30 * MINUTE);
    const inTenMinutes = new Date(Date.now() + 10 * MINUTE);
    const pastByTheClock = /Errors.AuthNKey.ExpireBeforeNow \(DOMAIN-dv3t5\)/;
    await expect(addKeyApp(session.admin, projectId, inTenMinutes)).rejects.toThrow(pastByTheClock);
    await expect(addMachineWithKey(session.admin, { expirationDate: inTenMinutes })).rejects.toThrow(pastByTheClock);
    const ahead = new Date(Date.now() + 40 * MINUTE);
    expect((await addKeyApp(session.admin, projectId, ahead)).keyId).toMatch(/^\d+$/);
    expect((await addMachineWithKey(session.admin, { expirationDate: ahead })).keyId).toMatch(/^\d+$/);
  });

  test("an app key past its expiry by the test clock: introspection and the token endpoint are 401 invalid_client; an unexpired key goes on", async () => {
    const expiring = await tokenKeyApp(new Date(Date.now() + 10 * MINUTE));
    const lasting = await tokenKeyApp();
    expect((await introspect(expiring)).body).toEqual({ active: false });
    expect((await appToken(expiring)).status).toBe(200);
    clock.advance(30 * MINUTE);
    expectInvalidClient(await introspect(expiring));
    expectInvalidClient(await appToken(expiring));
    expect((await introspect(lasting)).body).toEqual({ active: false });
    expect((await appToken(lasting)).status).toBe(200);
    // Assertions expire by the same clock (a remembered one included): two hours on, the lasting key's is refused too.
    const remembered = await asApp(lasting);
    expect((await postForm(issuer, "/oauth/v2/introspect", { token: "t", ...remembered })).status).toBe(200);
    clock.advance(90 * MINUTE); // two hours on
    expectInvalidClient(await postForm(issuer, "/oauth/v2/introspect", { token: "t", ...remembered }));
  });

  test("a service user's key past its expiry by the test clock: the JWT profile grant is invalid_grant, revocation invalid_client; an unexpired key goes on", async () => {
    const expiring = await addMachineWithKey(session.admin, { expirationDate: new Date(Date.now() + 10 * MINUTE) });
    const lasting = await addMachineWithKey(session.admin);
    const grant = async (user: typeof expiring) => postForm(issuer, "/oauth/v2/token", { grant_type: JWT_BEARER, scope: projectAudience(projectId), assertion: await assertion(user.keyFile, user.userId, issuer) });
    const issued = await grant(expiring);
    expect(issued.status).toBe(200);
    clock.advance(30 * MINUTE);
    const refused = await grant(expiring);
    expect([refused.status, refused.body?.error, refused.body?.error_description]).toEqual([400, "invalid_grant", "the assertion's key does not exist or has expired"]);
    expectInvalidClient(
      await postForm(issuer, "/oauth/v2/revoke", { token: issued.body!.access_token as string, client_assertion_type: ASSERTION_TYPE, client_assertion: await assertion(expiring.keyFile, expiring.userId, issuer) }),
    );
    expect((await grant(lasting)).status).toBe(200);
  });
});
