import type { Kysely } from "kysely";
import { Migrator, type Migration, type MigrationResultSet } from "kysely/migration";
import * as eventStore from "./migrations/0001-event-store.js";
import * as projections from "./migrations/0002-projections.js";
import * as projectAppTotals from "./migrations/0003-project-app-totals.js";

/** Migrations are listed in code, not read from a folder, so they work from sources and from a build alike. */
const migrations: Record<string, Migration> = {
  "0001-event-store": eventStore,
  "0002-projections": projections,
  "0003-project-app-totals": projectAppTotals,
};

export function createMigrator(db: Kysely<unknown>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

/** Brings the schema up to date; fails with the migration's own error if one fails. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<MigrationResultSet> {
  const result = await createMigrator(db).migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`migration ${failed} failed`, { cause: result.error });
  }
  return result;
}
