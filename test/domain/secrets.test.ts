import { createHash } from "node:crypto";
import { describe, expect, test } from "vitest";
import { type Algorithm, hash as argon2Hash } from "@node-rs/argon2";
import bcrypt from "bcryptjs";
import {
  accessTokenDigest,
  CLIENT_SECRET_LENGTH,
  digestsEqual,
  generateAccessToken,
  generateClientSecret,
  hashSecret,
  hashSecretBcrypt,
  verifySecret,
} from "../../src/domain/secrets.js";

/** @node-rs/argon2 declares Algorithm as a const enum, which isolatedModules cannot read: its values. */
const ARGON2I = 1 as Algorithm;
const ARGON2ID = 2 as Algorithm;
const ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const SECRET = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFla";

describe("generateClientSecret", () => {
  test("case 13: a client secret is 64 characters of [A-Za-z0-9]", () => {
    expect(CLIENT_SECRET_LENGTH).toBe(64);
    for (let i = 0; i < 200; i++) {
      expect(generateClientSecret()).toMatch(/^[A-Za-z0-9]{64}$/);
    }
  });

  test("case 48: secrets are distinct", () => {
    const secrets = Array.from({ length: 1000 }, generateClientSecret);
    expect(new Set(secrets).size).toBe(1000);
  });

  test("all 62 characters occur, including '9' (which ZITADEL never emits), roughly uniformly", () => {
    const counts = new Map<string, number>();
    const secrets = 2000;
    for (let i = 0; i < secrets; i++) {
      for (const char of generateClientSecret()) counts.set(char, (counts.get(char) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([...ALPHABET].sort());
    expect(counts.get("9")).toBeGreaterThan(0);
    const expected = (secrets * 64) / 62; // ≈ 2065 per character; σ ≈ 45, so ±30% is > 13σ
    for (const char of ALPHABET) {
      const count = counts.get(char) ?? 0;
      if (count < expected * 0.7 || count > expected * 1.3) {
        throw new Error(`'${char}' occurred ${count} times, expected about ${Math.round(expected)}`);
      }
    }
    // A loose chi-square bound: 61 degrees of freedom have mean 61 and σ ≈ 11; 250 is > 17σ.
    const chiSquare = [...ALPHABET].reduce((sum, char) => sum + ((counts.get(char) ?? 0) - expected) ** 2 / expected, 0);
    expect(chiSquare).toBeLessThan(250);
  });
});

describe("access tokens", () => {
  test("an access token is 43 base64url characters (256 bits), and tokens are distinct", () => {
    const tokens = Array.from({ length: 1000 }, generateAccessToken);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set(tokens).size).toBe(1000);
    expect(Buffer.from(tokens[0]!, "base64url")).toHaveLength(32);
  });

  test("accessTokenDigest is the base64url SHA-256 of the token", () => {
    expect(accessTokenDigest("abc")).toBe("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
    const token = generateAccessToken();
    expect(accessTokenDigest(token)).toBe(createHash("sha256").update(token).digest("base64url"));
    expect(accessTokenDigest(token)).toBe(accessTokenDigest(token));
    expect(accessTokenDigest(token)).not.toBe(accessTokenDigest(generateAccessToken()));
  });
});

describe("digestsEqual", () => {
  test("equal strings are equal", () => {
    expect(digestsEqual("abc", "abc")).toBe(true);
    expect(digestsEqual("", "")).toBe(true);
    const digest = accessTokenDigest("token");
    expect(digestsEqual(digest, accessTokenDigest("token"))).toBe(true);
  });

  test("different strings of the same length differ", () => {
    expect(digestsEqual("abc", "abd")).toBe(false);
    expect(digestsEqual(accessTokenDigest("a"), accessTokenDigest("b"))).toBe(false);
  });

  test("strings of different lengths differ without throwing", () => {
    expect(digestsEqual("abc", "abcd")).toBe(false);
    expect(digestsEqual("", "a")).toBe(false);
    // Same number of UTF-16 units, different number of bytes.
    expect(digestsEqual("é", "e")).toBe(false);
  });
});

describe("hashSecret / verifySecret ($sha256$)", () => {
  test("case 17: the hash is self-describing $sha256$<salt>$<digest> and never contains the secret", () => {
    const encoded = hashSecret(SECRET);
    expect(encoded).toMatch(/^\$sha256\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(encoded).not.toContain(SECRET);
  });

  test("the digest is SHA-256 over the 16-byte salt followed by the secret", () => {
    const encoded = hashSecret(SECRET);
    const [, , salt, digest] = encoded.split("$");
    const saltBytes = Buffer.from(salt!, "base64url");
    expect(saltBytes).toHaveLength(16);
    expect(digest).toBe(createHash("sha256").update(saltBytes).update(SECRET, "utf8").digest("base64url"));
  });

  test("the same secret gets a different salt (and hash) each time", () => {
    const hashes = Array.from({ length: 50 }, () => hashSecret(SECRET));
    expect(new Set(hashes).size).toBe(50);
    expect(new Set(hashes.map((h) => h.split("$")[2])).size).toBe(50);
  });

  test("verifySecret accepts the right secret and rejects a wrong one", async () => {
    const encoded = hashSecret(SECRET);
    await expect(verifySecret(SECRET, encoded)).resolves.toBe(true);
    await expect(verifySecret(`${SECRET}x`, encoded)).resolves.toBe(false);
    await expect(verifySecret(SECRET.slice(0, -1), encoded)).resolves.toBe(false);
    await expect(verifySecret("", encoded)).resolves.toBe(false);
    await expect(verifySecret(generateClientSecret(), encoded)).resolves.toBe(false);
  });

  test("an empty secret round-trips", async () => {
    await expect(verifySecret("", hashSecret(""))).resolves.toBe(true);
    await expect(verifySecret("x", hashSecret(""))).resolves.toBe(false);
  });

  test("a tampered digest or salt is rejected", async () => {
    const encoded = hashSecret(SECRET);
    const [, , salt, digest] = encoded.split("$") as [string, string, string, string];
    const flip = (s: string) => (s[0] === "A" ? "B" : "A") + s.slice(1);
    await expect(verifySecret(SECRET, `$sha256$${salt}$${flip(digest)}`)).resolves.toBe(false);
    await expect(verifySecret(SECRET, `$sha256$${flip(salt)}$${digest}`)).resolves.toBe(false);
  });

  test.each([
    ["no salt or digest", "$sha256$"],
    ["salt only", "$sha256$c2FsdHNhbHRzYWx0c2FsdA"],
    ["empty salt and digest", "$sha256$$"],
    ["empty digest", "$sha256$c2FsdHNhbHRzYWx0c2FsdA$"],
    ["truncated digest", "$sha256$c2FsdHNhbHRzYWx0c2FsdA$ungWv48Bz"],
  ])("malformed $sha256$ encoding (%s) is rejected", async (_name, encoded) => {
    await expect(verifySecret(SECRET, encoded)).resolves.toBe(false);
  });

  test("a $sha256$ encoding with an extra trailing segment is malformed and rejected", async () => {
    const encoded = hashSecret(SECRET);
    await expect(verifySecret(SECRET, `${encoded}$extra`)).resolves.toBe(false);
  });
});

describe("verifySecret (ZITADEL's hash formats)", () => {
  test("case 17: accepts a ZITADEL-style bcrypt $2a$04$ hash and rejects a wrong secret", async () => {
    const encoded = await hashSecretBcrypt(SECRET);
    expect(encoded).toMatch(/^\$2a\$04\$.{53}$/);
    await expect(verifySecret(SECRET, encoded)).resolves.toBe(true);
    await expect(verifySecret(`${SECRET}x`, encoded)).resolves.toBe(false);
  });

  test("accepts the $2a$ prefix variant of a $2b$ hash (and $2y$)", async () => {
    const encoded = await bcrypt.hash(SECRET, 4);
    expect(encoded).toMatch(/^\$2b\$04\$/);
    await expect(verifySecret(SECRET, encoded)).resolves.toBe(true);
    const asA = encoded.replace(/^\$2b\$/, "$2a$");
    const asY = encoded.replace(/^\$2b\$/, "$2y$");
    await expect(verifySecret(SECRET, asA)).resolves.toBe(true);
    await expect(verifySecret(SECRET, asY)).resolves.toBe(true);
    await expect(verifySecret("wrong", asA)).resolves.toBe(false);
  });

  test("malformed bcrypt hashes are rejected, not thrown", async () => {
    await expect(verifySecret(SECRET, "$2a$04$garbage")).resolves.toBe(false);
    await expect(verifySecret(SECRET, "$2a$")).resolves.toBe(false);
    await expect(verifySecret(SECRET, "$2a$99$abcdefghijklmnopqrstuvabcdefghijklmnopqrstuvwxyz12345")).resolves.toBe(false);
  });

  test("accepts argon2id hashes (ZITADEL's parameters and the library's defaults) and rejects a wrong secret", async () => {
    const zitadelLike = await argon2Hash(SECRET, { algorithm: ARGON2ID, timeCost: 3, memoryCost: 32768, parallelism: 4 });
    expect(zitadelLike).toMatch(/^\$argon2id\$v=19\$m=32768,t=3,p=4\$/);
    await expect(verifySecret(SECRET, zitadelLike)).resolves.toBe(true);
    await expect(verifySecret("wrong", zitadelLike)).resolves.toBe(false);
    const defaults = await argon2Hash(SECRET);
    expect(defaults).toMatch(/^\$argon2id\$/);
    await expect(verifySecret(SECRET, defaults)).resolves.toBe(true);
  });

  test("accepts argon2i hashes", async () => {
    const encoded = await argon2Hash(SECRET, { algorithm: ARGON2I, timeCost: 3, memoryCost: 32768, parallelism: 4 });
    expect(encoded).toMatch(/^\$argon2i\$/);
    await expect(verifySecret(SECRET, encoded)).resolves.toBe(true);
    await expect(verifySecret("wrong", encoded)).resolves.toBe(false);
  });

  test("malformed argon2 hashes are rejected, not thrown", async () => {
    await expect(verifySecret(SECRET, "$argon2id$garbage")).resolves.toBe(false);
    await expect(verifySecret(SECRET, "$argon2")).resolves.toBe(false);
  });

  test.each([
    ["empty", ""],
    ["the plaintext itself", SECRET],
    ["pbkdf2", "$pbkdf2-sha256$290000$c2FsdA$ZGlnZXN0"],
    ["scrypt", "$scrypt$ln=15,r=8,p=1$c2FsdA$ZGlnZXN0"],
    ["md5crypt", "$1$salt$qJH7.N4xYta3aEG/dfqo/0"],
    ["sha512crypt", "$6$salt$IxDD3jeSOb5eB1CX5LBsqZFVkJdido3OUILO5Ifz5iwMuTS4XMS130MTSuDDl3aCI6WouIL9AjRbLCelDCy.g."],
    ["upper-case prefix", "$SHA256$c2FsdA$ZGlnZXN0"],
  ])("an unknown format (%s) returns false", async (_name, encoded) => {
    await expect(verifySecret(SECRET, encoded)).resolves.toBe(false);
  });

  test("hashSecretBcrypt makes a cost-4 bcrypt hash that verifySecret accepts", async () => {
    const encoded = await hashSecretBcrypt(SECRET);
    expect(encoded).toMatch(/^\$2[ab]\$04\$.{53}$/);
    await expect(verifySecret(SECRET, encoded)).resolves.toBe(true);
    await expect(verifySecret("wrong", encoded)).resolves.toBe(false);
    expect(await hashSecretBcrypt(SECRET, 5)).toMatch(/^\$2[ab]\$05\$/);
  });
});
