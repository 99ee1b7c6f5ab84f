import { authenticateRevokingClient, type GrantClient } from "./client-authentication.js";
import { findAnyToken, type IssuedAnyToken } from "./issued-tokens.js";
import type { OAuthDeps } from "./oauth-deps.js";
import { invalidClient, invalidRequest } from "./oauth-error.js";
import type { OAuthRequest } from "./oauth-request.js";

/**
 * `POST /oauth/v2/revoke` (RFC 7009): a service user revokes a token issued to it, an API app a
 * token it got for itself (client credentials grant). An unknown, expired or already revoked token
 * answers 200 all the same; another client's token (another user's or app's, an app's for a user,
 * a user's for an app) is refused as ZITADEL refuses it ("token was not issued for this client").
 */
export async function revocationEndpoint(deps: OAuthDeps, request: OAuthRequest): Promise<undefined> {
  const client = await authenticateRevokingClient(deps, request);
  const token = request.params.get("token");
  if (!token) throw invalidRequest("token missing");
  const found = await findAnyToken(deps, token, deps.now());
  if (!found) return undefined;
  if (!issuedTo(found, client)) throw invalidClient("token was not issued for this client");
  const actor = { instanceId: deps.store.instanceId, orgId: found.token.orgId, userId: client.kind === "user" ? client.user.userId : client.app.appId };
  await deps.store.revokeIssuedToken(actor, found.token.id);
  return undefined;
}

function issuedTo(found: IssuedAnyToken, client: GrantClient): boolean {
  if (found.kind === "user") return client.kind === "user" && found.token.userId === client.user.userId;
  return client.kind === "app" && found.token.appId === client.app.appId;
}
