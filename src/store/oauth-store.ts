import type { NewAccessToken } from "../domain/access-token.js";
import type { NewAppAccessToken } from "../domain/app-access-token.js";
import type { KeyLifetimes, SigningKeyState } from "../domain/signing-key.js";
import { ensureSigningKey, recordAppToken, recordIssuedToken, revokeIssuedToken } from "./commands/oauth-commands.js";
import { findAppGrant, findAppRoleKeys, findAppToken, type AppGrant, type IssuedAppToken } from "./queries/app-token-queries.js";
import type { Actor } from "./event-store.js";
import { AccessTokenType } from "../domain/user.js";
import type { Store } from "./open-store.js";
import { findMachineKey, findMachineUserByClientId, findMachineUserById, type MachineUserCredentials } from "./queries/machine-credential-queries.js";
import { existingProjects, findApiClient, findApiClientKey, findIssuedToken, findSigningKeys, recordSecretUse, useAssertionId, type ApiClient, type IssuedToken, type StoredSecret } from "./queries/oauth-queries.js";

export type { ApiClient, AppGrant, IssuedAppToken, IssuedToken, StoredSecret };

/** A service user as the token endpoint authenticates it. */
export interface MachineClient {
  userId: string;
  orgId: string;
  userName: string;
  active: boolean;
  accessTokenType: "bearer" | "jwt";
  /** Absent when the user has no secret. */
  secretHash?: string;
}

/** What the OAuth endpoints read and write, bound to one instance: the queries and commands they may use. */
export interface OAuthStore {
  instanceId: string;
  signingKeys(now: Date): Promise<SigningKeyState[]>;
  ensureSigningKey(candidate: SigningKeyState, lifetimes: KeyLifetimes, now: Date): Promise<void>;
  apiClient(clientId: string): Promise<ApiClient | undefined>;
  apiClientKey(clientId: string, keyId: string, now: Date): Promise<string | undefined>;
  /** Records an app secret's use at `now` unless one within `withinMs` is recorded. */
  recordSecretUse(appId: string, secretId: string, now: Date, withinMs: number): Promise<void>;
  issuedToken(by: { digest: string } | { id: string }, now: Date): Promise<IssuedToken | undefined>;
  existingProjects(projectIds: readonly string[]): Promise<Set<string>>;
  useAssertionId(issuer: string, jti: string, expiresAt: Date, now: Date): Promise<boolean>;
  /** Records a service user's token if its credential still holds at `now` (the endpoints' clock). */
  recordIssuedToken(now: Date, orgId: string, token: NewAccessToken): Promise<void>;
  revokeIssuedToken(actor: Actor, tokenId: string): Promise<void>;
  /** The service user a client id (its user name) names. */
  machineClient(clientId: string): Promise<MachineClient | undefined>;
  machineUser(userId: string): Promise<MachineClient | undefined>;
  /** The public key (PEM) of an unexpired key of the service user. */
  machineKey(userId: string, keyId: string, now: Date): Promise<string | undefined>;
  /** An API app's org and client credentials setting. */
  appGrant(appId: string): Promise<AppGrant | undefined>;
  /** Records an app's own token if its credential and setting still hold; returns the roles it holds then. */
  recordAppToken(now: Date, orgId: string, token: NewAppAccessToken): Promise<string[]>;
  appToken(by: { digest: string } | { id: string }, now: Date): Promise<IssuedAppToken | undefined>;
  appRoleKeys(appId: string): Promise<string[]>;
}

export function createOAuthStore(store: Pick<Store, "db" | "events">, instanceId: string): OAuthStore {
  const { db, events } = store;
  return {
    instanceId,
    signingKeys: (now) => findSigningKeys(db, instanceId, now),
    ensureSigningKey: (candidate, lifetimes, now) => ensureSigningKey(events, instanceId, candidate, lifetimes, now),
    apiClient: (clientId) => findApiClient(db, instanceId, clientId),
    apiClientKey: (clientId, keyId, now) => findApiClientKey(db, instanceId, clientId, keyId, now),
    recordSecretUse: (appId, secretId, now, withinMs) => recordSecretUse(db, instanceId, appId, secretId, now, withinMs),
    issuedToken: (by, now) => findIssuedToken(db, instanceId, by, now),
    existingProjects: (ids) => existingProjects(db, instanceId, ids),
    useAssertionId: (issuer, jti, expiresAt, now) => useAssertionId(db, instanceId, issuer, jti, expiresAt, now),
    recordIssuedToken: (now, orgId, token) => recordIssuedToken(events, instanceId, orgId, token, now),
    revokeIssuedToken: (actor, tokenId) => revokeIssuedToken(events, actor, tokenId),
    machineClient: async (clientId) => machineClientOf(await findMachineUserByClientId(db, clientId)),
    machineUser: async (userId) => machineClientOf(await findMachineUserById(db, userId)),
    appGrant: (appId) => findAppGrant(db, instanceId, appId),
    recordAppToken: (now, orgId, token) => recordAppToken(events, instanceId, orgId, token, now),
    appToken: (by, now) => findAppToken(db, instanceId, by, now),
    appRoleKeys: (appId) => findAppRoleKeys(db, instanceId, appId),
    async machineKey(userId, keyId, now) {
      const key = await findMachineKey(db, userId, keyId);
      return key && key.expiration.getTime() > now.getTime() ? key.publicKeyPem : undefined;
    },
  };
}

function machineClientOf(user: MachineUserCredentials | undefined): MachineClient | undefined {
  return (
    user && {
      userId: user.userId,
      orgId: user.orgId,
      userName: user.userName,
      active: user.state === "active",
      accessTokenType: user.accessTokenType === AccessTokenType.Jwt ? "jwt" : "bearer",
      ...(user.secretHash === undefined ? {} : { secretHash: user.secretHash }),
    }
  );
}
