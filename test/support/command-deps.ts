import { hashSecret } from "../../src/domain/secrets.js";
import type { CommandDeps } from "../../src/store/commands/command-deps.js";
import type { Store } from "../../src/store/open-store.js";
import { pooledKeyPairs } from "./key-pair-pool.js";

/** The commands' dependencies on `store`, for tests that run commands in-process: salted sha256 secrets, pooled key pairs. */
export const commandDepsOf = (store: Pick<Store, "events" | "ids">): CommandDeps => ({
  store: store.events,
  ids: store.ids,
  hashSecret: async (secret) => hashSecret(secret),
  keyPairs: pooledKeyPairs,
});
