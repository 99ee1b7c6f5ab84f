import type { ClientCredential } from "../../domain/access-token.js";
import { ApiAuthMethod } from "../../domain/app.js";
import { verifySecret } from "../../domain/secrets.js";
import type { ApiClient, MachineClient } from "../../store/oauth-store.js";
import { presentedCredentials, type ClientAuthMethod } from "./client-credentials.js";
import { AssertionError, assertionSigner, verifyAssertion } from "./jwt-assertion.js";
import type { OAuthDeps } from "./oauth-deps.js";
import { invalidClient, OAuthError } from "./oauth-error.js";
import type { OAuthEndpointName, OAuthRequest } from "./oauth-request.js";

/** What every failed client authentication says: which check failed is not the client's business. */
const CLIENT_AUTH_FAILED = "client authentication failed";

/**
 * The API app calling the introspection endpoint, with its secret (client_secret_basic) or a JWT
 * signed by one of its keys (private_key_jwt). A deactivated or removed app, a wrong, removed or
 * replaced secret, an expired or removed key: invalid_client.
 */
export async function authenticateApiClient(deps: OAuthDeps, request: OAuthRequest, endpoint: OAuthEndpointName): Promise<ApiClient> {
  return counted(deps, endpoint, async () => {
    const presented = presentedCredentials(request, ["client_secret_basic", "private_key_jwt"]);
    if (presented.method !== "private_key_jwt") {
      const app = await deps.store.apiClient(presented.clientId);
      if (!app?.active || app.authMethod !== ApiAuthMethod.Basic || !app.secretHash) throw invalidClient(CLIENT_AUTH_FAILED);
      await checkSecret(deps, presented.secret, app.secretHash, app.clientId);
      return app;
    }
    const signer = signerOf(presented.assertion);
    const app = await deps.store.apiClient(signer.subject);
    if (!app?.active || app.authMethod !== ApiAuthMethod.PrivateKeyJwt) throw invalidClient(CLIENT_AUTH_FAILED);
    const publicKey = await deps.store.apiClientKey(app.clientId, signer.keyId, new Date());
    if (publicKey === undefined) throw invalidClient(CLIENT_AUTH_FAILED);
    await checkClientAssertion(deps, presented.assertion, signer, publicKey);
    return app;
  });
}

/**
 * The service user calling the token or revocation endpoint: its user name (the client id) and
 * secret, or (where allowed) a JWT signed by one of its keys.
 */
export async function authenticateMachineClient(
  deps: OAuthDeps,
  request: OAuthRequest,
  endpoint: OAuthEndpointName,
  allowed: readonly ClientAuthMethod[],
): Promise<{ user: MachineClient; credential: ClientCredential }> {
  return counted(deps, endpoint, async () => {
    const presented = presentedCredentials(request, allowed);
    if (presented.method !== "private_key_jwt") {
      const user = await deps.store.machineClient(presented.clientId);
      if (!user?.active || user.secretHash === undefined) throw invalidClient(CLIENT_AUTH_FAILED);
      await checkSecret(deps, presented.secret, user.secretHash, user.userId);
      return { user, credential: { kind: "secret", secretHash: user.secretHash } };
    }
    const signer = signerOf(presented.assertion);
    const user = await deps.store.machineUser(signer.subject);
    const publicKey = user?.active ? await deps.store.machineKey(user.userId, signer.keyId, new Date()) : undefined;
    if (!user || publicKey === undefined) throw invalidClient(CLIENT_AUTH_FAILED);
    await checkClientAssertion(deps, presented.assertion, signer, publicKey);
    return { user, credential: { kind: "key", keyId: signer.keyId } };
  });
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

/** Verified once, then remembered (by a hash of the secret and the stored hash) for a while. */
async function checkSecret(deps: OAuthDeps, secret: string, storedHash: string, clientId: string): Promise<void> {
  if (deps.memory.remembers("secret", clientId, storedHash, secret)) return;
  if (!(await verifySecret(secret, storedHash))) throw invalidClient(CLIENT_AUTH_FAILED);
  deps.memory.remember(Number.POSITIVE_INFINITY, "secret", clientId, storedHash, secret);
}

/**
 * A client assertion may be reused until it expires (passport-zitadel and @zitadel/node sign one
 * for an hour): verified once per key, then remembered until its expiry.
 */
async function checkClientAssertion(deps: OAuthDeps, assertion: string, signer: { subject: string; keyId: string }, publicKeyPem: string): Promise<void> {
  if (deps.memory.remembers("assertion", publicKeyPem, assertion)) return;
  try {
    const verified = await verifyAssertion(assertion, signer, publicKeyPem, deps.issuer, new Date());
    deps.memory.remember(verified.expiresAt.getTime(), "assertion", publicKeyPem, assertion);
  } catch (error) {
    throw error instanceof AssertionError ? invalidClient(CLIENT_AUTH_FAILED) : error;
  }
}
