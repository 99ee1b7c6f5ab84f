import { createHash, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import bcrypt from "bcryptjs";
import { verify as argon2Verify } from "@node-rs/argon2";

const SECRET_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
export const CLIENT_SECRET_LENGTH = 64;

/**
 * A client secret: 64 characters drawn uniformly from [A-Za-z0-9] by a CSPRNG.
 * `randomInt` rejects out-of-range draws, so there is no modulo bias (ZITADEL's generator has one
 * and never emits '9'); the secret carries 64·log2(62) ≈ 381 bits of entropy.
 */
export function generateClientSecret(): string {
  let secret = "";
  for (let i = 0; i < CLIENT_SECRET_LENGTH; i++) secret += SECRET_ALPHABET[randomInt(SECRET_ALPHABET.length)];
  return secret;
}

/** An opaque bearer token: 256 bits from the CSPRNG, base64url. */
export function generateAccessToken(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * Digest under which a bearer token is looked up. Tokens are 256-bit random values, so an unsalted
 * SHA-256 cannot be reversed or precomputed, and it lets the token be found by an index.
 */
export function accessTokenDigest(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("base64url");
}

/** Compares two digests without leaking, through timing, how long their common prefix is. */
export function digestsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

const SHA256_PREFIX = "$sha256$";

/**
 * Hashes a high-entropy secret in a self-describing PHC-style string: `$sha256$<salt>$<digest>`.
 * A slow password hash buys nothing for a 381-bit random secret (nobody can guess it, whatever the
 * cost factor) while it costs CPU on every creation and verification; a salted SHA-256 is enough.
 */
export function hashSecret(secret: string): string {
  const salt = randomBytes(16);
  const digest = createHash("sha256").update(salt).update(secret, "utf8").digest();
  return `${SHA256_PREFIX}${salt.toString("base64url")}$${digest.toString("base64url")}`;
}

/**
 * bcrypt at ZITADEL's default cost, in ZITADEL's `$2a$` form, for deployments that must hand hashes
 * back to ZITADEL. `$2a$` and `$2b$` compute the same hash for inputs shorter than 256 bytes.
 */
export async function hashSecretBcrypt(secret: string, cost = 4): Promise<string> {
  return (await bcrypt.hash(secret, cost)).replace(/^\$2b\$/, "$2a$");
}

/**
 * Verifies a secret against a stored hash of any format keygate knows: its own `$sha256$`,
 * and ZITADEL's bcrypt (`$2a$`, `$2b$`, `$2y$`) and argon2 (`$argon2i$`, `$argon2id$`) hashes.
 */
export async function verifySecret(secret: string, encoded: string): Promise<boolean> {
  if (encoded.startsWith(SHA256_PREFIX)) return verifySha256(secret, encoded);
  if (/^\$2[aby]\$/.test(encoded)) return bcrypt.compare(secret, encoded.replace(/^\$2y\$/, "$2b$")).catch(() => false);
  if (encoded.startsWith("$argon2")) return argon2Verify(encoded, secret).catch(() => false);
  return false;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function verifySha256(secret: string, encoded: string): boolean {
  const parts = encoded.slice(SHA256_PREFIX.length).split("$");
  if (parts.length !== 2 || !parts.every((part) => BASE64URL.test(part))) return false;
  const [salt, digest] = parts as [string, string];
  const actual = createHash("sha256").update(Buffer.from(salt, "base64url")).update(secret, "utf8").digest("base64url");
  return digestsEqual(actual, digest);
}
