import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Code, ConnectError } from "@connectrpc/connect";
import { sql } from "kysely";
import pg from "pg";
import { toCallError } from "../../src/api/errors.js";
import { invalidArgument } from "../../src/domain/errors.js";
import { openDatabase, type OpenDatabase } from "../../src/store/database.js";
import { DatabaseUnavailableError } from "../../src/store/postgres-errors.js";
import { embeddedBackend } from "../support/backends.js";

/** Real database errors (embedded PGlite raises them as Postgres does), answered by cause. */
describe("a call's error, classified in one place", () => {
  let opened: OpenDatabase;
  const internal: unknown[] = [];
  const unavailable: unknown[] = [];
  const classify = (error: unknown) => toCallError(error, { onInternal: (e) => internal.push(e), onUnavailable: (e) => unavailable.push(e) });
  const failureOf = (statement: string) => sql.raw(statement).execute(opened.db).then(
    () => {
      throw new Error(`${statement} did not fail`);
    },
    (error: unknown) => error,
  );

  // A copy of the run's unmigrated template: the errors are the engine's either way, and an in-memory engine would run initdb (seconds).
  const backend = embeddedBackend();
  beforeAll(async () => {
    opened = await openDatabase(await backend.create({ empty: true }));
    await sql`CREATE TABLE t (id int PRIMARY KEY, small smallint, name text, parent int REFERENCES t (id))`.execute(opened.db);
    await sql`INSERT INTO t (id) VALUES (1)`.execute(opened.db);
  });
  afterAll(async () => {
    await opened.db.destroy();
    await backend.dispose();
  });

  test.each([
    ["a unique value taken", "INSERT INTO t (id) VALUES (1)", Code.AlreadyExists],
    ["a foreign key to nothing", "INSERT INTO t (id, parent) VALUES (2, 99)", Code.FailedPrecondition],
    ["a number out of its column's range", "INSERT INTO t (id, small) VALUES (3, 99999)", Code.InvalidArgument],
    ["text that is not a number", "SELECT 'x'::int", Code.InvalidArgument],
    ["a serialization failure", "DO $$ BEGIN RAISE EXCEPTION 'leak-1' USING ERRCODE = 'serialization_failure'; END $$", Code.Aborted],
    ["a terminated session", "DO $$ BEGIN RAISE EXCEPTION 'leak-2' USING ERRCODE = 'admin_shutdown'; END $$", Code.Unavailable],
  ])("%s → %s", async (_name, statement, code) => {
    const error = classify(await failureOf(statement));
    expect(error.code).toBe(code);
    // Nothing of the database's own message (table, constraint, value) reaches the caller.
    expect(error.rawMessage).not.toMatch(/\bt\b|pkey|fkey|99999|leak/);
  });

  test("a NUL character in a parameter is InvalidArgument", async () => {
    const error = await sql`INSERT INTO t (id, name) VALUES (4, ${"a\u0000b"})`.execute(opened.db).catch((e: unknown) => e);
    expect(classify(error).code).toBe(Code.InvalidArgument);
  });

  test("a database that refuses connections is Unavailable and reported as such, not as a bug", async () => {
    const client = new pg.Client({ host: "127.0.0.1", port: 1, connectionTimeoutMillis: 2000 });
    const refused = await client.connect().catch((e: unknown) => e);
    const wrapped = new DatabaseUnavailableError("could not connect to the database", refused);
    unavailable.length = 0;
    expect([classify(refused).code, classify(wrapped).code]).toEqual([Code.Unavailable, Code.Unavailable]);
    expect(unavailable).toEqual([refused, wrapped]);
  });

  test("domain and Connect errors keep their code; anything else is Internal, reported, without its message", () => {
    expect(classify(invalidArgument("APP-1", "Errors.Invalid")).code).toBe(Code.InvalidArgument);
    expect(classify(new ConnectError("gone", Code.NotFound)).code).toBe(Code.NotFound);
    const bug = new TypeError("cannot read properties of undefined");
    const answered = classify(bug);
    expect([answered.code, answered.rawMessage]).toEqual([Code.Internal, "internal error"]);
    expect(internal).toEqual([bug]);
  });
});
