import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { describe } from "vitest";
import type { DatabaseTarget } from "../../src/store/database.js";
import { copyEmbeddedTemplate, databaseUrl, dropDatabase, onServer, postgresTemplate } from "./database-templates.js";
import { workerEnginePool } from "./embedded-engine-pool.js";
import { TEST_POOL_SIZE, workerPostgresPool } from "./postgres-database-pool.js";
import { sharedPGliteCode } from "./shared-pglite-code.js";

export interface CreateOptions {
  /** A database without keygate's schema (for the migration tests); otherwise a migrated one. */
  empty?: boolean;
}

/** A database backend the store and end-to-end tests run on. */
export interface Backend {
  name: "embedded" | "postgres";
  /**
   * A fresh database, already migrated (a copy of the run's template, see database-templates.ts)
   * unless `empty` is asked for; disposed of by `dispose`.
   */
  create(options?: CreateOptions): Promise<DatabaseTarget>;
  /** Removes `target`, or every database this backend created; each must be closed by then. */
  dispose(target?: DatabaseTarget): Promise<void>;
}

/**
 * The Postgres server of this run: TEST_DATABASE_URL, which the global setup sets to a throwaway
 * cluster when it was not set. Missing only when the global setup did not run; a Postgres test then
 * fails rather than skips.
 */
function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error("TEST_DATABASE_URL is not set: run the tests through the global setup (npm test), which starts a Postgres when none is given");
  return url;
}

/** Removes `item` from `list`; returns it, or nothing when the list does not hold it. */
function takeOut(list: string[], item: string | undefined): string[] {
  const index = item === undefined ? -1 : list.indexOf(item);
  return index < 0 ? [] : list.splice(index, 1);
}

/**
 * An embedded PGlite per `create`: a database lent by the worker's pool of started engines, in the
 * template's state (see embedded-engine-pool.ts), or, `empty`, a copy of the unmigrated template
 * (initdb done, no keygate schema) started by whoever opens it. `dispose` gives the first back and
 * removes the second.
 */
export function embeddedBackend(): Backend {
  const dirs: string[] = [];
  const disposeOf = (dir: string) => (workerEnginePool.lends(dir) ? workerEnginePool.giveBack(dir) : rm(dir, { recursive: true, force: true }));
  return {
    name: "embedded",
    async create(options = {}) {
      if (!options.empty) {
        const target = await workerEnginePool.lend();
        dirs.push(target.dataDir);
        return target;
      }
      const dataDir = await copyEmbeddedTemplate({ empty: true });
      dirs.push(dataDir);
      // Test databases are thrown away: no flush to disk per commit (KEYGATE_EMBEDDED_FSYNC=false).
      return { kind: "embedded", dataDir, fsync: false, code: sharedPGliteCode() };
    },
    async dispose(target) {
      const removed = target ? takeOut(dirs, target.kind === "embedded" ? target.dataDir : undefined) : dirs.splice(0);
      await Promise.all(removed.map(disposeOf));
    },
  };
}

/**
 * Each test file gets its own database on the server: a migrated one lent by the worker's pool
 * (postgres-database-pool.ts) on the run's server, else one created for it; `empty`, one without
 * keygate's schema. `dispose` gives the first back and drops the others.
 */
export function postgresBackend(serverUrl: string = testDatabaseUrl()): Backend {
  const created: string[] = [];
  const pool = workerPostgresPool(serverUrl);
  return {
    name: "postgres",
    async create(options = {}) {
      const target: DatabaseTarget =
        pool && !options.empty ? await pool.lend() : { kind: "postgres", url: await createDatabase(serverUrl, options.empty ? undefined : postgresTemplate()), poolSize: TEST_POOL_SIZE };
      if (target.kind === "postgres") created.push(new URL(target.url).pathname.slice(1));
      return target;
    },
    async dispose(target) {
      const dropped = target ? takeOut(created, target.kind === "postgres" ? new URL(target.url).pathname.slice(1) : undefined) : created.splice(0);
      for (const name of dropped) await (pool?.lends(name) ? pool.giveBack(name) : dropDatabase(serverUrl, name));
    },
  };
}

/** A new database on the server, a copy of `template` when given; returns its URL. */
async function createDatabase(serverUrl: string, template: string | undefined): Promise<string> {
  const name = `keygate_test_${randomBytes(6).toString("hex")}`;
  await onServer(serverUrl, `CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ""}`);
  return databaseUrl(serverUrl, name);
}

/** Runs `suite` once per backend; both always run (see testDatabaseUrl). */
export function describeEachBackend(title: string, suite: (backend: Backend) => void): void {
  describe(`${title} [embedded]`, () => suite(embeddedBackend()));
  describe(`${title} [postgres]`, () => suite(postgresBackend()));
}

/** The Postgres server the tests run on, for tests that act on it directly (terminating backends). */
export const postgresServerUrl = (): string => testDatabaseUrl();
