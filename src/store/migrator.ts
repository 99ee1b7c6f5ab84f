import { sql, type Kysely } from "kysely";
import { DEFAULT_MIGRATION_TABLE, Migrator, type Migration, type MigrationResultSet } from "kysely/migration";
import * as eventStore from "./migrations/0001-event-store.js";
import * as projections from "./migrations/0002-projections.js";
import * as projectAppTotals from "./migrations/0003-project-app-totals.js";
import * as machineCredentials from "./migrations/0004-machine-credentials.js";
import * as projectRoles from "./migrations/0005-project-roles.js";
import * as oauth from "./migrations/0006-oauth.js";
import * as appSecrets from "./migrations/0007-app-secrets.js";
import * as objectMetadata from "./migrations/0008-object-metadata.js";
import * as appAccess from "./migrations/0009-app-access.js";

/** Migrations are listed in code, not read from a folder, so they work from sources and from a build alike. */
const migrations: Record<string, Migration> = {
  "0001-event-store": eventStore,
  "0002-projections": projections,
  "0003-project-app-totals": projectAppTotals,
  "0004-machine-credentials": machineCredentials,
  "0005-project-roles": projectRoles,
  "0006-oauth": oauth,
  "0007-app-secrets": appSecrets,
  "0008-object-metadata": objectMetadata,
  "0009-app-access": appAccess,
};

/** This build's migrations, in the order they run. */
export function migrationNames(): string[] {
  return Object.keys(migrations).sort();
}

export function createMigrator(db: Kysely<unknown>): Migrator {
  // 0007, 0008 and 0009 were written side by side and may land in any order: a database that ran
  // 0008 before 0007 existed must still take 0007 (each touches only its own columns and tables).
  return new Migrator({ db, provider: { getMigrations: async () => migrations }, allowUnorderedMigrations: true });
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

export class SchemaNotCurrentError extends Error {
  override readonly name = "SchemaNotCurrentError";
}

/** Fails, naming what is pending, unless exactly this build's migrations have run. */
export async function requireLatest(db: Kysely<unknown>): Promise<void> {
  if (await isAtLatest(db)) return;
  const known = await createMigrator(db).getMigrations().catch(() => []);
  const pending = known.filter((m) => m.executedAt === undefined).map((m) => m.name);
  const detail = pending.length > 0 ? `pending: ${pending.join(", ")}` : "it was migrated by another version of keygate";
  throw new SchemaNotCurrentError(`the database schema is not the one this keygate needs (${detail}); run \`keygate migrate\` first, or set KEYGATE_AUTO_MIGRATE=true`);
}

/**
 * Whether exactly the migrations listed here have run: none pending, none unknown to this build.
 * Anything else, including a database without the migration table yet, is left to the migrator,
 * which takes its lock, runs what is pending and reports what does not fit.
 */
export async function isAtLatest(db: Kysely<unknown>): Promise<boolean> {
  const latest = migrationNames();
  try {
    const { rows } = await sql<{ name: string }>`SELECT name FROM ${sql.table(DEFAULT_MIGRATION_TABLE)}`.execute(db);
    const executed = rows.map((row) => row.name).sort();
    return executed.length === latest.length && executed.every((name, i) => name === latest[i]);
  } catch {
    return false;
  }
}
