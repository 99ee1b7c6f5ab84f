import type { Decision } from "../../domain/decision.js";
import { NO_EXPIRATION } from "../../domain/authn-key.js";
import { accessTokenDigest, generateAccessToken } from "../../domain/secrets.js";
import * as user from "../../domain/user.js";
import type { MachineChanges, NewMachineUser, UserState } from "../../domain/user.js";
import type { Actor } from "../event-store.js";
import { aggregateIdTaken, loadMachineUser, loadPersonalAccessToken, loadUser } from "../write-models.js";
import { detailsOf, type CommandDeps, type WriteDetails } from "./command-deps.js";

/** A machine (service) user in the org context. */
export async function addMachineUser(deps: CommandDeps, actor: Actor, input: NewMachineUser & { userId?: string }): Promise<{ id: string; details: WriteDetails }> {
  const id = input.userId || deps.ids.next();
  const events = await deps.store.execute(actor, { type: "user", id }, async (tx) => {
    if (await aggregateIdTaken({ tx, instanceId: actor.instanceId, orgId: actor.orgId }, "user", id)) throw user.userIdTaken();
    return user.addMachineUser(id, actor.orgId, input);
  });
  return { id, details: detailsOf(events) };
}

/** UpdateMachine: name, description and access token type of a service user. */
export const changeMachine = (deps: CommandDeps, actor: Actor, userId: string, changes: MachineChanges): Promise<WriteDetails> =>
  deps.store
    .execute(actor, { type: "user", id: userId }, async (tx) =>
      user.changeMachine(await loadMachineUser({ tx, instanceId: actor.instanceId, orgId: actor.orgId }, userId), changes),
    )
    .then(detailsOf);

export const deactivateUser = (deps: CommandDeps, actor: Actor, userId: string) => onUser(deps, actor, userId, user.deactivateUser).then(detailsOf);
export const reactivateUser = (deps: CommandDeps, actor: Actor, userId: string) => onUser(deps, actor, userId, user.reactivateUser).then(detailsOf);
export const removeUser = (deps: CommandDeps, actor: Actor, userId: string) => onUser(deps, actor, userId, user.removeUser).then(detailsOf);

/** The token's plaintext is returned once; only its digest is appended. */
export async function addPersonalAccessToken(deps: CommandDeps, actor: Actor, userId: string, expiration: Date | undefined) {
  const tokenId = deps.ids.next();
  const token = generateAccessToken();
  const events = await onUser(deps, actor, userId, (state) =>
    user.addPersonalAccessToken(state, tokenId, accessTokenDigest(token), expiration ?? NO_EXPIRATION, deps.now()),
  );
  return { tokenId, token, details: detailsOf(events) };
}

export async function removePersonalAccessToken(deps: CommandDeps, actor: Actor, userId: string, tokenId: string): Promise<WriteDetails> {
  const events = await deps.store.execute(actor, { type: "user", id: userId }, async (tx) =>
    user.removePersonalAccessToken(userId, await loadPersonalAccessToken({ tx, instanceId: actor.instanceId, orgId: actor.orgId }, userId, tokenId)),
  );
  return detailsOf(events);
}

function onUser(deps: CommandDeps, actor: Actor, userId: string, decide: (state: UserState | undefined) => Decision) {
  return deps.store.execute(actor, { type: "user", id: userId }, async (tx) =>
    decide(await loadUser({ tx, instanceId: actor.instanceId, orgId: actor.orgId }, userId)),
  );
}
