import { afterAll, beforeAll, expect, test } from "vitest";
import { sql, type Kysely, type KyselyPlugin } from "kysely";
import { openDatabase, type OpenDatabase } from "../../src/store/database.js";
import { createMigrator, isAtLatest, migrateToLatest } from "../../src/store/migrator.js";
import { describeEachBackend } from "../support/backends.js";

/** Counts the statements run through the Kysely it is plugged into. */
function statementCounter(): KyselyPlugin & { count: number } {
  return {
    count: 0,
    transformQuery(args) {
      this.count++;
      return args.node;
    },
    async transformResult(args) {
      return args.result;
    },
  };
}

/**
 * A start on a schema that is already current (every restart) costs one query, not a run of
 * Kysely's migrator; anything else still goes through the migrator.
 */
describeEachBackend("migrations at start", (backend) => {
  let opened: OpenDatabase;
  let db: Kysely<unknown>;
  let all: string[];

  beforeAll(async () => {
    // A migrated database (the run's template): the tests but the first start from a current schema,
    // whichever runs first; the first makes a new database of its own.
    opened = await openDatabase(await backend.create());
    db = opened.db as unknown as Kysely<unknown>;
    all = (await createMigrator(db).getMigrations()).map((m) => m.name);
  });
  afterAll(async () => {
    await opened.db.destroy();
    await backend.dispose();
  });

  test("a new database is not at the latest schema; the migrator runs every migration", async () => {
    // A database of its own: the shared one may have been migrated by the tests that ran before.
    const target = await backend.create({ empty: true });
    const fresh = await openDatabase(target);
    const newDb = fresh.db as unknown as Kysely<unknown>;
    try {
      expect(await isAtLatest(newDb)).toBe(false);
      const result = await migrateToLatest(newDb);
      expect(result.results?.map((r) => [r.migrationName, r.status])).toEqual(all.map((name) => [name, "Success"]));
      expect(await isAtLatest(newDb)).toBe(true);
    } finally {
      await fresh.db.destroy();
      await backend.dispose(target);
    }
  });

  test("on a current schema, migrating is one query and runs nothing", async () => {
    const counter = statementCounter();
    const result = await migrateToLatest(db.withPlugin(counter));
    expect(result.results).toEqual([]);
    expect(counter.count).toBe(1);
  });

  test("a migration undone is pending again, and migrating runs it through the migrator", async () => {
    await createMigrator(db).migrateDown();
    expect(await isAtLatest(db)).toBe(false);
    const result = await migrateToLatest(db);
    expect(result.results?.map((r) => r.migrationName)).toEqual([all.at(-1)]);
    expect(await isAtLatest(db)).toBe(true);
  });

  test("a database migrated by a newer build is not taken as current: the migrator reports it", async () => {
    await sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('9999-from-a-newer-build', ${new Date().toISOString()})`.execute(db);
    try {
      expect(await isAtLatest(db)).toBe(false);
      await expect(migrateToLatest(db)).rejects.toThrow(/migration .* failed/);
    } finally {
      await sql`DELETE FROM kysely_migration WHERE name = '9999-from-a-newer-build'`.execute(db);
    }
    expect(await isAtLatest(db)).toBe(true);
  });
});

/**
 * Migrations 0007, 0008 and 0009 were written side by side and land in any order: a database that
 * ran a later one first still takes the earlier one when it arrives.
 */
describeEachBackend("migrations landing out of order", (backend) => {
  test("a database that ran 0008 before 0007 existed takes 0007 next", async () => {
    const target = await backend.create({ empty: true });
    const fresh = await openDatabase(target);
    const db = fresh.db as unknown as Kysely<unknown>;
    try {
      const migrator = createMigrator(db);
      const names = (await migrator.getMigrations()).map((m) => m.name);
      const skipped = names.find((name) => name.startsWith("0007-"));
      expect(skipped).toBeDefined();
      // Run everything up to 0006, then 0008 alone, as a build without 0007 would have.
      await migrator.migrateTo(names[names.indexOf(skipped!) - 1]!);
      const module = (await migrator.getMigrations()).find((m) => m.name.startsWith("0008-"))!;
      await module.migration.up(db);
      await sql`INSERT INTO kysely_migration (name, timestamp) VALUES (${module.name}, ${new Date().toISOString()})`.execute(db);
      const result = await migrateToLatest(db);
      expect(result.error).toBeUndefined();
      expect(result.results?.map((r) => r.migrationName)).toContain(skipped);
      expect(await isAtLatest(db)).toBe(true);
    } finally {
      await fresh.db.destroy();
      await backend.dispose(target);
    }
  });
});
