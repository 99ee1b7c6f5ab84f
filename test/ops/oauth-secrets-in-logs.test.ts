/**
 * Issue 13, item 8: no token, secret, key or assertion in any log line, at the most verbose level,
 * across every OAuth endpoint, successes and refusals alike, and for an app's added secrets (issue 15).
 */
import { createPrivateKey } from "node:crypto";
import { afterAll, beforeAll, expect, test } from "vitest";
import { importPKCS8, SignJWT } from "jose";
import { createLogger } from "../../src/logger.js";
import { AppSecretService } from "../../src/gen/keygate/v1/app_secrets_pb.js";
import { keygateV1Client } from "../support/keygate-v1-client.js";
import { managementClient } from "../support/management-client.js";
import { addBasicApp, addKeyApp, addMachineWithKey, addMachineWithSecret, API_ACCESS, basicAuth, postForm, projectAudience } from "../support/oauth-fixtures.js";
import { startTestKeygate, type TestKeygate } from "../support/keygate-server.js";
import { captureLog, embedded, type LogCapture } from "./ops-support.js";

let keygate: TestKeygate;
let log: LogCapture;
const handled: string[] = [];

async function sign(keyFile: { key: string; keyId: string }, subject: string, audience: string): Promise<string> {
  const key = await importPKCS8(createPrivateKey(keyFile.key).export({ type: "pkcs8", format: "pem" }).toString(), "RS256");
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: subject, sub: subject, aud: audience, iat: now, exp: now + 600 }).setProtectedHeader({ alg: "RS256", kid: keyFile.keyId }).sign(key);
}

beforeAll(async () => {
  log = captureLog();
  keygate = await startTestKeygate(embedded, { logLevel: "trace" }, createLogger("trace", log.stream));
  const admin = managementClient(keygate.url, keygate.adminToken);
  const issuer = keygate.issuer;
  const projectId = (await admin.addProject({ name: "logged" })).id;
  const app = await addBasicApp(admin, projectId);
  const keyApp = await addKeyApp(admin, projectId);
  const user = await addMachineWithSecret(admin, { jwt: true });
  const keyUser = await addMachineWithKey(admin);
  const added = await keygateV1Client(AppSecretService, keygate.url, keygate.adminToken).addAppSecret({ projectId, appId: app.appId });
  const scope = `openid ${projectAudience(projectId)} ${API_ACCESS}`;

  const jwt = (await postForm(issuer, "/oauth/v2/token", { grant_type: "client_credentials", scope }, basicAuth(user.clientId, user.clientSecret))).body!.access_token as string;
  const grant = await sign(keyUser.keyFile, keyUser.userId, issuer);
  const opaque = (await postForm(issuer, "/oauth/v2/token", { grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion: grant, scope })).body!.access_token as string;
  const clientAssertion = await sign(keyApp.keyFile, keyApp.clientId, issuer);
  await postForm(issuer, "/oauth/v2/introspect", { token: opaque }, basicAuth(app.clientId, app.clientSecret));
  await postForm(issuer, "/oauth/v2/introspect", { token: opaque }, basicAuth(app.clientId, added.clientSecret));
  await postForm(issuer, "/oauth/v2/introspect", { token: jwt, client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", client_assertion: clientAssertion });
  await postForm(issuer, "/oauth/v2/introspect", { token: opaque }, basicAuth(app.clientId, `${app.clientSecret}-wrong`));
  await postForm(issuer, "/oauth/v2/token", { grant_type: "client_credentials" }, basicAuth(user.clientId, `${user.clientSecret}-wrong`));
  await managementClient(keygate.url, opaque).getMyOrg({});
  await managementClient(keygate.url, jwt).getMyOrg({});
  await postForm(issuer, "/oauth/v2/revoke", { token: jwt }, basicAuth(user.clientId, user.clientSecret));
  await managementClient(keygate.url, jwt).getMyOrg({}).catch(() => undefined);
  handled.push(jwt, opaque, grant, clientAssertion, app.clientSecret, added.clientSecret, user.clientSecret, keyUser.keyFile.key, keyApp.keyFile.key);
});
afterAll(() => keygate.dispose());

test("the log holds none of the tokens, secrets, keys or assertions handled", () => {
  const text = log.text();
  expect(log.lines().some((line) => String(line.method ?? "").startsWith("/oauth/v2/"))).toBe(true);
  for (const secret of handled) {
    // Whole values and any 24-character piece of them (a truncated or wrapped copy).
    const body = secret.replace(/-----[A-Z ]+-----|\s/g, "");
    expect(text.includes(body.slice(0, 24))).toBe(false);
    expect(text.includes(body.slice(-24))).toBe(false);
  }
  expect(text).not.toMatch(/PRIVATE KEY|\$sha256\$|\$2[aby]\$/);
});
