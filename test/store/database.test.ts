import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { sql } from "kysely";
import pg from "pg";
import { openDatabase, type OpenDatabase } from "../../src/store/database.js";
import { postgresBackend, postgresServerUrl } from "../support/backends.js";

describe("a Postgres connection that dies while idle", () => {
  const backend = postgresBackend();
  const idleErrors: Error[] = [];
  let heard: () => void;
  const firstIdleError = new Promise<void>((resolve) => (heard = resolve));
  let opened: OpenDatabase;

  beforeAll(async () => {
    opened = await openDatabase(await backend.create(), (error) => {
      idleErrors.push(error);
      heard();
    });
  });
  afterAll(async () => {
    await opened.db.destroy();
    await backend.dispose();
  });

  test("is reported and replaced; the process does not crash and the next query works", async () => {
    const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(opened.db);
    const admin = new pg.Client({ connectionString: postgresServerUrl() });
    await admin.connect();
    try {
      await admin.query("SELECT pg_terminate_backend($1)", [rows[0]!.pid]);
    } finally {
      await admin.end();
    }
    await firstIdleError;
    expect(idleErrors.map((e) => (e as Error & { code?: string }).code)).toEqual(["57P01"]);
    const again = await sql<{ one: number }>`SELECT 1 AS one`.execute(opened.db);
    expect(again.rows).toEqual([{ one: 1 }]);
  });
});
