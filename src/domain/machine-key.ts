import { createPublicKey, type KeyObject } from "node:crypto";
import { addedKeyPayload, requireFutureExpiration, type NewKey } from "./authn-key.js";
import { decide, type Decision } from "./decision.js";
import { invalidArgument, notFound } from "./errors.js";
import { event } from "./events.js";
import { requireUser, type UserState } from "./user.js";

/** A key of a service user (JWT profile grant: assertions signed with it, `kid` = key id). */
export interface MachineKeyState {
  id: string;
  userId: string;
}

/** Validated before the (costly) key pair is generated; the expiry first, as ZITADEL checks it. */
export function checkMachineKeyAllowed(user: UserState | undefined, expiration: Date | undefined, now: Date): UserState {
  requireFutureExpiration(expiration, now);
  return requireUser(user, "COMMAND-bnipwm1");
}

/**
 * A public key the caller brings instead of having one generated: RSA only (keygate verifies RS256
 * assertions), as PEM (SPKI or PKCS#1), normalized to SPKI PEM. A private key is refused, not
 * reduced to its public half: it should never have been sent.
 */
export function parseRsaPublicKey(pem: string): string {
  if (!/^-----BEGIN (RSA )?PUBLIC KEY-----\r?\n/.test(pem.trimStart())) throw invalidMachineKey();
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: "pem" });
  } catch {
    throw invalidMachineKey();
  }
  if (key.asymmetricKeyType !== "rsa") throw invalidMachineKey();
  return key.export({ type: "spki", format: "pem" }) as string;
}

const invalidMachineKey = () => invalidArgument("COMMAND-5F3h1", "Public key is not a valid RSA public key in PKIX format with PEM encoding");

export function addMachineKey(user: UserState | undefined, key: NewKey, now: Date): Decision {
  const current = checkMachineKeyAllowed(user, key.expiration, now);
  return decide([event("user", current.id, "user.machine.key.added", addedKeyPayload(key))]);
}

export function removeMachineKey(key: MachineKeyState | undefined): Decision {
  if (!key) throw notFound("COMMAND-4m77G", "Machine key not found");
  return decide([event("user", key.userId, "user.machine.key.removed", { keyId: key.id })]);
}
