import { hkdfSync } from "node:crypto";
import { CompactEncrypt, compactDecrypt } from "jose";
import { decide, type Decision } from "./decision.js";
import { event } from "./events.js";
import { generateRsaKeyPair, type KeyPairSource } from "./key-pair.js";

/** The one algorithm keygate signs with, as ZITADEL's default signing keys. */
export const SIGNING_ALGORITHM = "RS256";

/** ZITADEL's key usage "signing" in `key_pair.added`. */
const KEY_USAGE_SIGNING = 0;

/** A token-signing key of the instance as stored: the private key only encrypted under the master key. */
export interface SigningKeyState {
  id: string;
  algorithm: string;
  publicKeyPem: string;
  /** A compact JWE (dir, A256GCM) of the PKCS#1 PEM. */
  encryptedPrivateKey: string;
  /** The key signs new tokens until then. */
  signsUntil: Date;
  /** Its public key stays published until then: the last token it signed may live that long. */
  publishedUntil: Date;
}

export interface KeyLifetimes {
  signingSeconds: number;
  accessTokenSeconds: number;
}

/**
 * A key with at least this much signing time left is used; one closer to its end is replaced now,
 * so that the processes of an instance move to the next key together and well before the end.
 */
const RENEW_BEFORE_END = 0.1;

/** The key new tokens are signed with: the newest one that signs for a while yet. */
export function currentSigningKey(keys: readonly SigningKeyState[], lifetimes: KeyLifetimes, now: Date): SigningKeyState | undefined {
  const renewAt = now.getTime() + lifetimes.signingSeconds * 1000 * RENEW_BEFORE_END;
  return keys.filter((key) => key.signsUntil.getTime() > renewAt).sort((a, b) => b.signsUntil.getTime() - a.signsUntil.getTime())[0];
}

/** A fresh key pair, its private half encrypted; made before the command so that the lock is held briefly. */
export async function generateSigningKey(id: string, masterKey: string, lifetimes: KeyLifetimes, now: Date, keyPairs: KeyPairSource = generateRsaKeyPair): Promise<SigningKeyState> {
  const pair = await keyPairs();
  const signsUntil = new Date(now.getTime() + lifetimes.signingSeconds * 1000);
  return {
    id,
    algorithm: SIGNING_ALGORITHM,
    publicKeyPem: pair.publicKeyPem,
    encryptedPrivateKey: await encryptUnderMasterKey(pair.privateKeyPem, masterKey),
    signsUntil,
    publishedUntil: new Date(signsUntil.getTime() + lifetimes.accessTokenSeconds * 1000),
  };
}

/**
 * Adds `candidate` unless another process added a usable key meanwhile (the caller holds the
 * instance's lock, so `keys` is every key there is): all processes then sign with the same key.
 */
export function addSigningKey(keys: readonly SigningKeyState[], candidate: SigningKeyState, lifetimes: KeyLifetimes, now: Date): Decision {
  if (currentSigningKey(keys, lifetimes, now)) return decide([]);
  return decide([
    event("key_pair", candidate.id, "key_pair.added", {
      usage: KEY_USAGE_SIGNING,
      algorithm: candidate.algorithm,
      privateKey: { key: candidate.encryptedPrivateKey, expiry: candidate.signsUntil.toISOString() },
      publicKey: { key: candidate.publicKeyPem, expiry: candidate.publishedUntil.toISOString() },
    }),
  ]);
}

/** AES-256-GCM under a key derived from the master key (HKDF-SHA256), as a compact JWE. */
export async function encryptUnderMasterKey(plaintext: string, masterKey: string): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(plaintext)).setProtectedHeader({ alg: "dir", enc: "A256GCM" }).encrypt(encryptionKey(masterKey));
}

/** Fails when the master key is not the one the value was encrypted under. */
export async function decryptUnderMasterKey(jwe: string, masterKey: string): Promise<string> {
  const { plaintext } = await compactDecrypt(jwe, encryptionKey(masterKey), { keyManagementAlgorithms: ["dir"], contentEncryptionAlgorithms: ["A256GCM"] });
  return new TextDecoder().decode(plaintext);
}

function encryptionKey(masterKey: string): Uint8Array {
  return new Uint8Array(hkdfSync("sha256", masterKey, new Uint8Array(0), "keygate token-signing keys", 32));
}
