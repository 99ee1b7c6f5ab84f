import { hashSecret, accessTokenDigest } from "../../src/domain/secrets.js";
import type { CommandDeps } from "../../src/store/commands/command-deps.js";
import type { Actor } from "../../src/store/event-store.js";
import type { Store } from "../../src/store/open-store.js";
import { pooledKeyPairs } from "./key-pair-pool.js";

/** The commands' dependencies on `store`, for tests that run commands in-process: salted sha256 secrets, pooled key pairs. */
export const commandDepsOf = (store: Pick<Store, "events" | "ids">): CommandDeps => ({
  store: store.events,
  ids: store.ids,
  hashSecret: async (secret) => hashSecret(secret),
  keyPairs: pooledKeyPairs,
  now: () => new Date(),
});

/**
 * Who the admin token acts as, in `orgId`: for tests that seed data through the commands in-process,
 * as the admin's API calls would (a fraction of the CPU of the calls, where the transport is not
 * what the test is about).
 */
export async function adminActorOf(store: Pick<Store, "db">, adminToken: string, orgId: string): Promise<Actor> {
  const token = await store.db
    .selectFrom("personal_access_tokens")
    .select(["instance_id", "user_id"])
    .where("token_digest", "=", accessTokenDigest(adminToken))
    .executeTakeFirstOrThrow();
  return { instanceId: token.instance_id, orgId, userId: token.user_id };
}
