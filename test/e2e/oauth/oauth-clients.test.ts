/**
 * keygate as a credential authority, driven by clients nobody here wrote (issue 13, "Done when"):
 * a service user gets a token with openid-client (client credentials) and with @zitadel/node's
 * service account (JWT profile), calls keygate's API with it, and an API app introspects it with
 * openid-client and with passport-zitadel, using its secret and its key file; jose's remote JWKS
 * verifies a JWT access token; openid-client revokes.
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createAccessTokenInterceptor, createManagementClient } from "@zitadel/node/dist/api/index.js";
import { ServiceAccount } from "@zitadel/node/dist/credentials/index.js";
import express from "express";
import { createRemoteJWKSet, importPKCS8, jwtVerify } from "jose";
import * as oidc from "openid-client";
import passport from "passport";
import { ZitadelIntrospectionStrategy } from "passport-zitadel";
import { createPrivateKey } from "node:crypto";
import { describeEachBackend } from "../../support/backends.js";
import { startAdminSession, type AdminSession } from "../../support/keygate-server.js";
import { managementClient } from "../../support/management-client.js";
import {
  addBasicApp,
  addKeyApp,
  addMachineWithKey,
  addMachineWithSecret,
  API_ACCESS,
  projectAudience,
  RESOURCE_OWNER,
  type BasicApp,
  type KeyApp,
  type MachineWithKey,
  type MachineWithSecret,
} from "../../support/oauth-fixtures.js";

/** openid-client v6 refuses http issuers unless told; keygate's test issuer is http://localhost. */
const insecure = { execute: [oidc.allowInsecureRequests] };

/** A PKCS#1 key file's private key as the CryptoKey openid-client's PrivateKeyJwt signs with. */
async function cryptoKeyOf(pkcs1Pem: string) {
  const pkcs8 = createPrivateKey(pkcs1Pem).export({ type: "pkcs8", format: "pem" }).toString();
  return importPKCS8(pkcs8, "RS256");
}

