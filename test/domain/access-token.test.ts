import { describe, expect, test } from "vitest";
import { requireCredentialHolds } from "../../src/domain/access-token.js";
import { expectDomainError } from "./expect-domain-error.js";

const NOW = new Date("2026-01-01T00:00:00Z");
const later = new Date(NOW.getTime() + 1000);

describe("requireCredentialHolds", () => {
  test("a token is recorded while the user is active and its secret is the one verified, or its key is there and unexpired", () => {
    expect(() => requireCredentialHolds({ kind: "secret", secretHash: "h1" }, { userActive: true, secretHash: "h1" }, NOW)).not.toThrow();
    expect(() => requireCredentialHolds({ kind: "key", keyId: "k" }, { userActive: true, keyExpiration: later }, NOW)).not.toThrow();
  });

  test.each([
    ["the secret was replaced", { kind: "secret" as const, secretHash: "h1" }, { userActive: true, secretHash: "h2" }],
    ["the secret was removed", { kind: "secret" as const, secretHash: "h1" }, { userActive: true }],
    ["the key was removed", { kind: "key" as const, keyId: "k" }, { userActive: true, secretHash: "h1" }],
    ["the key expired", { kind: "key" as const, keyId: "k" }, { userActive: true, keyExpiration: NOW }],
    ["the user was deactivated", { kind: "secret" as const, secretHash: "h1" }, { userActive: false, secretHash: "h1" }],
    ["the user was removed", { kind: "secret" as const, secretHash: "h1" }, undefined],
  ])("%s → Unauthenticated OIDC-cr3dG", (_name, credential, state) => {
    expectDomainError(() => requireCredentialHolds(credential, state, NOW), "Unauthenticated", "OIDC-cr3dG");
  });
});
