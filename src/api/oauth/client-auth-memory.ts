import { createHash } from "node:crypto";

/**
 * Clients that authenticated a moment ago, so that a bcrypt- or argon2-hashed secret is not hashed
 * again on every introspection (bcrypt at ZITADEL's cost 4 takes about a millisecond of CPU) and a
 * client assertion's signature is not verified again on every call. Entries are keyed by a SHA-256
 * of everything the check depended on (the presented secret with the stored hash, or the assertion
 * with the key), so a regenerated secret or another key never matches; the map holds no secret.
 * The client's row is still read on every call, so a deactivated or removed client is refused at once.
 */
export interface ClientAuthMemory {
  remembers(...parts: string[]): boolean;
  remember(until: number, ...parts: string[]): void;
}

export const CLIENT_AUTH_MEMORY_MS = 60_000;
const MAX_ENTRIES = 10_000;

export function createClientAuthMemory(ttlMs = CLIENT_AUTH_MEMORY_MS, now: () => number = Date.now): ClientAuthMemory {
  const entries = new Map<string, number>();
  const keyOf = (parts: string[]) => createHash("sha256").update(parts.join("\u0000"), "utf8").digest("base64url");
  return {
    remembers(...parts) {
      const key = keyOf(parts);
      const until = entries.get(key);
      if (until === undefined) return false;
      if (until > now()) return true;
      entries.delete(key);
      return false;
    },
    remember(until, ...parts) {
      if (entries.size >= MAX_ENTRIES) entries.clear();
      entries.set(keyOf(parts), Math.min(until, now() + ttlMs));
    },
  };
}
