import type { IdGenerator } from "../../domain/ids.js";
import type { OAuthStore } from "../../store/oauth-store.js";
import type { ClientAuthMemory } from "./client-auth-memory.js";
import type { OAuthEndpointName } from "./oauth-request.js";
import type { RecentLookups } from "./recent-lookups.js";
import type { SecretUses } from "./secret-uses.js";
import type { SigningKeys } from "./signing-keys.js";

/** What the OAuth endpoints share. */
export interface OAuthDeps {
  store: OAuthStore;
  ids: IdGenerator;
  /** KEYGATE_EXTERNAL_URL: the `iss` of every token and the audience client assertions must name. */
  issuer: string;
  keys: SigningKeys;
  memory: ClientAuthMemory;
  /** What was looked up a moment ago (API apps by client id, tokens); forgotten on every change. */
  lookups: RecentLookups;
  /** When app secrets were last used (at most one write per secret and minute). */
  secretUses: SecretUses;
  /** The clock app secrets, app and machine keys, client assertions and issued tokens expire by (a test clock in tests). */
  now: () => Date;
  accessTokenLifetimeSeconds: number;
  /** Counts a client that failed to authenticate (keygate_oauth_client_auth_failures_total). */
  onClientAuthFailure(endpoint: OAuthEndpointName): void;
}
