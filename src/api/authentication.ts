import { readFile } from "node:fs/promises";
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from "jose";
import { accessTokenDigest } from "../domain/secrets.js";
import type { TokenOwner } from "../store/queries/auth-queries.js";
import type { Queries } from "../store/queries/queries.js";

export interface JwtTrust {
  issuer: string;
  audience: string | undefined;
  jwks: { url: string } | { file: string };
}

/** Finds who a bearer token belongs to; undefined for anything that is not a valid token. */
export type Authenticate = (token: string) => Promise<TokenOwner | undefined>;

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/** Tokens keygate issued itself (oauth/oauth-service.ts): its own JWTs told apart from other issuers'. */
export interface IssuedTokens {
  isOwnJwt(token: string): Promise<boolean>;
  owner(token: string): Promise<TokenOwner | undefined>;
}

/**
 * Personal access tokens and the tokens keygate issued to service users (those that may call its
 * API) always; with a trusted issuer also its JWT access tokens (RS256 or ES256, signature, issuer,
 * audience and expiry checked), whose `sub` names an active keygate user. Tokens expire by `now`
 * (a test clock in tests), the clock keygate's own tokens are issued by.
 */
export async function createAuthenticator(queries: Queries, jwt: JwtTrust | undefined, issued?: IssuedTokens, now: () => Date = () => new Date()): Promise<Authenticate> {
  const byPat: Authenticate = (token) => queries.findTokenOwner(accessTokenDigest(token), now());
  const opaque: Authenticate = issued ? async (token) => (await byPat(token)) ?? issued.owner(token) : byPat;
  const keys = jwt && (await jwksOf(jwt));
  return async (token) => {
    if (!JWT_SHAPE.test(token)) return opaque(token);
    if (issued && (await issued.isOwnJwt(token))) return issued.owner(token);
    if (!jwt || !keys) return byPat(token);
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: jwt.issuer,
        algorithms: ["RS256", "ES256"],
        ...(jwt.audience === undefined ? {} : { audience: jwt.audience }),
        requiredClaims: ["sub", "exp"],
        currentDate: now(),
      });
      const user = payload.sub === undefined ? undefined : await queries.findActiveUser(payload.sub);
      return user && payload.exp !== undefined ? { ...user, expiresAt: new Date(payload.exp * 1000) } : user;
    } catch {
      return undefined;
    }
  };
}

async function jwksOf(jwt: JwtTrust): Promise<JWTVerifyGetKey> {
  if ("url" in jwt.jwks) return createRemoteJWKSet(new URL(jwt.jwks.url));
  return createLocalJWKSet(JSON.parse(await readFile(jwt.jwks.file, "utf8")));
}
