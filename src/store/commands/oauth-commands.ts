import { issueAccessToken as decideIssue, requireCredentialHolds, revokeAccessToken as decideRevoke, type NewAccessToken } from "../../domain/access-token.js";
import { issueAppAccessToken, requireAppCredentialHolds, type NewAppAccessToken } from "../../domain/app-access-token.js";
import { addSigningKey, type KeyLifetimes, type SigningKeyState } from "../../domain/signing-key.js";
import type { Actor, EventStore } from "../event-store.js";
import { findAppRoleKeys } from "../queries/app-token-queries.js";
import { findSigningKeys } from "../queries/oauth-queries.js";
import { loadAppCredentialState, loadCredentialState } from "../write-models.js";

/** ZITADEL's creator of events the system writes on its own. */
const SYSTEM = "SYSTEM";

/**
 * Adds `candidate` as the instance's signing key unless a usable one exists, deciding under the
 * instance's lock so that processes starting together agree on one key.
 */
export async function ensureSigningKey(store: EventStore, instanceId: string, candidate: SigningKeyState, lifetimes: KeyLifetimes, now: Date): Promise<void> {
  const actor: Actor = { instanceId, orgId: instanceId, userId: SYSTEM };
  await store.execute(actor, { type: "instance", id: instanceId, owner: instanceId }, async (tx) => addSigningKey(await findSigningKeys(tx, instanceId, now), candidate, lifetimes, now));
}

/**
 * Records an issued token as its own session aggregate, owned by the user's org, holding the user:
 * a command that takes the user's secret or key away waits for it, or it sees that command's result
 * and refuses (`credentialGone`), so no token outlives the credential it was issued on.
 */
export async function recordIssuedToken(store: EventStore, instanceId: string, orgId: string, token: NewAccessToken, now: Date): Promise<void> {
  await store.execute(
    { instanceId, orgId, userId: token.userId },
    { type: "oidc_session", id: token.id, owner: orgId },
    async (tx) => {
      requireCredentialHolds(token.credential, await loadCredentialState({ tx, instanceId }, token.userId, token.credential), now);
      return decideIssue(token);
    },
    { hold: [{ type: "user", id: token.userId }] },
  );
}

/**
 * Records a token an API app obtained for itself, owned by the app's org, holding the app's project
 * (the aggregate its roles, secrets, keys and setting live in): the app's credential and setting are
 * checked (expiry by `now`, the endpoints' clock), and its roles read, as they are when the token lands. Returns those roles, for a JWT's claims.
 */
export async function recordAppToken(store: EventStore, instanceId: string, orgId: string, token: NewAppAccessToken, now: Date): Promise<string[]> {
  let roleKeys: string[] = [];
  await store.execute(
    { instanceId, orgId, userId: token.appId },
    { type: "oidc_session", id: token.id, owner: orgId },
    async (tx) => {
      const scope = { tx, instanceId };
      const [state, roles] = await Promise.all([loadAppCredentialState(scope, token.appId, token.credential, now), findAppRoleKeys(tx, instanceId, token.appId)]);
      requireAppCredentialHolds(token.credential, state, now);
      roleKeys = roles;
      return issueAppAccessToken(token);
    },
    { hold: [{ type: "project", id: token.projectId }] },
  );
  return roleKeys;
}

/** Revokes a token issued to a service user or to an API app for itself, if it is still there. */
export async function revokeIssuedToken(store: EventStore, actor: Actor, tokenId: string): Promise<void> {
  await store.execute(actor, { type: "oidc_session", id: tokenId }, async (tx) => {
    const row = await tx
      .selectFrom("access_tokens")
      .select("id")
      .where("instance_id", "=", actor.instanceId)
      .where("id", "=", tokenId)
      .union((db) => db.selectFrom("app_access_tokens").select("id").where("instance_id", "=", actor.instanceId).where("id", "=", tokenId))
      .executeTakeFirst();
    return decideRevoke(row);
  });
}
