import { issueAccessToken as decideIssue, requireCredentialHolds, revokeAccessToken as decideRevoke, type NewAccessToken } from "../../domain/access-token.js";
import { addSigningKey, type KeyLifetimes, type SigningKeyState } from "../../domain/signing-key.js";
import type { Actor, EventStore } from "../event-store.js";
import { findSigningKeys } from "../queries/oauth-queries.js";
import { loadCredentialState } from "../write-models.js";

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
export async function recordIssuedToken(store: EventStore, instanceId: string, orgId: string, token: NewAccessToken): Promise<void> {
  await store.execute(
    { instanceId, orgId, userId: token.userId },
    { type: "oidc_session", id: token.id, owner: orgId },
    async (tx) => {
      requireCredentialHolds(token.credential, await loadCredentialState({ tx, instanceId }, token.userId, token.credential), new Date());
      return decideIssue(token);
    },
    { hold: [{ type: "user", id: token.userId }] },
  );
}

/** Revokes an issued token, if it is still there. */
export async function revokeIssuedToken(store: EventStore, actor: Actor, tokenId: string): Promise<void> {
  await store.execute(actor, { type: "oidc_session", id: tokenId }, async (tx) => {
    const row = await tx.selectFrom("access_tokens").select("id").where("instance_id", "=", actor.instanceId).where("id", "=", tokenId).executeTakeFirst();
    return decideRevoke(row);
  });
}
