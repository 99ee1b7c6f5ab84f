import { addAppSecret as decideAddAppSecret, removeAppSecret as decideRemoveAppSecret } from "../../domain/app-secret.js";
import { generateClientSecret } from "../../domain/secrets.js";
import type { Actor } from "../event-store.js";
import { loadAppSecrets } from "../write-models.js";
import { newSecret } from "./app-commands.js";
import { detailsOf, type CommandDeps, type WriteDetails } from "./command-deps.js";

export interface AddedAppSecret {
  secretId: string;
  /** Plaintext: returned this once and never stored. */
  clientSecret: string;
  details: WriteDetails;
}

/**
 * One more secret for the app. It is hashed before the project's lock is taken (a bcrypt hash costs
 * milliseconds); `now` is the caller's clock, against which the expiry must lie in the future.
 */
export async function addAppSecret(
  deps: CommandDeps,
  actor: Actor,
  projectId: string,
  appId: string,
  input: { expiration: Date | undefined; now: Date },
): Promise<AddedAppSecret> {
  const secretId = deps.ids.next();
  const clientSecret = generateClientSecret();
  const secret = { id: secretId, ...(await newSecret(deps, clientSecret)), ...(input.expiration === undefined ? {} : { expiration: input.expiration }) };
  const events = await deps.store.execute(actor, { type: "project", id: projectId }, async (tx) =>
    decideAddAppSecret(await loadAppSecrets({ tx, instanceId: actor.instanceId, orgId: actor.orgId }, projectId, appId), secret, input.now),
  );
  return { secretId, clientSecret, details: detailsOf(events) };
}

export const removeAppSecret = (deps: CommandDeps, actor: Actor, projectId: string, appId: string, secretId: string) =>
  deps.store
    .execute(actor, { type: "project", id: projectId }, async (tx) =>
      decideRemoveAppSecret(await loadAppSecrets({ tx, instanceId: actor.instanceId, orgId: actor.orgId }, projectId, appId), secretId),
    )
    .then(detailsOf);
