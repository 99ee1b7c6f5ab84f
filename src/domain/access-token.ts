import { decide, type Decision } from "./decision.js";
import { event } from "./events.js";

export type AccessTokenType = "bearer" | "jwt";

/** How the service user proved who it is when it got the token. */
export type ClientCredential = { kind: "secret" } | { kind: "key"; keyId: string };

/** A token keygate issues to a service user. Its id is the JWT's `jti` and the session's id. */
export interface NewAccessToken {
  id: string;
  userId: string;
  clientId: string;
  audience: string[];
  scopes: string[];
  type: AccessTokenType;
  /** SHA-256 of an opaque token; a JWT is found by its id instead. */
  digest?: string;
  credential: ClientCredential;
  issuedAt: Date;
  expiresAt: Date;
}

/** ZITADEL's auth method names in `oidc_session.added`. */
const AUTH_METHOD = { secret: "password", key: "private_key" } as const;

/** One session per token, as ZITADEL records the client credentials and JWT profile grants. */
export function issueAccessToken(token: NewAccessToken): Decision {
  const lifetime = Math.round((token.expiresAt.getTime() - token.issuedAt.getTime()) / 1000);
  return decide([
    event("oidc_session", token.id, "oidc_session.added", {
      userID: token.userId,
      clientID: token.clientId,
      audience: token.audience,
      scope: token.scopes,
      authMethods: [AUTH_METHOD[token.credential.kind]],
      authTime: token.issuedAt.toISOString(),
    }),
    event("oidc_session", token.id, "oidc_session.access_token.added", {
      id: token.id,
      scope: token.scopes,
      lifetime,
      expiration: token.expiresAt.toISOString(),
      tokenType: token.type,
      ...(token.digest === undefined ? {} : { tokenDigest: token.digest }),
      ...(token.credential.kind === "key" ? { keyID: token.credential.keyId } : {}),
    }),
  ]);
}

/** Revoking a token that is gone already changes nothing (RFC 7009 answers 200 all the same). */
export function revokeAccessToken(token: { id: string } | undefined): Decision {
  return decide(token ? [event("oidc_session", token.id, "oidc_session.access_token.revoked", { id: token.id })] : []);
}
