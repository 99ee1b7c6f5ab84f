import { generateKeyPairSync } from "node:crypto";
import { describe, expect, test } from "vitest";
import { addMachineKey, checkMachineKeyAllowed, parseRsaPublicKey, removeMachineKey } from "../../src/domain/machine-key.js";
import { removeMachineSecret, setMachineSecret } from "../../src/domain/machine-secret.js";
import { AccessTokenType, type MachineUserState } from "../../src/domain/user.js";
import { expectDomainError } from "./expect-domain-error.js";

const NOW = new Date("2025-10-01T12:00:00Z");
const user: MachineUserState = {
  id: "u1",
  owner: "o1",
  userName: "svc",
  state: "active",
  name: "Service",
  description: "",
  accessTokenType: AccessTokenType.Bearer,
  hasSecret: false,
};
const onUser = (type: string, payload: unknown) => ({ aggregateType: "user", aggregateId: "u1", type, payload });
const { publicKey: rsaPublicPem } = generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });

describe("machine secrets", () => {
  test("setMachineSecret emits user.machine.secret.set {hashedSecret}, for active and inactive users, with or without a secret before", () => {
    for (const state of [user, { ...user, state: "inactive" as const }, { ...user, hasSecret: true }]) {
      expect(setMachineSecret(state, "$sha256$s$d").events).toStrictEqual([onUser("user.machine.secret.set", { hashedSecret: "$sha256$s$d" })]);
    }
  });

  test("removeMachineSecret emits user.machine.secret.removed with no payload; without a secret → FailedPrecondition COMMAND-coi82n", () => {
    expect(removeMachineSecret({ ...user, hasSecret: true }).events).toStrictEqual([onUser("user.machine.secret.removed", null)]);
    expectDomainError(() => removeMachineSecret(user), "FailedPrecondition", "COMMAND-coi82n", "Secret doesn't exist");
  });

  test("an unknown user (or one of another org) → NotFound", () => {
    expectDomainError(() => setMachineSecret(undefined, "h"), "NotFound", "COMMAND-x8910n", "User could not be found");
    expectDomainError(() => removeMachineSecret(undefined), "NotFound", "COMMAND-x7s802", "User could not be found");
  });
});

describe("machine keys", () => {
  test("addMachineKey emits user.machine.key.added {keyId, type JSON, expirationDate, publicKey as base64 of the PEM}", () => {
    const expiration = new Date("2030-01-01T00:00:00Z");
    const decision = addMachineKey(user, { keyId: "k1", publicKeyPem: rsaPublicPem, expiration }, NOW);
    expect(decision.events).toStrictEqual([
      onUser("user.machine.key.added", {
        keyId: "k1",
        type: 1,
        expirationDate: "2030-01-01T00:00:00.000Z",
        publicKey: Buffer.from(rsaPublicPem).toString("base64"),
      }),
    ]);
  });

  test("no expiration means 9999-12-31T23:59:59Z", () => {
    const payload = addMachineKey(user, { keyId: "k1", publicKeyPem: rsaPublicPem }, NOW).events[0]!.payload as { expirationDate: string };
    expect(payload.expirationDate).toBe("9999-12-31T23:59:59.000Z");
  });

  test("an expiration in the past → InvalidArgument DOMAIN-dv3t5, checked before the user (as ZITADEL); an unknown user → NotFound", () => {
    const past = new Date(NOW.getTime() - 1);
    expectDomainError(() => checkMachineKeyAllowed(undefined, past, NOW), "InvalidArgument", "DOMAIN-dv3t5", "Errors.AuthNKey.ExpireBeforeNow");
    expectDomainError(() => addMachineKey(user, { keyId: "k1", publicKeyPem: rsaPublicPem, expiration: past }, NOW), "InvalidArgument", "DOMAIN-dv3t5");
    expectDomainError(() => checkMachineKeyAllowed(undefined, undefined, NOW), "NotFound", "COMMAND-bnipwm1", "User could not be found");
    expect(checkMachineKeyAllowed(user, NOW, NOW)).toBe(user);
  });

  test("removeMachineKey emits user.machine.key.removed {keyId}; an unknown key → NotFound COMMAND-4m77G", () => {
    expect(removeMachineKey({ id: "k1", userId: "u1" }).events).toStrictEqual([onUser("user.machine.key.removed", { keyId: "k1" })]);
    expectDomainError(() => removeMachineKey(undefined), "NotFound", "COMMAND-4m77G", "Machine key not found");
  });

  test("a caller's own RSA public key is taken as SPKI or PKCS#1 PEM and stored as SPKI PEM", () => {
    expect(parseRsaPublicKey(rsaPublicPem)).toBe(rsaPublicPem);
    const { publicKey: pkcs1 } = generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "pkcs1", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });
    expect(parseRsaPublicKey(pkcs1)).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
  });

  test.each([
    ["not PEM", "hello"],
    ["an EC key", generateKeyPairSync("ec", { namedCurve: "P-256", publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } }).publicKey],
    ["a private key", generateKeyPairSync("rsa", { modulusLength: 1024, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } }).privateKey],
  ])("%s → InvalidArgument COMMAND-5F3h1", (_name, pem) => {
    expectDomainError(() => parseRsaPublicKey(pem), "InvalidArgument", "COMMAND-5F3h1", "Public key is not a valid RSA public key in PKIX format with PEM encoding");
  });
});
