import type { AppState } from "./app.js";
import { decide, type Decision } from "./decision.js";
import { failedPrecondition, invalidArgument, notFound } from "./errors.js";
import { event } from "./events.js";

/**
 * Several live secrets per API app (keygate's extension, issue 15): an app holds up to
 * MAX_APP_SECRETS, each with an optional expiry, so that a secret is rotated without downtime (add a
 * second, switch the consumers, remove the first). ZITADEL's own secret (AddAPIApp's, or
 * RegenerateAPIClientSecret's, which replaces all of them) is one of these.
 */
export const MAX_APP_SECRETS = 10;

/** A secret about to be stored: its hash and the last four characters of its plaintext, nothing else. */
export interface NewSecret {
  hash: string;
  lastFour: string;
}

/** What AddAppSecret and RemoveAppSecret decide on: the app's secrets as they are, expired ones included. */
export interface AppSecretsState {
  app: AppState;
  secretIds: readonly string[];
}

/** A stored secret as authentication and lists see it; `expiration` absent means it never expires. */
export interface AppSecretView {
  id: string;
  expiration?: Date;
}

export const lastFourOf = (secret: string): string => secret.slice(-4);

/**
 * The id of a secret set by ZITADEL's events (AddAPIApp's `config.api.added`, RegenerateAPIClientSecret's
 * `config.api.secret.changed`), which carry none: the sequence of that event, unique within its project
 * and so within the app, and the same whenever the projection is rebuilt (migration 0007 derives it alike).
 */
export const zitadelSecretId = (sequence: number): string => String(sequence);

/** Expired at `now` when its expiry has passed; an expired secret is listed but authenticates nothing. */
export const isExpired = (secret: AppSecretView, now: Date): boolean => secret.expiration !== undefined && secret.expiration.getTime() <= now.getTime();

/**
 * Adds a secret to an API app of any auth method and state, as ZITADEL's regenerate works on JWT and
 * inactive apps too (the secrets authenticate while the app is active and BASIC). The expiry, when
 * given, must be in the future; an app full of secrets (expired ones count until removed) takes no more.
 */
export function addAppSecret(state: AppSecretsState | undefined, secret: NewSecret & { id: string; expiration?: Date }, now: Date): Decision {
  const current = requireSecrets(state);
  if (secret.expiration !== undefined && secret.expiration.getTime() <= now.getTime()) {
    throw invalidArgument("KEYGATE-sec01", "expiration_date must be in the future");
  }
  if (current.secretIds.length >= MAX_APP_SECRETS) {
    throw failedPrecondition("KEYGATE-sec02", `app_id: the app holds ${MAX_APP_SECRETS} secrets, the most it may; remove one first`);
  }
  return decide([
    event("project", current.app.projectId, "keygate.app.secret.added", {
      appId: current.app.id,
      secretId: secret.id,
      hashedSecret: secret.hash,
      lastFour: secret.lastFour,
      ...(secret.expiration === undefined ? {} : { expirationDate: secret.expiration.toISOString() }),
    }),
  ]);
}

export function removeAppSecret(state: AppSecretsState | undefined, secretId: string): Decision {
  const current = requireSecrets(state);
  if (!current.secretIds.includes(secretId)) throw notFound("KEYGATE-sec03", "secret_id: the app has no secret with this id");
  return decide([event("project", current.app.projectId, "keygate.app.secret.removed", { appId: current.app.id, secretId })]);
}

function requireSecrets(state: AppSecretsState | undefined): AppSecretsState {
  if (!state) throw notFound("KEYGATE-sec04", "app_id: Application doesn't exist");
  return state;
}
