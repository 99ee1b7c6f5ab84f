import { addAppKey as decideAddAppKey, checkKeyAllowed, removeAppKey as decideRemoveAppKey } from "../../domain/app-key.js";
import { appKeyFile } from "../../domain/key-pair.js";
import type { Actor } from "../event-store.js";
import { loadApiApp, loadAppKey } from "../write-models.js";
import { detailsOf, type CommandDeps, type WriteDetails } from "./command-deps.js";

export interface AddedAppKey {
  id: string;
  /** The key file with the private key: returned this once, never stored. */
  keyDetails: string;
  details: WriteDetails;
}

/**
 * Checks the app before generating the key pair (so a refused request costs nothing), generates it
 * off the event loop, then checks again under the project's lock and appends only the public key.
 */
export async function addAppKey(deps: CommandDeps, actor: Actor, projectId: string, appId: string, expiration: Date | undefined): Promise<AddedAppKey> {
  const scope = { instanceId: actor.instanceId, orgId: actor.orgId };
  const app = checkKeyAllowed(await loadApiApp({ tx: deps.store.db, ...scope }, projectId, appId), expiration, deps.now());
  const keyId = deps.ids.next();
  const pair = await deps.keyPairs();
  const events = await deps.store.execute(actor, { type: "project", id: projectId }, async (tx) =>
    decideAddAppKey(await loadApiApp({ tx, ...scope }, projectId, appId), { keyId, publicKeyPem: pair.publicKeyPem, ...(expiration ? { expiration } : {}) }, deps.now()),
  );
  return { id: keyId, keyDetails: appKeyFile({ keyId, privateKeyPem: pair.privateKeyPem, appId, clientId: app.clientId }), details: detailsOf(events) };
}

export const removeAppKey = (deps: CommandDeps, actor: Actor, projectId: string, appId: string, keyId: string) =>
  deps.store
    .execute(actor, { type: "project", id: projectId }, async (tx) =>
      decideRemoveAppKey(await loadAppKey({ tx, instanceId: actor.instanceId, orgId: actor.orgId }, projectId, appId, keyId)),
    )
    .then(detailsOf);
