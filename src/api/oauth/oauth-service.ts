import type { StoredEvent } from "../../domain/events.js";
import type { IdGenerator } from "../../domain/ids.js";
import type { KeyPairSource } from "../../domain/key-pair.js";
import { SCOPE_API_AUDIENCE } from "../../domain/oauth-scopes.js";
import type { OAuthStore } from "../../store/oauth-store.js";
import type { IssuedTokens } from "../authentication.js";
import { findIssuedToken, isOwnJwt } from "./access-tokens.js";
import { CLIENT_AUTH_MEMORY_MS, createClientAuthMemory } from "./client-auth-memory.js";
import { discoveryDocument } from "./discovery.js";
import { introspectionEndpoint } from "./introspection.js";
import type { OAuthDeps } from "./oauth-deps.js";
import type { OAuthEndpointName, OAuthRequest, OAuthResponse } from "./oauth-request.js";
import { createRecentLookups, RECENT_LOOKUPS_TTL_MS, type RecentLookups } from "./recent-lookups.js";
import { revocationEndpoint } from "./revocation.js";
import { createSecretUses } from "./secret-uses.js";
import { createSigningKeys } from "./signing-keys.js";
import { tokenEndpoint } from "./token-endpoint.js";

export interface OAuthSettings {
  /** Known once keygate listens (its default names the port). */
  issuer: () => string;
  masterKey: string;
  accessTokenLifetimeSeconds: number;
  signingKeyLifetimeSeconds: number;
  /** Where the instance's signing keys come from. */
  keyPairs: KeyPairSource;
  onClientAuthFailure(endpoint: OAuthEndpointName): void;
  /** The clock app secrets, keys, client assertions and issued tokens expire by; the system's unless a test gives its own. */
  now?: () => Date;
}

/** keygate as a credential authority: the OAuth endpoints' logic, and its tokens as API credentials. */
export interface OAuthService {
  endpoints: Record<OAuthEndpointName, (request: OAuthRequest) => Promise<OAuthResponse>>;
  discovery(): Record<string, unknown>;
  jwks(): Promise<Record<string, unknown>>;
  /** Issued tokens with the `…:zitadel:aud` scope call keygate's API like personal access tokens. */
  apiTokens: IssuedTokens;
  /** Told of the events of each command this process committed: a change forgets what was looked up. */
  eventsAppended(events: readonly StoredEvent[]): void;
}

export function createOAuthService(store: OAuthStore, ids: IdGenerator, settings: OAuthSettings): OAuthService {
  const lifetimes = { signingSeconds: settings.signingKeyLifetimeSeconds, accessTokenSeconds: settings.accessTokenLifetimeSeconds };
  const now = settings.now ?? (() => new Date());
  // What was looked up is kept for its second, and never past a token's expiry, by the clock tokens expire by.
  const lookups = createRecentLookups(RECENT_LOOKUPS_TTL_MS, () => now().getTime());
  const deps: OAuthDeps = {
    store: remembering(store, lookups),
    ids,
    get issuer() {
      return settings.issuer();
    },
    keys: createSigningKeys(store, ids, settings.masterKey, lifetimes, undefined, settings.keyPairs),
    // A remembered assertion or secret is forgotten at its expiry by the same clock that checks expiry.
    memory: createClientAuthMemory(CLIENT_AUTH_MEMORY_MS, () => now().getTime()),
    lookups,
    secretUses: createSecretUses(store),
    now,
    accessTokenLifetimeSeconds: settings.accessTokenLifetimeSeconds,
    onClientAuthFailure: settings.onClientAuthFailure,
  };
  return {
    endpoints: {
      token: (request) => tokenEndpoint(deps, request),
      introspect: (request) => introspectionEndpoint(deps, request),
      revoke: (request) => revocationEndpoint(deps, request),
    },
    discovery: () => discoveryDocument(settings.issuer()),
    jwks: () => deps.keys.jwks(),
    apiTokens: {
      isOwnJwt: (token) => isOwnJwt(deps, token),
      async owner(token) {
        const found = await findIssuedToken(deps, token);
        if (!found?.userActive || !found.scopes.includes(SCOPE_API_AUDIENCE)) return undefined;
        return { instanceId: store.instanceId, userId: found.userId, orgId: found.orgId, expiresAt: found.expiresAt };
      },
    },
    eventsAppended: (events) => lookups.eventsAppended(events),
  };
}

/**
 * The store as client authentication and token requests read it on every call: the API app or
 * service user a client id names, and which projects exist, from the recent lookups.
 */
function remembering(store: OAuthStore, lookups: RecentLookups): OAuthStore {
  return {
    ...store,
    apiClient: (clientId) => lookups.remembered(`client:${clientId}`, () => store.apiClient(clientId)),
    machineClient: (clientId) => lookups.remembered(`user:${clientId}`, () => store.machineClient(clientId)),
    // Kept only when every project exists: one created meanwhile must be found at once.
    existingProjects: async (ids) =>
      (await lookups.remembered(`projects:${ids.join(" ")}`, () => store.existingProjects(ids), (found) => (found.size === ids.length ? Number.POSITIVE_INFINITY : 0)))!,
  };
}
