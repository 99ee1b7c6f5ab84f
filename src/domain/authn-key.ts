import { invalidArgument } from "./errors.js";

/**
 * What the keys of apps and of service users share (ZITADEL's "authN keys"): key files, expiry.
 */

/** ZITADEL's "no expiration": keys without a date expire at the end of year 9999. */
export const NO_EXPIRATION = new Date("9999-12-31T23:59:59Z");

/** The only key type there is: a JSON key file. */
export const KEY_TYPE_JSON = 1;

/** Keys and tokens cannot be made already expired (ZITADEL's `ValidateExpirationDate`). */
export function requireFutureExpiration(expiration: Date | undefined, now: Date): void {
  if (expiration && expiration.getTime() < now.getTime()) throw invalidArgument("DOMAIN-dv3t5", "Errors.AuthNKey.ExpireBeforeNow");
}

/** A key about to be added, of an app or a service user. */
export interface NewKey {
  keyId: string;
  /** Absent means no expiration. */
  expiration?: Date;
  /** PEM (SPKI) of the public key; the private key never enters an event. */
  publicKeyPem: string;
}

/** What the key-added events of apps and service users carry of a key, as ZITADEL's: the PEM as base64. */
export const addedKeyPayload = (key: NewKey) => ({
  keyId: key.keyId,
  type: KEY_TYPE_JSON,
  expirationDate: (key.expiration ?? NO_EXPIRATION).toISOString(),
  publicKey: Buffer.from(key.publicKeyPem, "utf8").toString("base64"),
});