describeEachBackend("OAuth with real clients", (backend) => {
  let session: AdminSession;
  let issuer: string;
  let projectId: string;
  let basicApp: BasicApp;
  let keyApp: KeyApp;
  let secretUser: MachineWithSecret;
  let keyUser: MachineWithKey;
  let protectedApi: Server;
  let protectedUrl: string;

  beforeAll(async () => {
    session = await startAdminSession(backend);
    issuer = session.keygate.issuer;
    projectId = (await session.admin.addProject({ name: "payments" })).id;
    basicApp = await addBasicApp(session.admin, projectId);
    keyApp = await addKeyApp(session.admin, projectId);
    secretUser = await addMachineWithSecret(session.admin);
    keyUser = await addMachineWithKey(session.admin, { jwt: true });

    // A small API protected by passport-zitadel's introspection strategy, once per auth method.
    const strategies = {
      basic: await ZitadelIntrospectionStrategy.create({ authority: issuer, authorization: { type: "basic", clientId: basicApp.clientId, clientSecret: basicApp.clientSecret } }),
      key: await ZitadelIntrospectionStrategy.create({ authority: issuer, authorization: { type: "jwt-profile", profile: { ...keyApp.keyFile, type: "application" } } }),
    };
    passport.use("zitadel-basic", strategies.basic);
    passport.use("zitadel-key", strategies.key);
    const app = express();
    app.use(passport.initialize());
    for (const name of ["basic", "key"]) {
      app.get(`/${name}/me`, passport.authenticate(`zitadel-${name}`, { session: false }), (req, res) => {
        res.json({ sub: (req.user as { sub: string }).sub });
      });
    }
    protectedApi = await new Promise<Server>((resolve) => {
      const server = app.listen(0, "127.0.0.1", () => resolve(server));
    });
    protectedUrl = `http://127.0.0.1:${(protectedApi.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => protectedApi.close(resolve));
    await session.keygate.dispose();
  });

  const scope = () => ["openid", projectAudience(projectId), API_ACCESS, RESOURCE_OWNER].join(" ");

  test("openid-client: discovery, client credentials (basic and post), introspection with a secret and with a key", async () => {
    const asUser = await oidc.discovery(new URL(issuer), secretUser.clientId, undefined, oidc.ClientSecretBasic(secretUser.clientSecret), insecure);
    expect(asUser.serverMetadata().issuer).toBe(issuer);
    const tokens = await oidc.clientCredentialsGrant(asUser, { scope: scope() });
    expect(tokens.token_type).toBe("bearer");
    expect(tokens.expires_in).toBe(12 * 3600);
    expect(tokens.scope).toBe(scope());

    const asPost = await oidc.discovery(new URL(issuer), secretUser.clientId, undefined, oidc.ClientSecretPost(secretUser.clientSecret), insecure);
    expect((await oidc.clientCredentialsGrant(asPost, { scope: "openid" })).access_token).toEqual(expect.any(String));

    const bySecret = await oidc.discovery(new URL(issuer), basicApp.clientId, undefined, oidc.ClientSecretBasic(basicApp.clientSecret), insecure);
    const introspected = await oidc.tokenIntrospection(bySecret, tokens.access_token);
    const orgs = await session.admin.getMyOrg({});
    expect(introspected).toMatchObject({
      active: true,
      scope: scope(),
      client_id: secretUser.userName,
      token_type: "Bearer",
      sub: secretUser.userId,
      aud: [projectId, session.keygate.instanceId],
      iss: issuer,
      username: secretUser.userName,
      "urn:zitadel:iam:user:resourceowner:id": session.orgId,
      "urn:zitadel:iam:user:resourceowner:name": orgs.org!.name,
      "urn:zitadel:iam:user:resourceowner:primary_domain": orgs.org!.primaryDomain,
    });
    expect(introspected.exp! - introspected.iat!).toBe(12 * 3600);
    expect(introspected.nbf).toBe(introspected.iat);
    expect(introspected.jti).toMatch(/^\d+$/);

    const byKey = await oidc.discovery(new URL(issuer), keyApp.clientId, undefined, oidc.PrivateKeyJwt({ key: await cryptoKeyOf(keyApp.keyFile.key), kid: keyApp.keyId }), insecure);
    expect(await oidc.tokenIntrospection(byKey, tokens.access_token)).toMatchObject({ active: true, sub: secretUser.userId });
  });

  test("@zitadel/node: the service account's JWT profile gets a JWT access token that calls keygate's API", async () => {
    const account = ServiceAccount.fromJson(keyUser.keyFile);
    const token = await account.authenticate(issuer, { apiAccess: true, projectAudiences: [projectId] });
    expect(token.split(".")).toHaveLength(3);

    const mgmt = createManagementClient(new URL(session.keygate.url).host, createAccessTokenInterceptor(token));
    expect((await mgmt.getMyOrg({})).org?.id).toBe(session.orgId);

    // jose's remote JWKS verifies it against the keys keygate publishes.
    const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { jwks_uri: string };
    const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(discovery.jwks_uri)), { issuer, audience: projectId });
    expect(protectedHeader.alg).toBe("RS256");
    expect(payload).toMatchObject({ sub: keyUser.userId, client_id: keyUser.userId, aud: [projectId, session.keygate.instanceId] });
    expect(payload.exp! - payload.iat!).toBe(12 * 3600);

    // Introspection of the JWT, by the app's key file, as @zitadel/node's Application signs it.
    const { Application } = await import("@zitadel/node/dist/credentials/index.js");
    const assertion = await Application.fromJson(keyApp.keyFile).getSignedJwt(issuer);
    const res = await fetch(`${issuer}/oauth/v2/introspect`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", client_assertion: assertion, token }),
    });
    expect(await res.json()).toMatchObject({ active: true, sub: keyUser.userId, jti: payload.jti });
  });

  test("passport-zitadel protects a route with introspection, by the app's secret and by its key file", async () => {
    const asUser = await oidc.discovery(new URL(issuer), secretUser.clientId, undefined, oidc.ClientSecretBasic(secretUser.clientSecret), insecure);
    const forProject = (await oidc.clientCredentialsGrant(asUser, { scope: `openid ${projectAudience(projectId)}` })).access_token;
    const notForProject = (await oidc.clientCredentialsGrant(asUser, { scope: "openid" })).access_token;
    for (const method of ["basic", "key"]) {
      const ok = await fetch(`${protectedUrl}/${method}/me`, { headers: { authorization: `Bearer ${forProject}` } });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ sub: secretUser.userId });
      // A token not meant for the app's project is inactive for it, as in ZITADEL.
      expect((await fetch(`${protectedUrl}/${method}/me`, { headers: { authorization: `Bearer ${notForProject}` } })).status).toBe(401);
      expect((await fetch(`${protectedUrl}/${method}/me`, { headers: { authorization: "Bearer not-a-token" } })).status).toBe(401);
      expect((await fetch(`${protectedUrl}/${method}/me`)).status).toBe(401);
    }
  });

  test("openid-client revokes its own token: introspection then says inactive and the API refuses it", async () => {
    const asUser = await oidc.discovery(new URL(issuer), secretUser.clientId, undefined, oidc.ClientSecretBasic(secretUser.clientSecret), insecure);
    const token = (await oidc.clientCredentialsGrant(asUser, { scope: scope() })).access_token;
    const api = managementClient(session.keygate.url, token);
    expect((await api.getMyOrg({})).org?.id).toBe(session.orgId);
    await oidc.tokenRevocation(asUser, token);
    const bySecret = await oidc.discovery(new URL(issuer), basicApp.clientId, undefined, oidc.ClientSecretBasic(basicApp.clientSecret), insecure);
    expect(await oidc.tokenIntrospection(bySecret, token)).toEqual({ active: false });
    // At once: the revocation clears the API's auth memory in this process as a write RPC does.
    await expect(api.getMyOrg({})).rejects.toThrow(/Errors.Token.Invalid/);
  });
});
