import { addMachineKey as decideAddMachineKey, checkMachineKeyAllowed, parseRsaPublicKey, removeMachineKey as decideRemoveMachineKey } from "../../domain/machine-key.js";
import { machineKeyFile } from "../../domain/key-pair.js";
import { removeMachineSecret as decideRemoveMachineSecret, setMachineSecret } from "../../domain/machine-secret.js";
import { generateClientSecret } from "../../domain/secrets.js";
import type { Actor } from "../event-store.js";
import { loadMachineKey, loadMachineUser, loadUser, type Scope } from "../write-models.js";
import { detailsOf, type CommandDeps, type WriteDetails } from "./command-deps.js";

/** A service user's new secret: the client id (its user name) and the plaintext, returned this once. */
export interface GeneratedMachineSecret {
  clientId: string;
  clientSecret: string;
  details: WriteDetails;
}

/** Hashed in the configured format, like apps' secrets; only the hash is appended. */
export async function generateMachineSecret(deps: CommandDeps, actor: Actor, userId: string): Promise<GeneratedMachineSecret> {
  const clientSecret = generateClientSecret();
  const hashedSecret = await deps.hashSecret(clientSecret);
  let clientId = "";
  const events = await deps.store.execute(actor, { type: "user", id: userId }, async (tx) => {
    const user = await loadMachineUser(scopeOf(actor, tx), userId);
    clientId = user?.userName ?? "";
    return setMachineSecret(user, hashedSecret);
  });
  return { clientId, clientSecret, details: detailsOf(events) };
}

export const removeMachineSecret = (deps: CommandDeps, actor: Actor, userId: string): Promise<WriteDetails> =>
  deps.store
    .execute(actor, { type: "user", id: userId }, async (tx) => decideRemoveMachineSecret(await loadMachineUser(scopeOf(actor, tx), userId)))
    .then(detailsOf);

export interface AddedMachineKey {
  keyId: string;
  /** The key file with the private key, returned this once; absent when the caller brought its own public key. */
  keyDetails?: string;
  details: WriteDetails;
}

/**
 * With `publicKeyPem` the caller's own RSA public key is stored. Without it a key pair is generated
 * off the event loop, after the user and expiry were checked (so a refused request costs nothing),
 * and only its public key is appended, under the user's lock after checking again.
 */
export async function addMachineKey(
  deps: CommandDeps,
  actor: Actor,
  userId: string,
  input: { expiration: Date | undefined; publicKeyPem?: string },
): Promise<AddedMachineKey> {
  const ownPublicKey = input.publicKeyPem === undefined ? undefined : parseRsaPublicKey(input.publicKeyPem);
  checkMachineKeyAllowed(await loadUser(scopeOf(actor, deps.store.db), userId), input.expiration, deps.now());
  const keyId = deps.ids.next();
  const { publicKeyPem, privateKeyPem }: { publicKeyPem: string; privateKeyPem?: string } = ownPublicKey ? { publicKeyPem: ownPublicKey } : await deps.keyPairs();
  const events = await deps.store.execute(actor, { type: "user", id: userId }, async (tx) =>
    decideAddMachineKey(await loadUser(scopeOf(actor, tx), userId), { keyId, publicKeyPem, ...(input.expiration ? { expiration: input.expiration } : {}) }, deps.now()),
  );
  const keyDetails = privateKeyPem && machineKeyFile({ keyId, privateKeyPem, userId });
  return { keyId, ...(keyDetails ? { keyDetails } : {}), details: detailsOf(events) };
}

export const removeMachineKey = (deps: CommandDeps, actor: Actor, userId: string, keyId: string): Promise<WriteDetails> =>
  deps.store
    .execute(actor, { type: "user", id: userId }, async (tx) => decideRemoveMachineKey(await loadMachineKey(scopeOf(actor, tx), userId, keyId)))
    .then(detailsOf);

const scopeOf = (actor: Actor, tx: Scope["tx"]): Scope => ({ tx, instanceId: actor.instanceId, orgId: actor.orgId });
