/**
 * Migrated databases on the run's Postgres server, reused by the test files of one worker as the
 * embedded engines are (embedded-engine-pool.ts): creating a database from the template and dropping
 * it cost the server about 110 ms of CPU per test file, most of it the file system making and
 * removing its thousand files; emptying one and checking it costs a few.
 *
 * A database given back is brought to the template's state (template-state.ts) once the connections
 * of the file's keygates are gone, and checked; one that differs, or that is still in use after
 * CLOSING_MS, is dropped. The databases' names start with the run's prefix, by which the global
 * teardown drops those the workers still held.
 */
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { PostgresTarget } from "../../src/store/database.js";
import { connected, databaseUrl, dropDatabase, onServer, postgresTemplate } from "./database-templates.js";
import { LendingPool, type Lendable } from "./lending-pool.js";
import { TemplateState, type RunSql } from "./template-state.js";

/** The start of the names of this run's pooled databases (the global setup sets it). */
export const POSTGRES_POOL_PREFIX_ENV = "KEYGATE_TEST_POSTGRES_POOL_PREFIX";

/** Idle databases kept per worker. */
const MAX_IDLE = 2;

/** How long the connections of a given-back database may take to close (pg's pool.end() resolves before its sockets close). */
const CLOSING_MS = 5_000;

/** The connection pool size of keygate on a test database. */
export const TEST_POOL_SIZE = 20;

/** Whether no other connection to the database `run` is on remains, waiting up to `closingMs` for them to close. */
async function othersGone(run: RunSql, closingMs: number): Promise<boolean> {
  const deadline = Date.now() + closingMs;
  for (;;) {
    const [{ others }] = (await run("SELECT count(*)::int AS others FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")) as [{ others: number }];
    if (others === 0) return true;
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
}

class PooledDatabase implements Lendable<PostgresTarget> {
  private constructor(
    private readonly serverUrl: string,
    readonly key: string,
    private readonly template: TemplateState,
    private readonly closingMs: number,
  ) {}

  /** A new copy of `template`, named `name`. */
  static async create(serverUrl: string, name: string, template: string, closingMs: number): Promise<PooledDatabase> {
    await onServer(serverUrl, `CREATE DATABASE ${name} TEMPLATE ${template}`);
    try {
      return new PooledDatabase(serverUrl, name, await connected(databaseUrl(serverUrl, name), TemplateState.of), closingMs);
    } catch (error) {
      await dropDatabase(serverUrl, name);
      throw error;
    }
  }

  target(): PostgresTarget {
    return { kind: "postgres", url: databaseUrl(this.serverUrl, this.key), poolSize: TEST_POOL_SIZE };
  }

  async reset(): Promise<boolean> {
    try {
      return await connected(databaseUrl(this.serverUrl, this.key), async (run) => {
        if (!(await othersGone(run, this.closingMs))) return false;
        await run("SET lock_timeout = '2s'");
        await run(this.template.resetSql);
        return this.template.holds(run);
      });
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    return dropDatabase(this.serverUrl, this.key);
  }
}

/** Databases on the server at `serverUrl` (keyed by name), copies of a template there, lent to test files and given back. */
export function postgresDatabasePool(
  serverUrl: string,
  /** The migrated template on that server, and the prefix of the databases made from it. */
  source: () => { template: string; prefix: string },
  maxIdle = MAX_IDLE,
  closingMs = CLOSING_MS,
): LendingPool<PostgresTarget> {
  return new LendingPool(() => {
    const { template, prefix } = source();
    return PooledDatabase.create(serverUrl, `${prefix}${randomBytes(6).toString("hex")}`, template, closingMs);
  }, maxIdle);
}

/** Drops the databases named with `prefix` on the server (what the workers' pools held at the run's end). */
export async function dropPooledDatabases(serverUrl: string, prefix: string): Promise<void> {
  const names = await connected(serverUrl, (run) => run(`SELECT datname AS name FROM pg_database WHERE starts_with(datname, '${prefix}')`));
  for (const { name } of names) await onServer(serverUrl, `DROP DATABASE IF EXISTS ${String(name)} WITH (FORCE)`);
}

/** The run's template and prefix, as the global setup made them. */
function runSource(): { template: string; prefix: string } {
  const template = postgresTemplate();
  const prefix = process.env[POSTGRES_POOL_PREFIX_ENV];
  if (!template || !prefix) throw new Error("no Postgres template: run the tests through the global setup (npm test)");
  return { template, prefix };
}

let workerPool: LendingPool<PostgresTarget> | undefined;

/** The worker's pool on the run's server (TEST_DATABASE_URL), which its files share; none for another server. */
export function workerPostgresPool(serverUrl: string): LendingPool<PostgresTarget> | undefined {
  if (serverUrl !== process.env.TEST_DATABASE_URL) return undefined;
  return (workerPool ??= postgresDatabasePool(serverUrl, runSource));
}
