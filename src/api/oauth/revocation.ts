import { findIssuedToken } from "./access-tokens.js";
import { authenticateMachineClient } from "./client-authentication.js";
import type { OAuthDeps } from "./oauth-deps.js";
import { invalidClient, invalidRequest } from "./oauth-error.js";
import type { OAuthRequest } from "./oauth-request.js";

/**
 * `POST /oauth/v2/revoke` (RFC 7009): a service user revokes a token issued to it. An unknown,
 * expired or already revoked token answers 200 all the same; another client's token is refused
 * as ZITADEL refuses it ("token was not issued for this client").
 */
export async function revocationEndpoint(deps: OAuthDeps, request: OAuthRequest): Promise<undefined> {
  const { user } = await authenticateMachineClient(deps, request, "revoke", ["client_secret_basic", "client_secret_post", "private_key_jwt"]);
  const token = request.params.get("token");
  if (!token) throw invalidRequest("token missing");
  const found = await findIssuedToken(deps, token);
  if (!found) return undefined;
  if (found.userId !== user.userId) throw invalidClient("token was not issued for this client");
  await deps.store.revokeIssuedToken({ instanceId: deps.store.instanceId, orgId: found.orgId, userId: user.userId }, found.id);
  return undefined;
}
