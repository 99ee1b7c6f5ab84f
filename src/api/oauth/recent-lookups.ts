import type { StoredEvent } from "../../domain/events.js";
import { accessTokenDigest } from "../../domain/secrets.js";
import { DEFAULT_AUTH_CACHE_TTL_MS } from "../auth-cache.js";

/**
 * What the OAuth endpoints looked up a moment ago: the API app a client id names and the facts of a
 * token (its user, org, audience, expiry), so that an app introspecting the same token again and
 * again costs no database round trip (two of them were most of an introspection's CPU); the service
 * user a client id names and the projects a scope names, so that a token request reads nothing
 * before its one transaction. Issuing stays exact: the transaction that records a token checks,
 * under the user's lock, that the user is active and holds the credential (see recordIssuedToken).
 *
 * The same rule as the auth memory (../auth-cache.ts): only things found are kept, never past the
 * token's own expiry and for at most `ttlMs`; a change committed in this process (any event but a
 * new token's: a revocation, a user deactivated or removed, a secret or key changed, an app
 * deactivated, removed or given a new secret) forgets everything at once (`eventsAppended`, called
 * after the commit and before the command answers), and another keygate process on the same
 * database sees such a change after at most `ttlMs`.
 */
export interface RecentLookups {
  /** `load`'s answer, from memory when it was found within `ttlMs` (and `until` of it has not passed; `until` in the past keeps nothing). */
  remembered<T extends object>(key: string, load: () => Promise<T | undefined>, until?: (found: T) => number): Promise<T | undefined>;
  /** Told of the events of each command this process committed. */
  eventsAppended(events: readonly Pick<StoredEvent, "type">[]): void;
}

/** The auth memory's: a token stops working in the API and at introspection alike. */
export const RECENT_LOOKUPS_TTL_MS = DEFAULT_AUTH_CACHE_TTL_MS;
const MAX_ENTRIES = 10_000;

/** A new token changes nothing that was found before it: issuing tokens does not forget. */
const ISSUANCE = new Set(["oidc_session.added", "oidc_session.access_token.added", "keygate.app.token.added"]);

/** Keys of bearer tokens are digests, so the memory never holds a token itself. */
export const tokenKey = (token: string) => `token:${accessTokenDigest(token)}`;

interface Entry {
  value: object;
  until: number;
}

export function createRecentLookups(ttlMs = RECENT_LOOKUPS_TTL_MS, now: () => number = Date.now): RecentLookups {
  const entries = new Map<string, Entry>();
  // Bumped when forgetting: a lookup that started before must not store its (possibly stale) answer.
  let generation = 0;
  return {
    async remembered<T extends object>(key: string, load: () => Promise<T | undefined>, until?: (found: T) => number) {
      const entry = entries.get(key);
      if (entry !== undefined) {
        if (entry.until > now()) return entry.value as T;
        entries.delete(key);
      }
      const started = generation;
      const found = await load();
      if (found === undefined || started !== generation) return found;
      const keptUntil = Math.min(now() + ttlMs, until?.(found) ?? Number.POSITIVE_INFINITY);
      if (keptUntil > now()) {
        if (entries.size >= MAX_ENTRIES) entries.clear();
        entries.set(key, { value: found, until: keptUntil });
      }
      return found;
    },
    eventsAppended(events) {
      if (events.every((event) => ISSUANCE.has(event.type))) return;
      generation++;
      entries.clear();
    },
  };
}
