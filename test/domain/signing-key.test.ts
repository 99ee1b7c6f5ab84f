import { describe, expect, test } from "vitest";
import { pooledKeyPairs } from "../support/key-pair-pool.js";
import { addSigningKey, currentSigningKey, decryptUnderMasterKey, encryptUnderMasterKey, generateSigningKey, type SigningKeyState } from "../../src/domain/signing-key.js";

const MASTER = "0123456789abcdef0123456789abcdef";
const lifetimes = { signingSeconds: 3600, accessTokenSeconds: 600 };

describe("signing keys", () => {
  test("the private key is stored only encrypted, and only the master key opens it", async () => {
    const now = new Date("2026-12-01T00:00:00Z");
    const key = await generateSigningKey("k1", MASTER, lifetimes, now);
    expect(key.encryptedPrivateKey).not.toContain("PRIVATE KEY");
    expect(key.encryptedPrivateKey.split(".")).toHaveLength(5);
    expect(await decryptUnderMasterKey(key.encryptedPrivateKey, MASTER)).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    await expect(decryptUnderMasterKey(key.encryptedPrivateKey, "x".repeat(32))).rejects.toThrow();
    // The public key stays published as long as the last token the key signs may live.
    expect(key.signsUntil.toISOString()).toBe("2026-12-01T01:00:00.000Z");
    expect(key.publishedUntil.toISOString()).toBe("2026-12-01T01:10:00.000Z");
  });

  test("each encryption uses a fresh IV", async () => {
    expect(await encryptUnderMasterKey("same", MASTER)).not.toBe(await encryptUnderMasterKey("same", MASTER));
  });

  const state = (id: string, signsUntil: string): SigningKeyState => ({
    id,
    algorithm: "RS256",
    publicKeyPem: "",
    encryptedPrivateKey: "",
    signsUntil: new Date(signsUntil),
    publishedUntil: new Date(signsUntil),
  });

  test("the current key is the newest one with more than a tenth of its signing time left", () => {
    const now = new Date("2026-12-01T00:00:00Z");
    const keys = [state("old", "2026-12-01T00:05:00Z"), state("new", "2026-12-01T00:50:00Z")];
    expect(currentSigningKey(keys, lifetimes, now)?.id).toBe("new");
    // 6 minutes left of 60: not enough; the key is due for renewal.
    expect(currentSigningKey([state("old", "2026-12-01T00:05:59Z")], lifetimes, now)).toBeUndefined();
  });

  test("a candidate is added only when no usable key exists (another process may have added one)", async () => {
    const now = new Date("2026-12-01T00:00:00Z");
    const candidate = await generateSigningKey("k2", MASTER, lifetimes, now, pooledKeyPairs);
    expect(addSigningKey([state("other", "2026-12-01T00:59:00Z")], candidate, lifetimes, now).events).toEqual([]);
    const added = addSigningKey([state("old", "2026-12-01T00:01:00Z")], candidate, lifetimes, now).events;
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ aggregateType: "key_pair", aggregateId: "k2", type: "key_pair.added" });
    expect(JSON.stringify(added[0])).not.toContain("PRIVATE KEY");
  });
});
