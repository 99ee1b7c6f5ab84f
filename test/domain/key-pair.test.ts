import { createPrivateKey, createPublicKey, sign, verify } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { APP_KEY_BITS, appKeyFile, generateRsaKeyPair, machineKeyFile, type RsaKeyPair } from "../../src/domain/key-pair.js";

let pair: RsaKeyPair;

beforeAll(async () => {
  pair = await generateRsaKeyPair();
});

describe("generateRsaKeyPair", () => {
  test("case 62: the key is 2048-bit RSA", () => {
    expect(APP_KEY_BITS).toBe(2048);
    const privateKey = createPrivateKey(pair.privateKeyPem);
    expect(privateKey.asymmetricKeyType).toBe("rsa");
    expect(privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(createPublicKey(pair.publicKeyPem).asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  test("case 62: the private key PEM is PKCS#1 ('RSA PRIVATE KEY')", () => {
    expect(pair.privateKeyPem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END RSA PRIVATE KEY-----\n$/);
    expect(() => createPrivateKey({ key: pair.privateKeyPem, format: "pem", type: "pkcs1" })).not.toThrow();
  });

  test("the public key PEM is SPKI ('PUBLIC KEY')", () => {
    expect(pair.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----\n$/);
  });

  test("the public key belongs to the private key: an RS256 signature round-trips", () => {
    const data = Buffer.from("header.payload");
    const signature = sign("sha256", data, pair.privateKeyPem);
    expect(verify("sha256", data, pair.publicKeyPem, signature)).toBe(true);
    expect(verify("sha256", Buffer.from("header.other"), pair.publicKeyPem, signature)).toBe(false);
    const derived = createPublicKey(pair.privateKeyPem).export({ type: "spki", format: "der" });
    expect(createPublicKey(pair.publicKeyPem).export({ type: "spki", format: "der" }).equals(derived)).toBe(true);
  });

  test("key pairs are generated off the event loop: it stays mostly idle while four are made", async () => {
    // Measured: ~0.1–0.5 with the thread pool, ≥ 0.95 with generateKeyPairSync.
    const start = performance.eventLoopUtilization();
    await Promise.all([1, 2, 3, 4].map(() => generateRsaKeyPair()));
    expect(performance.eventLoopUtilization(start).utilization).toBeLessThan(0.85);
  });

  test("each call makes a new key pair that does not verify the other's signatures", async () => {
    const other = await generateRsaKeyPair();
    expect(other.privateKeyPem).not.toBe(pair.privateKeyPem);
    const data = Buffer.from("x");
    expect(verify("sha256", data, other.publicKeyPem, sign("sha256", data, pair.privateKeyPem))).toBe(false);
  });

  test("the size can be chosen", async () => {
    const small = await generateRsaKeyPair(1024);
    expect(createPrivateKey(small.privateKeyPem).asymmetricKeyDetails?.modulusLength).toBe(1024);
  });
});

describe("appKeyFile", () => {
  test("case 62: is JSON {type:'application', keyId, key, appId, clientId}, in ZITADEL's field order", () => {
    const json = appKeyFile({ keyId: "k1", privateKeyPem: pair.privateKeyPem, appId: "a1", clientId: "c1" });
    const parsed = JSON.parse(json) as Record<string, unknown>;
    expect(parsed).toStrictEqual({ type: "application", keyId: "k1", key: pair.privateKeyPem, appId: "a1", clientId: "c1" });
    expect(Object.keys(parsed)).toEqual(["type", "keyId", "key", "appId", "clientId"]);
  });

  test("case 62: the key in the file is the usable PKCS#1 private key", () => {
    const parsed = JSON.parse(appKeyFile({ keyId: "k1", privateKeyPem: pair.privateKeyPem, appId: "a1", clientId: "c1" })) as { key: string };
    expect(parsed.key).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    const data = Buffer.from("assertion");
    expect(verify("sha256", data, pair.publicKeyPem, sign("sha256", data, parsed.key))).toBe(true);
  });
});

describe("machineKeyFile", () => {
  test("is JSON {type:'serviceaccount', keyId, key, userId}, in ZITADEL's field order, with the usable private key", () => {
    const parsed = JSON.parse(machineKeyFile({ keyId: "k1", privateKeyPem: pair.privateKeyPem, userId: "u1" })) as Record<string, string>;
    expect(Object.keys(parsed)).toEqual(["type", "keyId", "key", "userId"]);
    expect(parsed).toStrictEqual({ type: "serviceaccount", keyId: "k1", key: pair.privateKeyPem, userId: "u1" });
    const data = Buffer.from("assertion");
    expect(verify("sha256", data, pair.publicKeyPem, sign("sha256", data, parsed.key!))).toBe(true);
  });
});
