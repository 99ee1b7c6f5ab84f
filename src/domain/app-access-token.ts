import { credentialGone, sessionFields, type NewAccessToken } from "./access-token.js";
import { ApiAuthMethod } from "./app.js";
import { decide, type Decision } from "./decision.js";
import { event } from "./events.js";

/** How an API app proved who it is: one of its secrets (by id), or one of its keys. */
export type AppCredential = { kind: "secret"; secretId: string } | { kind: "key"; keyId: string };

/** What the store holds, when an app's token is recorded, of the app and the credential it proved itself with. */
export interface AppCredentialState {
  active: boolean;
  clientCredentials: boolean;
  authMethod: ApiAuthMethod;
  /** The ids of the app's secrets that authenticate it now (unexpired). */
  liveSecretIds: readonly string[];
  /** The key's expiry, when the credential is a key of the app that still exists. */
  keyExpiration?: Date;
}

/**
 * An app's token is recorded only while what it was issued on still holds: the app active, its
 * client credentials grant on, the secret one of its live secrets (a BASIC app) or the key there
 * and unexpired (a private-key-JWT app). Checked under the project's lock, so a secret, key or
 * setting taken away between its check and the token's record cannot leave a token behind.
 */
export function requireAppCredentialHolds(credential: AppCredential, state: AppCredentialState | undefined, now: Date): void {
  const holds =
    state?.active === true &&
    state.clientCredentials &&
    (credential.kind === "secret"
      ? state.authMethod === ApiAuthMethod.Basic && state.liveSecretIds.includes(credential.secretId)
      : state.authMethod === ApiAuthMethod.PrivateKeyJwt && state.keyExpiration !== undefined && state.keyExpiration.getTime() > now.getTime());
  if (!holds) throw credentialGone();
}

/** A token an API app obtains for itself, as a service user's but for the app. Its audience is the app's project. */
export interface NewAppAccessToken extends Omit<NewAccessToken, "userId" | "credential"> {
  appId: string;
  projectId: string;
  credential: AppCredential;
}

/** One event per token (an `oidc_session` aggregate of its own, as service users' tokens). */
export function issueAppAccessToken(token: NewAppAccessToken): Decision {
  return decide([
    event("oidc_session", token.id, "keygate.app.token.added", {
      appId: token.appId,
      projectId: token.projectId,
      ...sessionFields(token),
      expiration: token.expiresAt.toISOString(),
      tokenType: token.type,
      ...(token.digest === undefined ? {} : { tokenDigest: token.digest }),
      ...(token.credential.kind === "key" ? { keyID: token.credential.keyId } : { secretID: token.credential.secretId }),
    }),
  ]);
}
