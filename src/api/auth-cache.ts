import { createHash } from "node:crypto";
import type { Membership } from "../domain/authorization.js";
import type { StoredEvent } from "../domain/events.js";
import type { TokenOwner } from "../store/queries/auth-queries.js";

/**
 * A short-lived memory of what the auth interceptor looked up: who a token belongs to, which orgs
 * exist and a caller's memberships in an org context. Without it every call costs three queries
 * before any work is done (token, org, memberships).
 *
 * Only positive answers are kept (an unknown token or org is looked up again every time), never
 * past the token's own expiry, and for at most `ttlMs`. Writes that can change who may do what
 * (tokens, users, memberships, orgs, project removal) clear it in this process at once (see
 * `invalidatesAuth`); another keygate process on the same database sees such a change after at
 * most `ttlMs`.
 */
export interface AuthCache {
  owner(token: string, load: () => Promise<TokenOwner | undefined>): Promise<TokenOwner | undefined>;
  orgExists(instanceId: string, orgId: string, load: () => Promise<boolean>): Promise<boolean>;
  memberships(instanceId: string, userId: string, orgId: string, load: () => Promise<Membership[]>): Promise<Membership[]>;
  clear(): void;
}

export const DEFAULT_AUTH_CACHE_TTL_MS = 1000;
const MAX_ENTRIES = 10_000;

interface Entry<T> {
  value: T;
  until: number;
}

export function createAuthCache(ttlMs = DEFAULT_AUTH_CACHE_TTL_MS, now: () => number = Date.now): AuthCache {
  const owners = new Map<string, Entry<TokenOwner>>();
  const orgs = new Map<string, Entry<true>>();
  const members = new Map<string, Entry<Membership[]>>();
  // Bumped by clear(): a lookup that started before a clear must not store its (possibly stale) answer.
  let generation = 0;

  function get<T>(map: Map<string, Entry<T>>, key: string): T | undefined {
    const entry = map.get(key);
    if (entry === undefined) return undefined;
    if (entry.until > now()) return entry.value;
    map.delete(key);
    return undefined;
  }
  function set<T>(map: Map<string, Entry<T>>, key: string, value: T, until: number): void {
    if (map.size >= MAX_ENTRIES) map.clear();
    map.set(key, { value, until });
  }

  return {
    async owner(token, load) {
      if (ttlMs <= 0) return load();
      // Keyed by a digest, so the map never holds bearer tokens themselves.
      const key = createHash("sha256").update(token, "utf8").digest("base64url");
      const cached = get(owners, key);
      if (cached) return cached;
      const started = generation;
      const owner = await load();
      if (owner && started === generation) {
        const until = Math.min(now() + ttlMs, owner.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY);
        set(owners, key, owner, until);
      }
      return owner;
    },
    async orgExists(instanceId, orgId, load) {
      if (ttlMs <= 0) return load();
      const key = `${instanceId}/${orgId}`;
      if (get(orgs, key)) return true;
      const started = generation;
      const exists = await load();
      if (exists && started === generation) set(orgs, key, true as const, now() + ttlMs);
      return exists;
    },
    async memberships(instanceId, userId, orgId, load) {
      if (ttlMs <= 0) return load();
      const key = `${instanceId}/${userId}/${orgId}`;
      const cached = get(members, key);
      if (cached) return cached;
      const started = generation;
      const found = await load();
      if (found.length > 0 && started === generation) set(members, key, found, now() + ttlMs);
      return found;
    },
    clear() {
      generation++;
      owners.clear();
      orgs.clear();
      members.clear();
    },
  };
}

/**
 * Writes that cannot change authentication or authorization: apps, keys, project settings and
 * project roles (v1 and v2 names). Every other method that is not a read clears the cache when it
 * returns.
 */
const AUTH_NEUTRAL_WRITES = new Set([
  "AddAPIApp",
  "UpdateApp",
  "UpdateAPIAppConfig",
  "RegenerateAPIClientSecret",
  "DeactivateApp",
  "ReactivateApp",
  "RemoveApp",
  "AddAppKey",
  "RemoveAppKey",
  "AddProject",
  "UpdateProject",
  "DeactivateProject",
  "ReactivateProject",
  "CreateApplication",
  "UpdateApplication",
  "DeleteApplication",
  "DeactivateApplication",
  "ReactivateApplication",
  "GenerateClientSecret",
  "RegenerateClientSecret",
  "CreateApplicationKey",
  "DeleteApplicationKey",
  "CreateProject",
  "ActivateProject",
  "AddProjectRole",
  "BulkAddProjectRoles",
  "UpdateProjectRole",
  "RemoveProjectRole",
]);

/** A token revoked outside the API's RPCs (at `/oauth/v2/revoke`): the API must refuse it at once too. */
export const revokesToken = (event: Pick<StoredEvent, "type">): boolean => event.type === "oidc_session.access_token.revoked";

export function invalidatesAuth(methodName: string, permission: string): boolean {
  return !permission.endsWith(".read") && !AUTH_NEUTRAL_WRITES.has(methodName);
}
