/**
 * What taking a service user's credential away means for the tokens issued with it (issue 13, item 4):
 * removing its secret, replacing it with a new one, removing one of its keys, deactivating or removing
 * the user stop those tokens at once in the process that made the change (keygate's own API answers
 * Unauthenticated, introspection `{"active":false}`), and leave the tokens of its other credentials.
 */
import { createPrivateKey } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Code } from "@connectrpc/connect";
import { SignJWT } from "jose";
import { describeEachBackend } from "../../support/backends.js";
import { expectError } from "../../support/expect-error.js";
import { startTestKeygate, type TestKeygate } from "../../support/keygate-server.js";
import { managementClient, type ManagementClient } from "../../support/management-client.js";
import { uniqueName } from "../../support/auth-fixtures.js";
import {
  addBasicApp,
  addMachineWithKey,
  addMachineWithSecret,
  API_ACCESS,
  basicAuth,
  postForm,
  projectAudience,
  type BasicApp,
  type MachineKeyFile,
} from "../../support/oauth-fixtures.js";

const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";

describeEachBackend("service user credentials taken away stop their tokens", (backend) => {
  let keygate: TestKeygate;
  let issuer: string;
  let admin: ManagementClient;
  let introspector: BasicApp;
  let scope: string;

  beforeAll(async () => {
    keygate = await startTestKeygate(backend);
    issuer = keygate.issuer;
    const orgId = (await managementClient(keygate.url, keygate.adminToken).addOrg({ name: uniqueName("removal-org") })).id;
    admin = managementClient(keygate.url, keygate.adminToken, orgId);
    const projectId = (await admin.addProject({ name: uniqueName("removal-project") })).id;
    introspector = await addBasicApp(admin, projectId);
    scope = `openid ${API_ACCESS} ${projectAudience(projectId)}`;
  });
  afterAll(() => keygate?.dispose());

  async function tokenWithSecret(clientId: string, clientSecret: string): Promise<string> {
    const res = await postForm(issuer, "/oauth/v2/token", { grant_type: "client_credentials", scope }, basicAuth(clientId, clientSecret));
    expect(res.status).toBe(200);
    return res.body!.access_token as string;
  }

  /** A JWT profile assertion signed with the key file, as ZITADEL's SDKs make it (no jti). */
  async function tokenWithKey(file: MachineKeyFile): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: "RS256", kid: file.keyId })
      .setIssuer(file.userId)
      .setSubject(file.userId)
      .setAudience(issuer)
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(createPrivateKey(file.key));
    const res = await postForm(issuer, "/oauth/v2/token", { grant_type: JWT_BEARER, assertion, scope });
    expect(res.status).toBe(200);
    return res.body!.access_token as string;
  }

  const introspect = async (token: string) =>
    (await postForm(issuer, "/oauth/v2/introspect", { token }, basicAuth(introspector.clientId, introspector.clientSecret))).body!;

  async function expectWorks(token: string): Promise<void> {
    expect((await managementClient(keygate.url, token).getMyOrg({})).org?.id).toBeDefined();
    expect(await introspect(token)).toMatchObject({ active: true });
  }
  async function expectStopped(token: string): Promise<void> {
    await expectError(managementClient(keygate.url, token).getMyOrg({}), Code.Unauthenticated);
    expect(await introspect(token)).toEqual({ active: false });
  }

  describe.each([
    ["opaque", false],
    ["JWT", true],
  ])("%s access tokens", (_kind, jwt) => {
    test("RemoveMachineSecret stops the tokens issued with the secret, not those issued with the user's key; the grant then fails", async () => {
      const user = await addMachineWithSecret(admin, { jwt });
      const { keyDetails } = await admin.addMachineKey({ userId: user.userId, type: 1 });
      const bySecret = await tokenWithSecret(user.clientId, user.clientSecret);
      const byKey = await tokenWithKey(JSON.parse(new TextDecoder().decode(keyDetails)) as MachineKeyFile);
      await expectWorks(bySecret);
      await admin.removeMachineSecret({ userId: user.userId });
      await expectStopped(bySecret);
      await expectWorks(byKey);
      const refused = await postForm(issuer, "/oauth/v2/token", { grant_type: "client_credentials", scope }, basicAuth(user.clientId, user.clientSecret));
      expect([refused.status, refused.body?.error]).toEqual([401, "invalid_client"]);
    });

    test("a new secret replaces the old one: tokens of the old secret stop, the new one gets tokens that work", async () => {
      const user = await addMachineWithSecret(admin, { jwt });
      const old = await tokenWithSecret(user.clientId, user.clientSecret);
      const { clientSecret } = await admin.generateMachineSecret({ userId: user.userId });
      await expectStopped(old);
      await expectWorks(await tokenWithSecret(user.clientId, clientSecret));
    });

    test("RemoveMachineKey stops the tokens issued with that key, not those of the user's other key", async () => {
      const user = await addMachineWithKey(admin, { jwt });
      const other = await admin.addMachineKey({ userId: user.userId, type: 1 });
      const byRemoved = await tokenWithKey(user.keyFile);
      const byOther = await tokenWithKey(JSON.parse(new TextDecoder().decode(other.keyDetails)) as MachineKeyFile);
      await admin.removeMachineKey({ userId: user.userId, keyId: user.keyId });
      await expectStopped(byRemoved);
      await expectWorks(byOther);
    });

    test("deactivating the user stops all its tokens; removing it too", async () => {
      const user = await addMachineWithSecret(admin, { jwt });
      const deactivated = await tokenWithSecret(user.clientId, user.clientSecret);
      await admin.deactivateUser({ id: user.userId });
      await expectStopped(deactivated);
      await admin.reactivateUser({ id: user.userId });
      const removed = await tokenWithSecret(user.clientId, user.clientSecret);
      await admin.removeUser({ id: user.userId });
      await expectStopped(removed);
    });
  });
});
