import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql, type Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openDatabase, type DatabaseTarget } from "../../src/store/database.js";
import { postgresServerUrl } from "./backends.js";
import { connected, postgresTemplate } from "./database-templates.js";
import { embeddedEnginePool } from "./embedded-engine-pool.js";
import { dropPooledDatabases, postgresDatabasePool } from "./postgres-database-pool.js";

const firstValue = async (db: Kysely<unknown>, query: string): Promise<unknown> => (await sql.raw<{ value: unknown }>(query).execute(db)).rows[0]!.value;

const open = async (target: DatabaseTarget): Promise<Kysely<unknown>> => (await openDatabase(target)).db as Kysely<unknown>;

/** What the tests need of a pool: lending, giving back by a database's key, and whether a database still exists. */
interface PoolUnderTest {
  lend(): Promise<DatabaseTarget>;
  giveBack(target: DatabaseTarget): Promise<void>;
  key(target: DatabaseTarget): string;
  exists(target: DatabaseTarget): Promise<boolean>;
  /** Statements that change a database beyond its tables' rows; each must keep it from being lent again. */
  changes: string[];
  close(): Promise<void>;
}

const CHANGES = ["ALTER TABLE orgs ADD COLUMN added_later text", "DROP TABLE used_client_assertions", "CREATE FUNCTION added_later() RETURNS int LANGUAGE sql AS 'SELECT 1'"];

async function embeddedPool(): Promise<PoolUnderTest> {
  const root = await mkdtemp(join(tmpdir(), "keygate-engine-pool-test-"));
  const pool = embeddedEnginePool(() => root, 1);
  const dataDir = (target: DatabaseTarget) => (target.kind === "embedded" ? target.dataDir : "");
  return {
    lend: () => pool.lend(),
    giveBack: (target) => pool.giveBack(dataDir(target)),
    key: dataDir,
    exists: async (target) => existsSync(dataDir(target)),
    // Roles are the engine's own here (on a Postgres server they are the server's, shared by all its databases).
    changes: [...CHANGES, "CREATE ROLE added_later"],
    async close() {
      await pool.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

async function postgresPool(): Promise<PoolUnderTest> {
  const serverUrl = postgresServerUrl();
  const prefix = `keygate_pool_test_${process.pid}_`;
  // Given back with connections open, a database is dropped after 200 ms rather than the 5 s the suite allows.
  const pool = postgresDatabasePool(serverUrl, () => ({ template: postgresTemplate()!, prefix }), 1, 200);
  const name = (target: DatabaseTarget) => (target.kind === "postgres" ? new URL(target.url).pathname.slice(1) : "");
  return {
    lend: () => pool.lend(),
    giveBack: (target) => pool.giveBack(name(target)),
    key: name,
    exists: (target) => connected(serverUrl, async (run) => (await run(`SELECT 1 FROM pg_database WHERE datname = '${name(target)}'`)).length === 1),
    changes: CHANGES,
    async close() {
      await pool.close();
      await dropPooledDatabases(serverUrl, prefix);
    },
  };
}

describe.each([
  ["embedded engines", embeddedPool],
  ["Postgres databases", postgresPool],
])("the tests' pool of %s", (_name, makePool) => {
  let pool: PoolUnderTest;

  beforeAll(async () => {
    pool = await makePool();
  });

  afterAll(async () => {
    await pool.close();
  });

  test("a database given back is lent again as the template holds it: no rows, sequences at their start, no session state", async () => {
    const first = await pool.lend();
    const db = await open(first);
    await sql`INSERT INTO unique_constraints VALUES ('instance', 'type', 'field')`.execute(db);
    expect(await firstValue(db, "SELECT nextval('node_ids') AS value")).toBe(0);
    await db.destroy();

    // Keygate's close ends its sessions only: a restart on the same database finds what it left.
    const restarted = await open(first);
    expect(await firstValue(restarted, "SELECT count(*)::int AS value FROM unique_constraints")).toBe(1);
    await sql`PREPARE left_behind AS SELECT 1`.execute(restarted);
    await sql`CREATE TEMPORARY TABLE left_behind (x int)`.execute(restarted);
    await restarted.destroy();
    await pool.giveBack(first);

    const second = await pool.lend();
    expect(pool.key(second)).toBe(pool.key(first));
    const db2 = await open(second);
    expect(await firstValue(db2, "SELECT count(*)::int AS value FROM unique_constraints")).toBe(0);
    expect(await firstValue(db2, "SELECT nextval('node_ids') AS value")).toBe(0);
    expect(await firstValue(db2, "SELECT count(*)::int AS value FROM pg_prepared_statements")).toBe(0);
    expect(await firstValue(db2, "SELECT to_regclass('pg_temp.left_behind')::text AS value")).toBeNull();
    expect(await firstValue(db2, "SELECT count(*)::int AS value FROM kysely_migration")).toBeGreaterThan(0);
    await db2.destroy();
    await pool.giveBack(second);
  });

  test("what was written to a database given back while still open reaches no later file", async () => {
    const first = await pool.lend();
    const db = await open(first);
    await sql`INSERT INTO unique_constraints VALUES ('instance', 'type', 'field')`.execute(db);
    await pool.giveBack(first);
    const second = await pool.lend();
    // Embedded, the session was ended and the rows removed; on Postgres the database was dropped.
    const db2 = await open(second);
    expect(await firstValue(db2, "SELECT count(*)::int AS value FROM unique_constraints")).toBe(0);
    await db.destroy();
    await db2.destroy();
    await pool.giveBack(second);
  });

  test("a database whose schema, functions or roles changed is not lent again: it is closed and removed", async () => {
    for (const change of pool.changes) {
      const changed = await pool.lend();
      const db = await open(changed);
      await sql.raw(change).execute(db);
      await db.destroy();
      await pool.giveBack(changed);
      expect({ change, exists: await pool.exists(changed) }).toEqual({ change, exists: false });

      const next = await pool.lend();
      expect(pool.key(next)).not.toBe(pool.key(changed));
      await pool.giveBack(next);
    }
  });

  test("beyond the idle databases it keeps, a database given back is closed and removed", async () => {
    const [kept, extra] = [await pool.lend(), await pool.lend()];
    await pool.giveBack(kept);
    await pool.giveBack(extra);
    expect(await pool.exists(kept)).toBe(true);
    expect(await pool.exists(extra)).toBe(false);
  });
});
