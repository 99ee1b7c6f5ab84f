import { decodeProtectedHeader, jwtVerify, SignJWT } from "jose";
import { credentialGone, type AccessTokenType, type ClientCredential } from "../../domain/access-token.js";
import { DomainError } from "../../domain/errors.js";
import { audienceOf, grantScopes } from "../../domain/oauth-scopes.js";
import { accessTokenDigest, generateAccessToken } from "../../domain/secrets.js";
import { SIGNING_ALGORITHM } from "../../domain/signing-key.js";
import type { IssuedToken, MachineClient } from "../../store/oauth-store.js";
import type { OAuthDeps } from "./oauth-deps.js";
import { invalidClient, invalidScope } from "./oauth-error.js";

/** RFC 6749 §5.1's successful token response. */
export interface TokenResponse {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  scope: string;
}

/**
 * Issues a token to an authenticated service user: opaque (256 random bits, stored as a SHA-256
 * digest) or an RS256 JWT, as the user's access token type says, recorded as its own session.
 * A project scope that names no project of the instance is invalid_scope; unknown scopes are
 * left out, as ZITADEL leaves them out.
 */
export async function issueAccessToken(deps: OAuthDeps, user: MachineClient, credential: ClientCredential, clientId: string, scope: string | undefined): Promise<TokenResponse> {
  const granted = grantScopes(scope);
  if (granted.projectIds.length > 0) {
    const existing = await deps.store.existingProjects(granted.projectIds);
    const unknown = granted.projectIds.find((id) => !existing.has(id));
    if (unknown !== undefined) throw invalidScope(`project ${unknown} does not exist`);
  }
  const id = deps.ids.next();
  const issuedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
  const expiresAt = new Date(issuedAt.getTime() + deps.accessTokenLifetimeSeconds * 1000);
  const audience = audienceOf(granted, deps.store.instanceId);
  const type: AccessTokenType = user.accessTokenType;
  const claims = { id, userId: user.userId, clientId, audience, scopes: granted.scopes, issuedAt, expiresAt };
  const accessToken = type === "jwt" ? await signAccessToken(deps, claims) : generateAccessToken();
  await deps.store
    .recordIssuedToken(user.orgId, {
      ...claims,
      type,
      credential,
      ...(type === "bearer" ? { digest: accessTokenDigest(accessToken) } : {}),
    })
    .catch((error: unknown) => {
      // Its secret or key was taken away (or the user deactivated) since it was checked: the client is not authenticated.
      throw error instanceof DomainError && error.id === credentialGone().id ? invalidClient("client authentication failed") : error;
    });
  return { access_token: accessToken, token_type: "Bearer", expires_in: deps.accessTokenLifetimeSeconds, scope: granted.scopes.join(" ") };
}

interface AccessTokenClaims {
  id: string;
  userId: string;
  clientId: string;
  audience: string[];
  scopes: string[];
  issuedAt: Date;
  expiresAt: Date;
}

/** A JWT access token as ZITADEL's: iss, sub, aud, exp, iat, nbf, jti, client_id and scope. */
async function signAccessToken(deps: OAuthDeps, claims: AccessTokenClaims): Promise<string> {
  const signer = await deps.keys.signer();
  return new SignJWT({ client_id: claims.clientId, scope: claims.scopes.join(" ") })
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: signer.kid, typ: "JWT" })
    .setIssuer(deps.issuer)
    .setSubject(claims.userId)
    .setAudience(claims.audience)
    .setIssuedAt(claims.issuedAt)
    .setNotBefore(claims.issuedAt)
    .setExpirationTime(claims.expiresAt)
    .setJti(claims.id)
    .sign(signer.key);
}

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/** Whether a JWT names one of the instance's signing keys as its signer (else it may be another issuer's). */
export async function isOwnJwt(deps: Pick<OAuthDeps, "keys">, token: string): Promise<boolean> {
  if (!JWT_SHAPE.test(token)) return false;
  const kid = kidOf(token);
  return kid !== undefined && (await deps.keys.verificationKey(kid)) !== undefined;
}

/**
 * The unexpired, unrevoked token keygate issued, whatever the state of its user (callers decide):
 * an opaque token by its digest; a JWT by its `jti` once its signature, issuer and expiry hold.
 */
export async function findIssuedToken(deps: Pick<OAuthDeps, "keys" | "store" | "issuer">, token: string): Promise<IssuedToken | undefined> {
  const now = new Date();
  if (!JWT_SHAPE.test(token)) return deps.store.issuedToken({ digest: accessTokenDigest(token) }, now);
  const kid = kidOf(token);
  const key = kid === undefined ? undefined : await deps.keys.verificationKey(kid);
  if (!key) return undefined;
  try {
    const { payload } = await jwtVerify(token, key, { issuer: deps.issuer, algorithms: [SIGNING_ALGORITHM], requiredClaims: ["jti", "sub", "exp"], currentDate: now });
    const found = await deps.store.issuedToken({ id: payload.jti! }, now);
    return found?.tokenType === "jwt" && found.userId === payload.sub ? found : undefined;
  } catch {
    return undefined;
  }
}

function kidOf(token: string): string | undefined {
  try {
    const { kid } = decodeProtectedHeader(token);
    return typeof kid === "string" ? kid : undefined;
  } catch {
    return undefined;
  }
}
