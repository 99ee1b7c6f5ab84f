import { SCOPE_RESOURCE_OWNER } from "../../domain/oauth-scopes.js";
import type { IssuedToken } from "../../store/oauth-store.js";
import { findIssuedToken } from "./access-tokens.js";
import { authenticateApiClient } from "./client-authentication.js";
import type { OAuthDeps } from "./oauth-deps.js";
import { invalidRequest } from "./oauth-error.js";
import type { OAuthRequest } from "./oauth-request.js";
import { tokenKey } from "./recent-lookups.js";

const INACTIVE = { active: false } as const;

/**
 * `POST /oauth/v2/introspect` (RFC 7662) for an API app. As in ZITADEL, an app sees a token as
 * active only when the token is meant for the app's project (its audience names the project);
 * unknown, expired and revoked tokens, and those of deactivated or removed users, are inactive.
 */
export async function introspectionEndpoint(deps: OAuthDeps, request: OAuthRequest): Promise<Record<string, unknown>> {
  const app = await authenticateApiClient(deps, request, "introspect");
  const token = request.params.get("token");
  if (!token) throw invalidRequest("token missing");
  // An app introspects the tokens its callers bring, the same ones again and again.
  const found = await deps.lookups.remembered(tokenKey(token), () => findIssuedToken(deps, token), (facts) => facts.expiresAt.getTime());
  if (!found?.userActive || !found.audience.includes(app.projectId)) return INACTIVE;
  return introspectionOf(found, deps.issuer);
}

/** The fields ZITADEL's introspection answers with for a service user's token. */
function introspectionOf(token: IssuedToken, issuer: string): Record<string, unknown> {
  const iat = Math.floor(token.issuedAt.getTime() / 1000);
  return {
    active: true,
    scope: token.scopes.join(" "),
    client_id: token.clientId,
    token_type: "Bearer",
    exp: Math.floor(token.expiresAt.getTime() / 1000),
    iat,
    nbf: iat,
    sub: token.userId,
    aud: token.audience,
    iss: issuer,
    jti: token.id,
    username: token.userName,
    ...(token.scopes.includes(SCOPE_RESOURCE_OWNER)
      ? {
          [`${SCOPE_RESOURCE_OWNER}:id`]: token.orgId,
          [`${SCOPE_RESOURCE_OWNER}:name`]: token.orgName,
          [`${SCOPE_RESOURCE_OWNER}:primary_domain`]: token.orgPrimaryDomain,
        }
      : {}),
  };
}
