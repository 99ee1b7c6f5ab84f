import type { OAuthStore } from "../../store/oauth-store.js";

/**
 * When each app secret last authenticated is operational data (never an event): recorded at most
 * once per SECRET_USE_INTERVAL_MS per secret, so the list's "last use" is accurate to the minute
 * without a write on every introspection. This process skips the write while its own record is
 * fresh; the store's write is itself conditional, so several processes together still write a
 * secret's use at most about once per interval.
 */
export const SECRET_USE_INTERVAL_MS = 60_000;
const MAX_ENTRIES = 10_000;

export interface SecretUses {
  record(appId: string, secretId: string, now: Date): Promise<void>;
}

export function createSecretUses(store: Pick<OAuthStore, "recordSecretUse">): SecretUses {
  const recorded = new Map<string, number>();
  return {
    async record(appId, secretId, now) {
      const key = `${appId}\u0000${secretId}`;
      const last = recorded.get(key);
      const at = now.getTime();
      if (last !== undefined && at >= last && at - last < SECRET_USE_INTERVAL_MS) return;
      await store.recordSecretUse(appId, secretId, now, SECRET_USE_INTERVAL_MS);
      if (recorded.size >= MAX_ENTRIES) recorded.clear();
      recorded.set(key, at);
    },
  };
}
