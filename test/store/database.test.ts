import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { sql } from "kysely";
import pg from "pg";
import { openDatabase, type OpenDatabase } from "../../src/store/database.js";
import { DatabaseUnavailableError, databaseFaultOf } from "../../src/store/postgres-errors.js";
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

describe("a Postgres connection that dies while checked out", () => {
  const backend = postgresBackend();
  let opened: OpenDatabase;

  beforeAll(async () => {
    opened = await openDatabase(await backend.create());
  });
  afterAll(async () => {
    await opened.db.destroy();
    await backend.dispose();
  });

  test("fails its transaction with DatabaseUnavailableError instead of ending the process; the pool replaces it", async () => {
    const pool = opened.pool!;
    const failed = opened.db.transaction().execute(async (tx) => {
      const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(tx);
      await terminate(rows[0]!.pid);
      await sql`SELECT pg_sleep(0.2)`.execute(tx);
    });
    await expect(failed).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(databaseFaultOf(await failed.catch((e: unknown) => e))).toBe("connection");
    expect(pool.totalCount).toBe(0);
    const again = await sql<{ one: number }>`SELECT 1 AS one`.execute(opened.db);
    expect(again.rows).toEqual([{ one: 1 }]);
  });

  test("a connection lost between its statements is not handed out again", async () => {
    const pids = new Set<number>();
    await opened.db.connection().execute(async (connection) => {
      const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(connection);
      pids.add(rows[0]!.pid);
      await terminate(rows[0]!.pid);
      await expect(sql`SELECT 1`.execute(connection)).rejects.toBeInstanceOf(DatabaseUnavailableError);
    });
    const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(opened.db);
    expect(pids.has(rows[0]!.pid)).toBe(false);
  });
});

async function terminate(pid: number): Promise<void> {
  const admin = new pg.Client({ connectionString: postgresServerUrl() });
  await admin.connect();
  try {
    await admin.query("SELECT pg_terminate_backend($1)", [pid]);
  } finally {
    await admin.end();
  }
}
