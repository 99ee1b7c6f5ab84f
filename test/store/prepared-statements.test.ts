import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { sql, type Kysely } from "kysely";
import pg from "pg";
import { ApiAuthMethod } from "../../src/domain/app.js";
import { addApiApp } from "../../src/store/commands/app-commands.js";
import { addProject } from "../../src/store/commands/project-commands.js";
import { openStore, type Store } from "../../src/store/open-store.js";
import { poolForKysely } from "../../src/store/pool-clients.js";
import { getApp } from "../../src/store/queries/app-queries.js";
import type { Database } from "../../src/store/schema.js";
import { postgresBackend } from "../support/backends.js";
import { commandDepsOf } from "../support/command-deps.js";

const actor = { instanceId: "inst-p", orgId: "org-p", userId: "user-p" };
const settings = { projectRoleAssertion: false, projectRoleCheck: false, hasProjectCheck: false, privateLabelingSetting: 0 };

/** The statements prepared on the connection `run` is given, after it ran. */
async function preparedOn(store: Store, run: (connection: Kysely<Database>) => Promise<unknown>): Promise<string[]> {
  return store.db.connection().execute(async (connection) => {
    await run(connection);
    const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements where name like 'keygate_%'`.execute(connection);
    return rows.map((r) => r.statement);
  });
}

describe("prepared statements [postgres]", () => {
  const backend = postgresBackend();
  let prepared: Store;
  let unprepared: Store;
  let projectId: string;
  let appId: string;
  let databaseUrl: string;

  beforeAll(async () => {
    const target = await backend.create();
    if (target.kind !== "postgres") throw new Error("needs Postgres");
    databaseUrl = target.url;
    prepared = await openStore(target);
    unprepared = await openStore({ ...target, preparedStatements: false });
    const deps = commandDepsOf(prepared);
    projectId = (await addProject(deps, actor, { name: "prepared", settings })).id;
    appId = (await addApiApp(deps, actor, projectId, { name: "app", authMethod: ApiAuthMethod.Basic })).appId;
  });
  afterAll(async () => {
    await unprepared.close();
    await prepared.close();
    await backend.dispose();
  });

  test("a statement compiled once is prepared on the connection that runs it, and answers as before", async () => {
    const statements = await preparedOn(prepared, async (connection) => {
      expect((await getApp(connection, actor.instanceId, actor.orgId, projectId, appId)).name).toBe("app");
      // Run again: now by name, with new arguments.
      await expect(getApp(connection, actor.instanceId, actor.orgId, projectId, "no-such-app")).rejects.toMatchObject({ kind: "NotFound" });
      // A column added meanwhile (another process migrating) does not disturb a statement that names its columns.
      await sql`alter table apps add column added_later text`.execute(prepared.db);
      expect((await getApp(connection, actor.instanceId, actor.orgId, projectId, appId)).name).toBe("app");
    });
    // The connection may hold the commands' statements from before too (the pool reuses it).
    expect(statements.filter((s) => /^select "apps"\."id".* where "apps"\."instance_id" = \$1/.test(s))).toHaveLength(1);
  });

  test("a select * is never prepared, so a column added by another process's migration cannot break it", async () => {
    const statements = await preparedOn(prepared, (connection) => prepared.events.lock(connection as never, actor.instanceId, "project", projectId).then(() => undefined));
    expect(statements.every((s) => !s.includes("*"))).toBe(true);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements where statement like 'select * from "projects"%'`.execute(prepared.db);
    expect(rows[0]!.n).toBe(0);
  });

  test("with prepared statements off, nothing is prepared and the same queries answer alike", async () => {
    const statements = await preparedOn(unprepared, async (connection) => {
      expect((await getApp(connection, actor.instanceId, actor.orgId, projectId, appId)).name).toBe("app");
    });
    expect(statements).toEqual([]);
  });

  test("a pg connection checked out again is handed to Kysely as the same client, so Kysely keeps one connection object for it", async () => {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
    try {
      const preparing = poolForKysely(pool, { prepared: true });
      const first = await preparing.connect();
      first.release();
      const second = await preparing.connect();
      second.release();
      expect(second).toBe(first);
    } finally {
      await pool.end();
    }
  });
});
