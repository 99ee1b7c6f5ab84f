import type { AppCredential } from "../../domain/app-access-token.js";
import { grantScopes } from "../../domain/oauth-scopes.js";
import { roleClaims } from "../../domain/project-role-claims.js";
import { accessTokenDigest, generateAccessToken } from "../../domain/secrets.js";
import { AccessTokenType } from "../../domain/user.js";
import type { ApiClient, IssuedAppToken } from "../../store/oauth-store.js";
import { credentialGoneIsInvalidClient, findByLookup, newTokenTimes, signAccessToken, tokenResponse, type TokenLookup, type TokenResponse } from "./access-tokens.js";
import type { OAuthDeps } from "./oauth-deps.js";
import { invalidScope, unauthorizedClient } from "./oauth-error.js";

/**
 * Issues an API app a token for itself (client credentials grant, keygate's extension): only with
 * its `clientCredentials` setting on (else unauthorized_client, RFC 6749 §5.2). The token is meant
 * for the app's own project (its `aud`), its subject and client id are the app's client id, and a
 * JWT carries the roles the app holds when the token is recorded, in ZITADEL's role claims. Scopes
 * as for service users, except those naming another audience (keygate's API, another project):
 * invalid_scope, as an app's token is for its own project only.
 */
export async function issueAppAccessToken(deps: OAuthDeps, app: ApiClient, credential: AppCredential, scope: string | undefined): Promise<TokenResponse> {
  const grant = await deps.store.appGrant(app.appId);
  if (!grant?.clientCredentials) throw unauthorizedClient("the client credentials grant is not enabled for this app (its clientCredentials setting is off)");
  const granted = grantScopes(scope);
  if (granted.apiAccess) throw invalidScope("an app's own token cannot call keygate's API");
  const other = granted.projectIds.find((projectId) => projectId !== app.projectId);
  if (other !== undefined) throw invalidScope(`an app's own token is meant for its own project, not for project ${other}`);
  const claims = { ...newTokenTimes(deps), subject: app.clientId, clientId: app.clientId, audience: [app.projectId], scopes: granted.scopes };
  const type = grant.accessTokenType === AccessTokenType.Jwt ? "jwt" : "bearer";
  const opaque = type === "bearer" ? generateAccessToken() : undefined;
  const roleKeys = await deps.store
    .recordAppToken(deps.now(), grant.orgId, {
      id: claims.id,
      appId: app.appId,
      projectId: app.projectId,
      clientId: app.clientId,
      audience: claims.audience,
      scopes: claims.scopes,
      type,
      credential,
      issuedAt: claims.issuedAt,
      expiresAt: claims.expiresAt,
      ...(opaque === undefined ? {} : { digest: accessTokenDigest(opaque) }),
    })
    .catch(credentialGoneIsInvalidClient);
  const accessToken = opaque ?? (await signAccessToken(deps, claims, roleClaims(app.projectId, roleKeys, { orgId: grant.orgId, primaryDomain: grant.orgPrimaryDomain })));
  return tokenResponse(deps, accessToken, claims.scopes);
}

/** An unexpired app token, whatever the state of its app (callers decide); a JWT's `sub` must be the app's client id. */
export const appToken = (deps: Pick<OAuthDeps, "store">, lookup: TokenLookup, now: Date): Promise<IssuedAppToken | undefined> =>
  findByLookup((by, at) => deps.store.appToken(by, at), (found) => found.clientId, lookup, now);
