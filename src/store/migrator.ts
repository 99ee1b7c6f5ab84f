import { sql, type Kysely } from "kysely";
import { DEFAULT_MIGRATION_TABLE, Migrator, type Migration, type MigrationResultSet } from "kysely/migration";
import * as eventStore from "./migrations/0001-event-store.js";
import * as projections from "./migrations/0002-projections.js";
import * as projectAppTotals from "./migrations/0003-project-app-totals.js";
import * as machineCredentials from "./migrations/0004-machine-credentials.js";
import * as projectRoles from "./migrations/0005-project-roles.js";

/** Migrations are listed in code, not read from a folder, so they work from sources and from a build alike. */
const migrations: Record<string, Migration> = {
  "0001-event-store": eventStore,
  "0002-projections": projections,
  "0003-project-app-totals": projectAppTotals,
  "0004-machine-credentials": machineCredentials,
  "0005-project-roles": projectRoles,
};

export function createMigrator(db: Kysely<unknown>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

/** Brings the schema up to date; fails with the migration's own error if one fails. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<MigrationResultSet> {
  // Almost every start finds the schema current. One query confirms that; the migrator would first
  // introspect the catalog, create-if-missing and lock its tables (about 0.5 s on a cold PGlite).
  if (await isAtLatest(db)) return { results: [] };
  const result = await createMigrator(db).migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`migration ${failed} failed`, { cause: result.error });
  }
  return result;
}

/**
 * Whether exactly the migrations listed here have run: none pending, none unknown to this build.
 * Anything else, including a database without the migration table yet, is left to the migrator,
 * which takes its lock, runs what is pending and reports what does not fit.
 */
export async function isAtLatest(db: Kysely<unknown>): Promise<boolean> {
  const latest = Object.keys(migrations).sort();
  try {
    const { rows } = await sql<{ name: string }>`SELECT name FROM ${sql.table(DEFAULT_MIGRATION_TABLE)}`.execute(db);
    const executed = rows.map((row) => row.name).sort();
    return executed.length === latest.length && executed.every((name, i) => name === latest[i]);
  } catch {
    return false;
  }
}
