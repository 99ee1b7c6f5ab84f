import { generateKeyPair } from "node:crypto";
import { promisify } from "node:util";

const generateKeyPairAsync = promisify(generateKeyPair);

/** ZITADEL's `ApplicationKeySize` and `MachineKeySize`. */
export const APP_KEY_BITS = 2048;

export interface RsaKeyPair {
  /** PKCS#1 PEM ("RSA PRIVATE KEY"), as ZITADEL's key files carry it. */
  privateKeyPem: string;
  /** SPKI PEM ("PUBLIC KEY"). */
  publicKeyPem: string;
}

/**
 * Where new key pairs come from: generateRsaKeyPair in keygate; the tests hand out pairs made ahead
 * (test/support/key-pair-pool.ts), since each costs about 0.1–0.2 s of CPU.
 */
export type KeyPairSource = () => Promise<RsaKeyPair>;

/** Generated on libuv's thread pool, so the event loop keeps serving other calls meanwhile. */
export async function generateRsaKeyPair(bits = APP_KEY_BITS): Promise<RsaKeyPair> {
  const { privateKey, publicKey } = await generateKeyPairAsync("rsa", {
    modulusLength: bits,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/** The key file ZITADEL hands out once, as JSON: the only place the private key ever appears. */
export function appKeyFile(input: { keyId: string; privateKeyPem: string; appId: string; clientId: string }): string {
  return JSON.stringify({ type: "application", keyId: input.keyId, key: input.privateKeyPem, appId: input.appId, clientId: input.clientId });
}

/** A service user's key file, as ZITADEL hands it out once: what its SDKs read to sign JWT profile assertions. */
export function machineKeyFile(input: { keyId: string; privateKeyPem: string; userId: string }): string {
  return JSON.stringify({ type: "serviceaccount", keyId: input.keyId, key: input.privateKeyPem, userId: input.userId });
}
