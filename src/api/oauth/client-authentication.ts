import type { ClientCredential } from "../../domain/access-token.js";
import type { AppCredential } from "../../domain/app-access-token.js";
import { ApiAuthMethod } from "../../domain/app.js";
import { verifySecret } from "../../domain/secrets.js";
import { isExpired } from "../../domain/app-secret.js";
import type { ApiClient, MachineClient, StoredSecret } from "../../store/oauth-store.js";
import { presentedCredentials, type ClientAuthMethod, type PresentedCredentials } from "./client-credentials.js";
import { AssertionError, assertionSigner, verifyAssertion } from "./jwt-assertion.js";
import type { OAuthDeps } from "./oauth-deps.js";
import { invalidClient, OAuthError } from "./oauth-error.js";
import type { OAuthEndpointName, OAuthRequest } from "./oauth-request.js";

/** What every failed client authentication says: which check failed is not the client's business. */
const CLIENT_AUTH_FAILED = "client authentication failed";


/**
 * The API app calling the introspection endpoint, with any of its live secrets (client_secret_basic)
 * or a JWT signed by one of its keys (private_key_jwt). A deactivated or removed app, a wrong,
 * removed, expired or replaced secret, an expired or removed key: invalid_client. The app and its
 * secrets come from the recent lookups (recent-lookups.ts): a secret removed through this process
 * fails at once, through another within a second; expiry (of secrets, keys and assertions) is checked
 * on every call, by the endpoints' clock (`deps.now`).
 */
export async function authenticateApiClient(
  deps: OAuthDeps,
  request: OAuthRequest,
  endpoint: OAuthEndpointName,
  allowed: readonly ClientAuthMethod[] = ["client_secret_basic", "private_key_jwt"],
): Promise<ApiClient & { credential: AppCredential }> {
  return counted(deps, endpoint, async () => {
    const presented = presentedCredentials(request, allowed);
    if (presented.method !== "private_key_jwt") {
      const app = await deps.store.apiClient(presented.clientId);
      if (!app?.active || app.authMethod !== ApiAuthMethod.Basic) throw invalidClient(CLIENT_AUTH_FAILED);
      const now = deps.now();
      const secret = await matchingSecret(deps, presented.secret, app, now);
      await deps.secretUses.record(app.appId, secret.id, now);
      return { ...app, credential: { kind: "secret", secretId: secret.id } };
    }
    const signer = signerOf(presented.assertion);
    const app = await deps.store.apiClient(signer.subject);
    if (!app?.active || app.authMethod !== ApiAuthMethod.PrivateKeyJwt) throw invalidClient(CLIENT_AUTH_FAILED);
    const publicKey = await deps.store.apiClientKey(app.clientId, signer.keyId, deps.now());
    if (publicKey === undefined) throw invalidClient(CLIENT_AUTH_FAILED);
    await checkClientAssertion(deps, presented.assertion, signer, publicKey);
    return { ...app, credential: { kind: "key", keyId: signer.keyId } };
  });
}

/** The service user the presented credentials prove (its user name and secret, or a JWT signed by one of its keys), else invalid_client. */
async function machineClientOf(deps: OAuthDeps, presented: PresentedCredentials): Promise<MachineGrant> {
  if (presented.method !== "private_key_jwt") {
    const user = await deps.store.machineClient(presented.clientId);
    if (!user?.active || user.secretHash === undefined) throw invalidClient(CLIENT_AUTH_FAILED);
    if (!(await secretMatches(deps, presented.secret, user.secretHash, user.userId, Number.POSITIVE_INFINITY))) throw invalidClient(CLIENT_AUTH_FAILED);
    return { user, credential: { kind: "secret", secretHash: user.secretHash } };
  }
  const signer = signerOf(presented.assertion);
  const user = await deps.store.machineUser(signer.subject);
  const publicKey = user?.active ? await deps.store.machineKey(user.userId, signer.keyId, deps.now()) : undefined;
  if (!user || publicKey === undefined) throw invalidClient(CLIENT_AUTH_FAILED);
  await checkClientAssertion(deps, presented.assertion, signer, publicKey);
  return { user, credential: { kind: "key", keyId: signer.keyId } };
}

async function counted<T>(deps: OAuthDeps, endpoint: OAuthEndpointName, authenticate: () => Promise<T>): Promise<T> {
  try {
    return await authenticate();
  } catch (error) {
    if (error instanceof OAuthError && error.error === "invalid_client") deps.onClientAuthFailure(endpoint);
    throw error;
  }
}

