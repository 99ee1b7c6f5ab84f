import { issueAccessToken, type TokenResponse } from "./access-tokens.js";
import { issueAppAccessToken } from "./app-tokens.js";
import { authenticateGrantClient } from "./client-authentication.js";
import { AssertionError, assertionSigner, verifyAssertion } from "./jwt-assertion.js";
import type { OAuthDeps } from "./oauth-deps.js";
import { invalidGrant, invalidRequest, unsupportedGrantType } from "./oauth-error.js";
import type { OAuthRequest } from "./oauth-request.js";

export const GRANT_CLIENT_CREDENTIALS = "client_credentials";
export const GRANT_JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
export const GRANT_TYPES = [GRANT_CLIENT_CREDENTIALS, GRANT_JWT_BEARER] as const;

/** `POST /oauth/v2/token`: the client credentials grant and the JWT profile grant (RFC 7523) for service users. */
export async function tokenEndpoint(deps: OAuthDeps, request: OAuthRequest): Promise<TokenResponse> {
  const grantType = request.params.get("grant_type");
  if (!grantType) throw invalidRequest("grant_type missing");
  if (grantType === GRANT_CLIENT_CREDENTIALS) return clientCredentials(deps, request);
  if (grantType === GRANT_JWT_BEARER) return jwtProfile(deps, request);
  throw unsupportedGrantType(`grant_type ${JSON.stringify(grantType.slice(0, 100))} is not supported`);
}

/**
 * For a service user, the client id is its user name, as in ZITADEL, and its secret the client
 * secret; an API app (keygate's extension) uses its client id and secret or a JWT signed by its key.
 */
async function clientCredentials(deps: OAuthDeps, request: OAuthRequest): Promise<TokenResponse> {
  const client = await authenticateGrantClient(deps, request);
  const scope = request.params.get("scope");
  if (client.kind === "app") return issueAppAccessToken(deps, client.app, client.credential, scope);
  return issueAccessToken(deps, client.user, client.credential, client.user.userName, scope);
}

/**
 * The assertion is the grant: signed by one of the user's keys (`kid`), `iss` = `sub` = the user
 * id, `aud` = the issuer. A `jti` may be used once while the assertion lives.
 */
async function jwtProfile(deps: OAuthDeps, request: OAuthRequest): Promise<TokenResponse> {
  const assertion = request.params.get("assertion");
  if (!assertion) throw invalidRequest("assertion missing");
  const now = deps.now();
  try {
    const signer = assertionSigner(assertion);
    const user = await deps.store.machineUser(signer.subject);
    if (!user?.active) throw invalidGrant("the assertion's subject is not an active service user");
    const publicKey = await deps.store.machineKey(user.userId, signer.keyId, now);
    if (publicKey === undefined) throw invalidGrant("the assertion's key does not exist or has expired");
    const verified = await verifyAssertion(assertion, signer, publicKey, deps.issuer, now);
    if (verified.jti !== undefined && !(await deps.store.useAssertionId(user.userId, verified.jti, verified.expiresAt, now))) {
      throw invalidGrant("the assertion's jti was used already");
    }
    return await issueAccessToken(deps, user, { kind: "key", keyId: signer.keyId }, user.userId, request.params.get("scope"));
  } catch (error) {
    throw error instanceof AssertionError ? invalidGrant(error.message) : error;
  }
}

