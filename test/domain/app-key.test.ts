import { describe, expect, test } from "vitest";
import { addAppKey, checkKeyAllowed, removeAppKey } from "../../src/domain/app-key.js";
import { KEY_TYPE_JSON, NO_EXPIRATION } from "../../src/domain/authn-key.js";
import { ApiAuthMethod, type AppState } from "../../src/domain/app.js";
import { expectDomainError } from "./expect-domain-error.js";

const NOW = new Date("2025-10-01T12:00:00Z");
const PUBLIC_PEM = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtest\n-----END PUBLIC KEY-----\n";
const jwtApp: AppState = { id: "app1", projectId: "p1", name: "App", state: "active", clientId: "client1", authMethod: ApiAuthMethod.PrivateKeyJwt };
const basicApp: AppState = { ...jwtApp, authMethod: ApiAuthMethod.Basic };

describe("constants", () => {
  test("no expiration is 9999-12-31T23:59:59Z and the JSON key type is 1", () => {
    expect(NO_EXPIRATION.getTime()).toBe(Date.UTC(9999, 11, 31, 23, 59, 59));
    expect(KEY_TYPE_JSON).toBe(1);
  });
});

describe("addAppKey", () => {
  test("case 62: emits project.application.oidc.key.added {applicationId,clientId,keyId,type,expirationDate,publicKey(base64)}", () => {
    const decision = addAppKey(jwtApp, { keyId: "k1", publicKeyPem: PUBLIC_PEM }, NOW);
    expect(decision.events).toStrictEqual([
      {
        aggregateType: "project",
        aggregateId: "p1",
        type: "project.application.oidc.key.added",
        payload: {
          applicationId: "app1",
          clientId: "client1",
          keyId: "k1",
          type: 1,
          expirationDate: NO_EXPIRATION.toISOString(),
          publicKey: Buffer.from(PUBLIC_PEM, "utf8").toString("base64"),
        },
      },
    ]);
    expect(decision.uniqueConstraints).toEqual([]);
  });

  test("case 62: a missing expiration becomes 9999-12-31T23:59:59Z", () => {
    const payload = addAppKey(jwtApp, { keyId: "k1", publicKeyPem: PUBLIC_PEM }, NOW).events[0]!.payload as { expirationDate: string };
    expect(new Date(payload.expirationDate).getTime()).toBe(Date.UTC(9999, 11, 31, 23, 59, 59));
  });

  test("a given future expiration is kept", () => {
    const expiration = new Date("2030-01-02T03:04:05Z");
    const payload = addAppKey(jwtApp, { keyId: "k1", publicKeyPem: PUBLIC_PEM, expiration }, NOW).events[0]!.payload as { expirationDate: string };
    expect(new Date(payload.expirationDate).getTime()).toBe(expiration.getTime());
  });

  test("the public key decodes back to the PEM; nothing private enters the event", () => {
    const decision = addAppKey(jwtApp, { keyId: "k1", publicKeyPem: PUBLIC_PEM }, NOW);
    const payload = decision.events[0]!.payload as { publicKey: string };
    expect(Buffer.from(payload.publicKey, "base64").toString("utf8")).toBe(PUBLIC_PEM);
    expect(JSON.stringify(decision)).not.toMatch(/PRIVATE/);
  });

  test("case 63: a BASIC app → FailedPrecondition COMMAND-Dff54", () => {
    expectDomainError(
      () => addAppKey(basicApp, { keyId: "k1", publicKeyPem: PUBLIC_PEM }, NOW),
      "FailedPrecondition",
      "COMMAND-Dff54",
      "Chosen Auth Method does not require a key",
    );
  });

  test("case 64: an unknown app → FailedPrecondition COMMAND-sak25", () => {
    expectDomainError(() => addAppKey(undefined, { keyId: "k1", publicKeyPem: PUBLIC_PEM }, NOW), "FailedPrecondition", "COMMAND-sak25", "Application not found");
  });

  test("case 66: an expiration in the past → InvalidArgument DOMAIN-dv3t5", () => {
    expectDomainError(
      () => addAppKey(jwtApp, { keyId: "k1", publicKeyPem: PUBLIC_PEM, expiration: new Date(NOW.getTime() - 1) }, NOW),
      "InvalidArgument",
      "DOMAIN-dv3t5",
      "Errors.AuthNKey.ExpireBeforeNow",
    );
  });

  test("case 61: an inactive JWT app can receive keys", () => {
    expect(addAppKey({ ...jwtApp, state: "inactive" }, { keyId: "k1", publicKeyPem: PUBLIC_PEM }, NOW).events).toHaveLength(1);
  });
});

describe("checkKeyAllowed", () => {
  test("returns the app when a key is allowed", () => {
    expect(checkKeyAllowed(jwtApp, undefined, NOW)).toBe(jwtApp);
    expect(checkKeyAllowed(jwtApp, new Date("2030-01-01T00:00:00Z"), NOW)).toBe(jwtApp);
  });

  test("an expiration exactly now is not before now and is allowed", () => {
    expect(checkKeyAllowed(jwtApp, new Date(NOW), NOW)).toBe(jwtApp);
  });

  test("case 64/63/66: checks run in ZITADEL's order: app, then auth method, then expiration", () => {
    const past = new Date("2000-01-01T00:00:00Z");
    expectDomainError(() => checkKeyAllowed(undefined, past, NOW), "FailedPrecondition", "COMMAND-sak25");
    expectDomainError(() => checkKeyAllowed(basicApp, past, NOW), "FailedPrecondition", "COMMAND-Dff54");
    expectDomainError(() => checkKeyAllowed(jwtApp, past, NOW), "InvalidArgument", "DOMAIN-dv3t5");
  });
});

describe("removeAppKey", () => {
  test("case 70: emits project.application.oidc.key.removed {keyId} on the project", () => {
    const decision = removeAppKey({ id: "k1", projectId: "p1", appId: "app1" });
    expect(decision.events).toStrictEqual([
      { aggregateType: "project", aggregateId: "p1", type: "project.application.oidc.key.removed", payload: { keyId: "k1" } },
    ]);
    expect(decision.uniqueConstraints).toEqual([]);
  });

  test("case 70: an unknown or removed key → NotFound COMMAND-4m77G", () => {
    expectDomainError(() => removeAppKey(undefined), "NotFound", "COMMAND-4m77G", "Application key not found");
  });
});
