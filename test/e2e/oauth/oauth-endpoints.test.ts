/**
 * Discovery, JWKS and the form handling every OAuth endpoint shares (issue 13, items 2 and 8):
 * the issuer exactly as KEYGATE_EXTERNAL_URL says, only the grants keygate serves, 413 before
 * anything else, RFC 6749 §5.2 errors, and failed client authentications counted in /metrics.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { describeEachBackend } from "../../support/backends.js";
import { startTestKeygate, type TestKeygate } from "../../support/keygate-server.js";
import { basicAuth, postForm } from "../../support/oauth-fixtures.js";
import { metricValue } from "../../ops/ops-support.js";

describeEachBackend("OAuth discovery, JWKS and forms", (backend) => {
  let keygate: TestKeygate;
  let issuer: string;

  beforeAll(async () => {
    keygate = await startTestKeygate(backend);
    issuer = keygate.issuer;
  });
  afterAll(() => keygate.dispose());

  test("the issuer defaults to http://localhost:$PORT", () => {
    expect(issuer).toBe(`http://localhost:${keygate.port}`);
  });

  test("discovery names ZITADEL's endpoints under the issuer and only what keygate serves", async () => {
    const res = await fetch(`${issuer}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const doc = (await res.json()) as Record<string, unknown>;
    expect(doc).toMatchObject({
      issuer,
      token_endpoint: `${issuer}/oauth/v2/token`,
      introspection_endpoint: `${issuer}/oauth/v2/introspect`,
      revocation_endpoint: `${issuer}/oauth/v2/revoke`,
      jwks_uri: `${issuer}/oauth/v2/keys`,
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "private_key_jwt"],
      introspection_endpoint_auth_methods_supported: ["client_secret_basic", "private_key_jwt"],
      introspection_endpoint_auth_signing_alg_values_supported: ["RS256"],
      id_token_signing_alg_values_supported: ["RS256"],
    });
    expect(doc.grant_types_supported).toEqual(["client_credentials", "urn:ietf:params:oauth:grant-type:jwt-bearer"]);
    expect(doc.scopes_supported).toEqual(expect.arrayContaining(["openid", "profile", "urn:zitadel:iam:org:project:id:zitadel:aud", "urn:zitadel:iam:user:resourceowner"]));
    expect(doc).not.toHaveProperty("authorization_endpoint");
  });

  test("the JWKS is a JSON key set (empty until the first JWT is signed)", async () => {
    const res = await fetch(`${issuer}/oauth/v2/keys`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ keys: expect.any(Array) });
  });

  test("a body over 64 KiB is 413 before the content type or the client is looked at", async () => {
    for (const path of ["/oauth/v2/token", "/oauth/v2/introspect", "/oauth/v2/revoke"]) {
      const res = await fetch(`${issuer}${path}`, { method: "POST", headers: { "content-type": "text/plain" }, body: "x".repeat(64 * 1024 + 1) });
      expect(res.status).toBe(413);
      expect(await res.json()).toEqual({ error: "invalid_request", error_description: expect.stringContaining("65536") });
    }
    // Exactly 64 KiB is read (and then refused for what it says).
    const atLimit = await fetch(`${issuer}/oauth/v2/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `grant_type=x&pad=${"x".repeat(64 * 1024 - 17)}` });
    expect(atLimit.status).toBe(400);
    expect(await atLimit.json()).toMatchObject({ error: "unsupported_grant_type" });
  });

  test("a body that is not a form, or repeats a parameter, is invalid_request", async () => {
    const json = await fetch(`${issuer}/oauth/v2/token`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"grant_type":"client_credentials"}' });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: "invalid_request" });
    const twice = await postForm(issuer, "/oauth/v2/token", {}, undefined);
    expect(twice.body).toMatchObject({ error: "invalid_request", error_description: "grant_type missing" });
    const res = await fetch(`${issuer}/oauth/v2/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "grant_type=client_credentials&grant_type=client_credentials" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "invalid_request", error_description: expect.stringContaining("more than once") });
  });

  test("grants keygate does not serve are unsupported_grant_type", async () => {
    for (const grant of ["authorization_code", "password", "implicit", "refresh_token"]) {
      const answer = await postForm(issuer, "/oauth/v2/token", { grant_type: grant });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ error: "unsupported_grant_type" });
      expect(answer.headers.get("cache-control")).toBe("no-store");
    }
  });

  test("GET on a form endpoint is 405", async () => {
    const res = await fetch(`${issuer}/oauth/v2/token`);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
  });

  test("a failed client authentication is 401 invalid_client with a challenge, and counted per endpoint", async () => {
    const before = (await metricValue(keygate.url, "keygate_oauth_client_auth_failures_total", { endpoint: "introspect" })) ?? 0;
    const answers = [
      await postForm(issuer, "/oauth/v2/introspect", { token: "t" }),
      await postForm(issuer, "/oauth/v2/introspect", { token: "t" }, basicAuth("nobody", "nothing")),
      await postForm(issuer, "/oauth/v2/introspect", { token: "t" }, "Basic !!!"),
      await postForm(issuer, "/oauth/v2/introspect", { token: "t", client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", client_assertion: "not.a.jwt" }),
      await postForm(issuer, "/oauth/v2/introspect", { token: "t", client_id: "nobody", client_secret: "nothing" }),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ error: "invalid_client" });
      expect(answer.headers.get("www-authenticate")).toMatch(/^Basic realm="keygate"/);
    }
    expect(await metricValue(keygate.url, "keygate_oauth_client_auth_failures_total", { endpoint: "introspect" })).toBe(before + answers.length);
    const token = await postForm(issuer, "/oauth/v2/token", { grant_type: "client_credentials" }, basicAuth("nobody", "nothing"));
    expect(token.status).toBe(401);
    expect(await metricValue(keygate.url, "keygate_oauth_client_auth_failures_total", { endpoint: "token" })).toBe(1);
  });

  test("two client authentication methods at once are invalid_request", async () => {
    const answer = await postForm(issuer, "/oauth/v2/introspect", { token: "t", client_id: "a", client_secret: "b" }, basicAuth("a", "b"));
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: "invalid_request" });
  });
});

describeEachBackend("KEYGATE_EXTERNAL_URL", (backend) => {
  let keygate: TestKeygate;
  beforeAll(async () => {
    keygate = await startTestKeygate(backend, { externalUrl: "https://auth.example.test/keygate" });
  });
  afterAll(() => keygate.dispose());

  test("is the issuer and the base of every endpoint, exactly as written", async () => {
    const doc = (await (await fetch(`${keygate.url}/.well-known/openid-configuration`)).json()) as Record<string, string>;
    expect(doc.issuer).toBe("https://auth.example.test/keygate");
    expect(doc.token_endpoint).toBe("https://auth.example.test/keygate/oauth/v2/token");
    expect(doc.jwks_uri).toBe("https://auth.example.test/keygate/oauth/v2/keys");
  });
});
