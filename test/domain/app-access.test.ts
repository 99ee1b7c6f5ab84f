import { describe, expect, test } from "vitest";
import { credentialGone } from "../../src/domain/access-token.js";
import { addAppRoles, removeAppRole, setAppClientCredentials, type AppAccessState } from "../../src/domain/app-access.js";
import { issueAppAccessToken, requireAppCredentialHolds, type AppCredentialState } from "../../src/domain/app-access-token.js";
import { ApiAuthMethod, type AppState } from "../../src/domain/app.js";
import { roleClaims } from "../../src/domain/project-role-claims.js";
import { AccessTokenType } from "../../src/domain/user.js";
import { expectDomainError } from "./expect-domain-error.js";

const app: AppState = { id: "a1", projectId: "p1", name: "api", state: "active", clientId: "c1", authMethod: ApiAuthMethod.Basic };
const access: AppAccessState = { app, roleKeys: ["reader"], clientCredentials: false, accessTokenType: AccessTokenType.Bearer };
const projectRoles = new Set(["reader", "writer", "admin"]);
const onProject = (type: string, payload: unknown) => ({ aggregateType: "project", aggregateId: "p1", type, payload });

describe("addAppRoles", () => {
  test("one keygate event per key, in the order given", () => {
    expect(addAppRoles(access, projectRoles, ["writer", "admin"])).toStrictEqual({
      events: [
        onProject("keygate.app.role.added", { appId: "a1", roleKey: "writer" }),
        onProject("keygate.app.role.added", { appId: "a1", roleKey: "admin" }),
      ],
      uniqueConstraints: [],
    });
  });

  test("every refusal names the field and the key; nothing is decided", () => {
    expectDomainError(() => addAppRoles(access, projectRoles, []), "InvalidArgument", "APPACCESS-r01", "role_keys: at least one role key is required");
    expectDomainError(() => addAppRoles(access, projectRoles, Array.from({ length: 101 }, (_, i) => `r${i}`)), "InvalidArgument", "APPACCESS-r02");
    expectDomainError(() => addAppRoles(access, projectRoles, ["writer", ""]), "InvalidArgument", "APPACCESS-r03", "role_keys[1]: a role key must not be empty");
    expectDomainError(() => addAppRoles(access, projectRoles, ["writer", "writer"]), "InvalidArgument", "APPACCESS-r04", 'role_keys[1]: "writer" is given twice');
    expectDomainError(
      () => addAppRoles(access, projectRoles, ["writer", "Admin"]),
      "FailedPrecondition",
      "APPACCESS-r05",
      `role_keys[1]: "Admin" is not a role of the app's project`,
    );
    expectDomainError(() => addAppRoles(access, projectRoles, ["admin", "reader"]), "AlreadyExists", "APPACCESS-r06", 'role_keys[1]: the app holds "reader" already');
    expectDomainError(() => addAppRoles(undefined, projectRoles, ["reader"]), "NotFound", "COMMAND-2n8uU");
  });
});

describe("removeAppRole", () => {
  test("a held role goes by one event; one not held is NotFound naming role_key", () => {
    expect(removeAppRole(access, "reader").events).toStrictEqual([onProject("keygate.app.role.removed", { appId: "a1", roleKey: "reader" })]);
    expectDomainError(() => removeAppRole(access, "writer"), "NotFound", "APPACCESS-r08", 'role_key: the app does not hold "writer"');
    expectDomainError(() => removeAppRole(access, ""), "InvalidArgument", "APPACCESS-r07");
    expectDomainError(() => removeAppRole(undefined, "reader"), "NotFound", "COMMAND-2n8uU");
  });
});

describe("setAppClientCredentials", () => {
  test("on with a JWT type, off again; the bearer type (zero) is left out of the payload", () => {
    expect(setAppClientCredentials(access, { enabled: true, accessTokenType: AccessTokenType.Jwt }).events).toStrictEqual([
      onProject("keygate.app.client_credentials.set", { appId: "a1", enabled: true, accessTokenType: 1 }),
    ]);
    const on = { ...access, clientCredentials: true };
    expect(setAppClientCredentials(on, { enabled: false, accessTokenType: AccessTokenType.Bearer }).events).toStrictEqual([
      onProject("keygate.app.client_credentials.set", { appId: "a1", enabled: false }),
    ]);
  });

  test("no change is FailedPrecondition naming client_credentials; a missing app NotFound", () => {
    expectDomainError(() => setAppClientCredentials(access, { enabled: false, accessTokenType: AccessTokenType.Bearer }), "FailedPrecondition", "APPACCESS-c01", "client_credentials: no changes");
    expectDomainError(() => setAppClientCredentials(undefined, { enabled: true, accessTokenType: AccessTokenType.Bearer }), "NotFound", "COMMAND-2n8uU");
  });
});

