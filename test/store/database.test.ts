import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { sql } from "kysely";
import * as net from "node:net";
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

describe("a Postgres server that accepts the connection and never answers", () => {
  const accepted = new Set<net.Socket>();
  // Reads what it is sent (so that it sees the client close) and never answers.
  const silent = net.createServer((socket) => {
    socket.resume();
    accepted.add(socket);
    socket.on("close", () => accepted.delete(socket));
  });
  let url: string;
  beforeAll(async () => {
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    url = `postgres://postgres@127.0.0.1:${(silent.address() as net.AddressInfo).port}/keygate`;
  });
  afterAll(async () => {
    accepted.forEach((socket) => socket.destroy());
    await new Promise((resolve) => silent.close(resolve));
  });

  test("fails a query with DatabaseUnavailableError after the connect timeout, not never", async () => {
    const opened = await openDatabase({ kind: "postgres", url, poolSize: 2, connectTimeoutMs: 300 });
    try {
      const started = Date.now();
      const failed = await sql`SELECT 1`.execute(opened.db).catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(DatabaseUnavailableError);
      expect(databaseFaultOf(failed)).toBe("connection");
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(Date.now() - started).toBeLessThan(5_000);
      // The connection that timed out was closed, not left open.
      for (let i = 0; i < 50 && accepted.size > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(accepted.size).toBe(0);
    } finally {
      await opened.db.destroy();
    }
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
