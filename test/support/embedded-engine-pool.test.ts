import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql, type Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openDatabase } from "../../src/store/database.js";
import { EmbeddedEnginePool } from "./embedded-engine-pool.js";

const firstValue = async (db: Kysely<unknown>, query: string): Promise<unknown> => (await sql.raw<{ value: unknown }>(query).execute(db)).rows[0]!.value;

describe("the embedded engine pool of the tests", () => {
  let root: string;
  let pool: EmbeddedEnginePool;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "keygate-engine-pool-test-"));
    pool = new EmbeddedEnginePool(() => root, 1);
  });

  afterAll(async () => {
    await pool.close();
    await rm(root, { recursive: true, force: true });
  });

  test("a database given back is lent again on the same engine as the template holds it: no rows, sequences at their start, no session state", async () => {
    const first = await pool.lend();
    const { db } = await openDatabase(first);
    await sql`INSERT INTO unique_constraints VALUES ('instance', 'type', 'field')`.execute(db);
    expect(await firstValue(db as Kysely<unknown>, "SELECT nextval('node_ids') AS value")).toBe(0);
    await db.destroy();

    // Keygate's close ends its session only: a restart on the same database finds what it left.
    const restarted = (await openDatabase(first)).db as Kysely<unknown>;
    expect(await firstValue(restarted, "SELECT count(*)::int AS value FROM unique_constraints")).toBe(1);
    await sql`PREPARE left_behind AS SELECT 1`.execute(restarted);
    await sql`CREATE TEMPORARY TABLE left_behind (x int)`.execute(restarted);
    // Given back while still open, as by a test that did not close it.
    await pool.giveBack(first.dataDir);

    const second = await pool.lend();
    expect(second.dataDir).toBe(first.dataDir);
    const db2 = (await openDatabase(second)).db as Kysely<unknown>;
    expect(await firstValue(db2, "SELECT count(*)::int AS value FROM unique_constraints")).toBe(0);
    expect(await firstValue(db2, "SELECT nextval('node_ids') AS value")).toBe(0);
    expect(await firstValue(db2, "SELECT count(*)::int AS value FROM pg_prepared_statements")).toBe(0);
    expect(await firstValue(db2, "SELECT to_regclass('pg_temp.left_behind')::text AS value")).toBeNull();
    expect(await firstValue(db2, "SELECT count(*)::int AS value FROM kysely_migration")).toBeGreaterThan(0);
    await db2.destroy();
    await pool.giveBack(second.dataDir);
  });

  test.each([
    "ALTER TABLE orgs ADD COLUMN added_later text",
    "DROP TABLE used_client_assertions",
    "CREATE FUNCTION added_later() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    "CREATE ROLE added_later",
  ])("a database changed by %s is not lent again: its engine is closed and its data dir removed", async (change) => {
    const changed = await pool.lend();
    const { db } = await openDatabase(changed);
    await sql.raw(change).execute(db);
    await db.destroy();
    await pool.giveBack(changed.dataDir);
    expect(existsSync(changed.dataDir)).toBe(false);

    const next = await pool.lend();
    expect(next.dataDir).not.toBe(changed.dataDir);
    await pool.giveBack(next.dataDir);
  });

  test("beyond the idle engines it keeps, a database given back has its engine closed and removed", async () => {
    const [kept, extra] = [await pool.lend(), await pool.lend()];
    await pool.giveBack(kept.dataDir);
    await pool.giveBack(extra.dataDir);
    expect(existsSync(kept.dataDir)).toBe(true);
    expect(existsSync(extra.dataDir)).toBe(false);
  });
});
