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
  const audience = audienceOf(granted, deps.store.instanceId);
  const type: AccessTokenType = user.accessTokenType;
  const claims = { ...newTokenTimes(deps), clientId, audience, scopes: granted.scopes };
  const accessToken = type === "jwt" ? await signAccessToken(deps, { ...claims, subject: user.userId }) : generateAccessToken();
  await deps.store
    .recordIssuedToken(deps.now(), user.orgId, {
      ...claims,
      userId: user.userId,
      type,
      credential,
      ...(type === "bearer" ? { digest: accessTokenDigest(accessToken) } : {}),
    })
    .catch(credentialGoneIsInvalidClient);
  return tokenResponse(deps, accessToken, granted.scopes);
}

/** A new token's id (its `jti`), issue time (whole seconds by the endpoints' clock, as `iat`) and expiry. */
export function newTokenTimes(deps: Pick<OAuthDeps, "ids" | "accessTokenLifetimeSeconds" | "now">): { id: string; issuedAt: Date; expiresAt: Date } {
  const issuedAt = new Date(Math.floor(deps.now().getTime() / 1000) * 1000);
  return { id: deps.ids.next(), issuedAt, expiresAt: new Date(issuedAt.getTime() + deps.accessTokenLifetimeSeconds * 1000) };
}

/** The client's secret or key was taken away (or the client deactivated) since it was checked: the client is not authenticated. */
export function credentialGoneIsInvalidClient(error: unknown): never {
  throw error instanceof DomainError && error.id === credentialGone().id ? invalidClient("client authentication failed") : error;
}

export function tokenResponse(deps: Pick<OAuthDeps, "accessTokenLifetimeSeconds">, accessToken: string, scopes: readonly string[]): TokenResponse {
  return { access_token: accessToken, token_type: "Bearer", expires_in: deps.accessTokenLifetimeSeconds, scope: scopes.join(" ") };
}

export interface AccessTokenClaims {
  id: string;
  /** The service user's id, or the client id of an app that got the token for itself. */
  subject: string;
  clientId: string;
  audience: string[];
  scopes: string[];
  issuedAt: Date;
  expiresAt: Date;
}

/** A JWT access token as ZITADEL's: iss, sub, aud, exp, iat, nbf, jti, client_id and scope (and `extra`, such as role claims). */
export async function signAccessToken(deps: OAuthDeps, claims: AccessTokenClaims, extra: Record<string, unknown> = {}): Promise<string> {
  const signer = await deps.keys.signer();
  return new SignJWT({ ...extra, client_id: claims.clientId, scope: claims.scopes.join(" ") })
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: signer.kid, typ: "JWT" })
    .setIssuer(deps.issuer)
    .setSubject(claims.subject)
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
 * How a presented token is looked up: an opaque token by its digest; a JWT by its `jti` (and the
 * `sub` it must belong to) once its signature, issuer and expiry hold. Undefined for a JWT that is
 * not keygate's or does not verify.
 */
export type TokenLookup = { digest: string } | { id: string; subject: string };

export async function tokenLookup(deps: Pick<OAuthDeps, "keys" | "issuer">, token: string, now: Date): Promise<TokenLookup | undefined> {
  if (!JWT_SHAPE.test(token)) return { digest: accessTokenDigest(token) };
  const kid = kidOf(token);
  const key = kid === undefined ? undefined : await deps.keys.verificationKey(kid);
  if (!key) return undefined;
  try {
    const { payload } = await jwtVerify(token, key, { issuer: deps.issuer, algorithms: [SIGNING_ALGORITHM], requiredClaims: ["jti", "sub", "exp"], currentDate: now });
    return { id: payload.jti!, subject: payload.sub! };
  } catch {
    return undefined;
  }
}

/** The unexpired (by the endpoints' clock), unrevoked token keygate issued to a service user, whatever the state of its user (callers decide). */
export async function findIssuedToken(deps: Pick<OAuthDeps, "keys" | "store" | "issuer" | "now">, token: string): Promise<IssuedToken | undefined> {
  const now = deps.now();
  const lookup = await tokenLookup(deps, token, now);
  return lookup && userToken(deps, lookup, now);
}

export const userToken = (deps: Pick<OAuthDeps, "store">, lookup: TokenLookup, now: Date) =>
  findByLookup((by, at) => deps.store.issuedToken(by, at), (found) => found.userId, lookup, now);

/** A token found as `lookup` says; a JWT's row must be a JWT's and belong to the JWT's `sub`. */
export async function findByLookup<T extends { tokenType: "bearer" | "jwt" }>(
  find: (by: { digest: string } | { id: string }, now: Date) => Promise<T | undefined>,
  subjectOf: (found: T) => string,
  lookup: TokenLookup,
  now: Date,
): Promise<T | undefined> {
  if ("digest" in lookup) return find(lookup, now);
  const found = await find({ id: lookup.id }, now);
  return found?.tokenType === "jwt" && subjectOf(found) === lookup.subject ? found : undefined;
}

function kidOf(token: string): string | undefined {
  try {
    const { kid } = decodeProtectedHeader(token);
    return typeof kid === "string" ? kid : undefined;
  } catch {
    return undefined;
  }
}
