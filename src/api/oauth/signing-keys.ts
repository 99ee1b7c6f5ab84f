import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { exportJWK, type JWK } from "jose";
import type { IdGenerator } from "../../domain/ids.js";
import { generateRsaKeyPair, type KeyPairSource } from "../../domain/key-pair.js";
import { currentSigningKey, decryptUnderMasterKey, generateSigningKey, SIGNING_ALGORITHM, type KeyLifetimes, type SigningKeyState } from "../../domain/signing-key.js";
import type { OAuthStore } from "../../store/oauth-store.js";

export interface Signer {
  kid: string;
  key: KeyObject;
}

/** The instance's token-signing keys as the OAuth endpoints use them. */
export interface SigningKeys {
  /** The key to sign a new token with: made on first need, replaced before it stops signing. */
  signer(): Promise<Signer>;
  /** The public key of one of the instance's published keys, or undefined for a kid it does not know. */
  verificationKey(kid: string): Promise<KeyObject | undefined>;
  /** `GET /oauth/v2/keys`: every key whose tokens may still be alive. */
  jwks(): Promise<{ keys: JWK[] }>;
}

/**
 * Keys live in the database (private halves encrypted under the master key), so every process of
 * an instance signs with the same key and publishes the same set. Each process keeps the current
 * signer until it is due for renewal and the public keys it has seen; a kid it does not know is
 * looked up again (another process may have just made it).
 */
export function createSigningKeys(store: OAuthStore, ids: IdGenerator, masterKey: string, lifetimes: KeyLifetimes, now: () => Date = () => new Date(), keyPairs: KeyPairSource = generateRsaKeyPair): SigningKeys {
  let current: { signer: Signer; state: SigningKeyState } | undefined;
  let pending: Promise<Signer> | undefined;
  const publicKeys = new Map<string, KeyObject>();

  async function loadSigner(): Promise<Signer> {
    let state = currentSigningKey(await store.signingKeys(now()), lifetimes, now());
    if (!state) {
      await store.ensureSigningKey(await generateSigningKey(ids.next(), masterKey, lifetimes, now(), keyPairs), lifetimes, now());
      state = currentSigningKey(await store.signingKeys(now()), lifetimes, now());
      if (!state) throw new Error("no signing key after adding one");
    }
    const signer = { kid: state.id, key: createPrivateKey(await decryptUnderMasterKey(state.encryptedPrivateKey, masterKey)) };
    current = { signer, state };
    return signer;
  }

  return {
    async signer() {
      if (current && currentSigningKey([current.state], lifetimes, now())) return current.signer;
      // One load at a time per process: concurrent first tokens wait for the same key.
      pending ??= loadSigner().finally(() => (pending = undefined));
      return pending;
    },
    async verificationKey(kid) {
      const known = publicKeys.get(kid);
      if (known) return known;
      const state = (await store.signingKeys(now())).find((key) => key.id === kid);
      if (!state) return undefined;
      const key = createPublicKey(state.publicKeyPem);
      publicKeys.set(kid, key);
      return key;
    },
    async jwks() {
      const keys = await store.signingKeys(now());
      return {
        keys: await Promise.all(
          keys.map(async (key) => ({ ...(await exportJWK(createPublicKey(key.publicKeyPem))), use: "sig", alg: SIGNING_ALGORITHM, kid: key.id })),
        ),
      };
    },
  };
}