function signerOf(assertion: string) {
  try {
    return assertionSigner(assertion);
  } catch (error) {
    throw error instanceof AssertionError ? invalidClient(CLIENT_AUTH_FAILED) : error;
  }
}

/**
 * The app's live (unexpired, by `now`) secret that `secret` is. The ones remembered are tried first,
 * so that a client that authenticated a moment ago costs no hash at all, whichever of its secrets it uses.
 */
async function matchingSecret(deps: OAuthDeps, secret: string, app: ApiClient, now: Date): Promise<StoredSecret> {
  const live = app.secrets.filter((stored) => !isExpired(stored, now));
  const remembered = live.find((stored) => deps.memory.remembers("secret", app.clientId, stored.hash, secret));
  if (remembered) return remembered;
  for (const stored of live) {
    if (await secretMatches(deps, secret, stored.hash, app.clientId, stored.expiration?.getTime() ?? Number.POSITIVE_INFINITY)) return stored;
  }
  throw invalidClient(CLIENT_AUTH_FAILED);
}

async function secretMatches(deps: OAuthDeps, secret: string, storedHash: string, clientId: string, until: number): Promise<boolean> {
  if (deps.memory.remembers("secret", clientId, storedHash, secret)) return true;
  if (!(await verifySecret(secret, storedHash))) return false;
  deps.memory.remember(until, "secret", clientId, storedHash, secret);
  return true;
}

/**
 * A client assertion may be reused until it expires (passport-zitadel and @zitadel/node sign one
 * for an hour): verified once per key, then remembered until its expiry.
 */
async function checkClientAssertion(deps: OAuthDeps, assertion: string, signer: { subject: string; keyId: string }, publicKeyPem: string): Promise<void> {
  if (deps.memory.remembers("assertion", publicKeyPem, assertion)) return;
  try {
    const verified = await verifyAssertion(assertion, signer, publicKeyPem, deps.issuer, deps.now());
    deps.memory.remember(verified.expiresAt.getTime(), "assertion", publicKeyPem, assertion);
  } catch (error) {
    throw error instanceof AssertionError ? invalidClient(CLIENT_AUTH_FAILED) : error;
  }
}

/** A service user that proved who it is, and how. */
type MachineGrant = { user: MachineClient; credential: ClientCredential };

/** Who asks for a token with the client credentials grant, or revokes one. */
export type GrantClient = ({ kind: "user" } & MachineGrant) | { kind: "app"; app: ApiClient; credential: AppCredential };

const CLIENT_METHODS: readonly ClientAuthMethod[] = ["client_secret_basic", "client_secret_post", "private_key_jwt"];

/**
 * The client of the client credentials grant: a service user (its user name and secret, checked
 * first and exactly as before), else an API app (its client id and any live secret, or a JWT
 * signed by one of its keys), which also reports every failure. A user name that happens to equal
 * an app's client id does not shadow the app: the app is tried when the user's secret does not match.
 */
export const authenticateGrantClient = (deps: OAuthDeps, request: OAuthRequest): Promise<GrantClient> => serviceUserOrApp(deps, request, "token", false);

/**
 * The client of the revocation endpoint: a service user (its secret, or a JWT signed by one of its
 * keys), else an API app (any live secret, or its key), as for the grant. Service users sign client
 * assertions as themselves (`sub` = user id) and apps as their client id, so one never stands for the other.
 */
export const authenticateRevokingClient = (deps: OAuthDeps, request: OAuthRequest): Promise<GrantClient> => serviceUserOrApp(deps, request, "revoke", true);

async function serviceUserOrApp(deps: OAuthDeps, request: OAuthRequest, endpoint: OAuthEndpointName, userKeys: boolean): Promise<GrantClient> {
  const user = await provenMachineClient(deps, request, userKeys);
  if (user) return { kind: "user", ...user };
  const app = await authenticateApiClient(deps, request, endpoint, CLIENT_METHODS);
  return { kind: "app", app, credential: app.credential };
}

/** The active service user the request proves to be (by a key only with `userKeys`), or undefined for anything else: the app's check then reports the failure. */
async function provenMachineClient(deps: OAuthDeps, request: OAuthRequest, userKeys: boolean): Promise<MachineGrant | undefined> {
  try {
    const presented = presentedCredentials(request, CLIENT_METHODS);
    if (presented.method === "private_key_jwt" && !userKeys) return undefined;
    return await machineClientOf(deps, presented);
  } catch (error) {
    if (error instanceof OAuthError) return undefined;
    throw error;
  }
}