describe("requireAppCredentialHolds", () => {
  const now = new Date("2026-12-01T00:00:00Z");
  const basic: AppCredentialState = { active: true, clientCredentials: true, authMethod: ApiAuthMethod.Basic, liveSecretIds: ["h1", "h2"] };
  const keyed: AppCredentialState = { active: true, clientCredentials: true, authMethod: ApiAuthMethod.PrivateKeyJwt, liveSecretIds: [], keyExpiration: new Date("2027-01-01T00:00:00Z") };
  const gone = (fn: () => void) => expect(fn).toThrow(credentialGone().message);

  test("holds for any live secret of a BASIC app, and for an unexpired key of a key app", () => {
    expect(() => requireAppCredentialHolds({ kind: "secret", secretId: "h2" }, basic, now)).not.toThrow();
    expect(() => requireAppCredentialHolds({ kind: "key", keyId: "k" }, keyed, now)).not.toThrow();
  });

  test("refused: app gone or inactive, setting off, secret replaced, wrong auth method, key gone or expired", () => {
    gone(() => requireAppCredentialHolds({ kind: "secret", secretId: "h1" }, undefined, now));
    gone(() => requireAppCredentialHolds({ kind: "secret", secretId: "h1" }, { ...basic, active: false }, now));
    gone(() => requireAppCredentialHolds({ kind: "secret", secretId: "h1" }, { ...basic, clientCredentials: false }, now));
    gone(() => requireAppCredentialHolds({ kind: "secret", secretId: "h3" }, basic, now));
    gone(() => requireAppCredentialHolds({ kind: "secret", secretId: "h1" }, { ...basic, authMethod: ApiAuthMethod.PrivateKeyJwt }, now));
    gone(() => requireAppCredentialHolds({ kind: "key", keyId: "k" }, { ...keyed, keyExpiration: undefined }, now));
    gone(() => requireAppCredentialHolds({ kind: "key", keyId: "k" }, { ...keyed, keyExpiration: now }, now));
    gone(() => requireAppCredentialHolds({ kind: "key", keyId: "k" }, { ...keyed, authMethod: ApiAuthMethod.Basic }, now));
  });
});

test("issueAppAccessToken: one oidc_session event with the app, its project, the credential kind and, for opaque tokens, the digest", () => {
  const issuedAt = new Date("2026-12-01T00:00:00Z");
  const expiresAt = new Date("2026-12-01T12:00:00Z");
  const token = { id: "t1", appId: "a1", projectId: "p1", clientId: "c1", audience: ["p1"], scopes: ["openid"], issuedAt, expiresAt };
  expect(issueAppAccessToken({ ...token, type: "bearer", digest: "d", credential: { kind: "secret", secretId: "h" } }).events).toStrictEqual([
    {
      aggregateType: "oidc_session",
      aggregateId: "t1",
      type: "keygate.app.token.added",
      payload: {
        appId: "a1",
        projectId: "p1",
        clientID: "c1",
        audience: ["p1"],
        scope: ["openid"],
        authMethods: ["password"],
        authTime: issuedAt.toISOString(),
        expiration: expiresAt.toISOString(),
        tokenType: "bearer",
        tokenDigest: "d",
        secretID: "h",
      },
    },
  ]);
  const byKey = issueAppAccessToken({ ...token, type: "jwt", credential: { kind: "key", keyId: "k1" } }).events[0]!.payload;
  expect(byKey).toMatchObject({ authMethods: ["private_key"], tokenType: "jwt", keyID: "k1" });
  expect(byKey).not.toHaveProperty("tokenDigest");
  expect(byKey).not.toHaveProperty("secretID");
});

test("roleClaims: ZITADEL's shape under both claim names, none without roles", () => {
  const roles = { reader: { o1: "o1.example" }, writer: { o1: "o1.example" } };
  expect(roleClaims("p1", ["reader", "writer"], { orgId: "o1", primaryDomain: "o1.example" })).toStrictEqual({
    "urn:zitadel:iam:org:project:roles": roles,
    "urn:zitadel:iam:org:project:p1:roles": roles,
  });
  expect(roleClaims("p1", [], { orgId: "o1", primaryDomain: "o1.example" })).toStrictEqual({});
});
