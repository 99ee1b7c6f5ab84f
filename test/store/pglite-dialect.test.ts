/**
 * The embedded dialect sends its statements itself (a statement compiled once by name, the others
 * in two calls, see pglite-dialect.ts) where it used PGlite's own query: checked against that query,
 * the oracle, on the same engine.
 */
import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { PGlite } from "@electric-sql/pglite";
import { CompiledQuery, Kysely, sql } from "kysely";
import { PGliteDialect } from "../../src/store/pglite-dialect.js";
import { prepareByName } from "../../src/store/prepared-statements.js";
import { copyEmbeddedTemplate } from "../support/database-templates.js";
import { sharedPGliteCode } from "../support/shared-pglite-code.js";

describe("the embedded dialect", () => {
  let pglite: PGlite;
  let db: Kysely<unknown>;
  let dataDir: string | undefined;

  beforeAll(async () => {
    // A copy of the run's template (without keygate's schema): a fresh engine's initdb would cost seconds.
    dataDir = await copyEmbeddedTemplate({ empty: true });
    pglite = await PGlite.create({ ...(await sharedPGliteCode()), dataDir });
    db = new Kysely<unknown>({ dialect: new PGliteDialect(pglite) });
    await sql`create table t (id int primary key, at timestamptz, doc jsonb, tags text[], flag boolean, n numeric)`.execute(db);
  });
  afterAll(async () => {
    await db?.destroy();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  const row = [1, new Date("2026-12-06T03:04:05.678Z"), { a: [1, "x"], b: null }, ["p", "q r", 'with "quote"'], true, "12.345000"] as const;
  const insert = "insert into t (id, at, doc, tags, flag, n) values ($1, $2, $3, $4, $5, $6) returning *";
  const select = "select id, at, doc, tags, flag, n, $2::text as echoed from t where id = $1";

  test("answers as PGlite's query, for every kind of value, sent unnamed and by name (twice)", async () => {
    const viaDialect = (await db.executeQuery(CompiledQuery.raw(insert, [...row]))).rows;
    expect(viaDialect).toEqual((await pglite.query("select * from t where id = 1")).rows);
    prepareByName(select);
    for (const echoed of ["first", "second", null]) {
      const expected = (await pglite.query(select, [1, echoed])).rows;
      expect((await db.executeQuery(CompiledQuery.raw(select, [1, echoed]))).rows).toEqual(expected);
    }
    expect((await db.executeQuery(CompiledQuery.raw("update t set flag = $1 where id = $2", [false, 1]))).numAffectedRows).toBe(1n);
  });

  test("a statement that fails to parse, or to run, fails as in PGlite, and the engine goes on", async () => {
    await expect(db.executeQuery(CompiledQuery.raw("selec 1", []))).rejects.toMatchObject({ code: "42601" });
    prepareByName("insert into t (id) values ($1)");
    await db.executeQuery(CompiledQuery.raw("insert into t (id) values ($1)", [10]));
    await expect(db.executeQuery(CompiledQuery.raw("insert into t (id) values ($1)", [10]))).rejects.toMatchObject({ code: "23505" });
    // In a transaction: the failure aborts it, and a statement compiled for the first time then fails too.
    await expect(
      db.transaction().execute(async (tx) => {
        await tx.executeQuery(CompiledQuery.raw("insert into t (id) values ($1)", [11]));
        await tx.executeQuery(CompiledQuery.raw("insert into t (id) values ($1)", [11])).catch(() => {});
        await tx.executeQuery(CompiledQuery.raw("select id from t where id = $1 and flag = $2", [11, true]));
      }),
    ).rejects.toMatchObject({ code: "25P02" });
    expect((await db.executeQuery(CompiledQuery.raw("select array_agg(id order by id) as ids from t where id >= 10", []))).rows).toEqual([{ ids: [10] }]);
    expect((await db.executeQuery(CompiledQuery.raw("insert into t (id) values ($1)", [12]))).numAffectedRows).toBe(1n);
  });
});
