import { sql, type Kysely } from "kysely";
import { createMigrator } from "./migrator.js";
import type { Database } from "./schema.js";

/**
 * A readiness check of the database: it answers `SELECT 1` within `timeoutMs` and every migration
 * has run. Resolves with the reason it is not ready, or undefined.
 */
export function databaseReadiness(db: Kysely<Database>, timeoutMs = 2000): () => Promise<string | undefined> {
  // Schemas only move forward, so once migrated, listing migrations (an introspection) is skipped.
  let migrated = false;
  const check = async (): Promise<string | undefined> => {
    await sql`SELECT 1`.execute(db);
    if (migrated) return undefined;
    const pending = (await createMigrator(db as unknown as Kysely<unknown>).getMigrations()).filter((m) => m.executedAt === undefined);
    migrated = pending.length === 0;
    return migrated ? undefined : `migrations pending: ${pending.map((m) => m.name).join(", ")}`;
  };
  return () => withTimeout(check(), timeoutMs).catch(() => "database unreachable");
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
