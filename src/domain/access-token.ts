import { decide, type Decision } from "./decision.js";
import { unauthenticated } from "./errors.js";
import { event } from "./events.js";

export type AccessTokenType = "bearer" | "jwt";

/** How the service user proved who it is when it got the token: the secret by the hash it matched, or a key. */
export type ClientCredential = { kind: "secret"; secretHash: string } | { kind: "key"; keyId: string };

/** What the store holds, when the token is recorded, of the user and the credential it proved itself with. */
export interface CredentialState {
  userActive: boolean;
  /** The user's secret hash now (absent: removed). */
  secretHash?: string;
  /** The key's expiry, when the credential is a key that still exists. */
  keyExpiration?: Date;
}

/**
 * A token is recorded only while what it was issued on still holds: the user active, the secret the
 * same one that was verified, the key there and unexpired. Checked under the user's lock, so a
 * credential taken away between its check and the token's record cannot leave a token behind.
 */
export function requireCredentialHolds(credential: ClientCredential, state: CredentialState | undefined, now: Date): void {
  const holds =
    state?.userActive === true &&
    (credential.kind === "secret" ? state.secretHash === credential.secretHash : state.keyExpiration !== undefined && state.keyExpiration.getTime() > now.getTime());
  if (!holds) throw credentialGone();
}

/** The credential a token was about to be issued on was taken away meanwhile. */
export const credentialGone = () => unauthenticated("OIDC-cr3dG", "the client's credential is no longer valid");

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
export const AUTH_METHOD = { secret: "password", key: "private_key" } as const;

/** One session per token, as ZITADEL records the client credentials and JWT profile grants. */
export function issueAccessToken(token: NewAccessToken): Decision {
  const lifetime = Math.round((token.expiresAt.getTime() - token.issuedAt.getTime()) / 1000);
  return decide([
    event("oidc_session", token.id, "oidc_session.added", { userID: token.userId, ...sessionFields(token) }),
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

/** What a token's session records of who got it, for what and how, a service user's and an app's alike (ZITADEL's names). */
export function sessionFields(token: Pick<NewAccessToken, "clientId" | "audience" | "scopes" | "issuedAt"> & { credential: { kind: keyof typeof AUTH_METHOD } }) {
  return {
    clientID: token.clientId,
    audience: token.audience,
    scope: token.scopes,
    authMethods: [AUTH_METHOD[token.credential.kind]],
    authTime: token.issuedAt.toISOString(),
  };
}

/** Revoking a token that is gone already changes nothing (RFC 7009 answers 200 all the same). */
export function revokeAccessToken(token: { id: string } | undefined): Decision {
  return decide(token ? [event("oidc_session", token.id, "oidc_session.access_token.revoked", { id: token.id })] : []);
}
