import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { describe } from "vitest";
import type { DatabaseTarget } from "../../src/store/database.js";
import { copyEmbeddedTemplate, onServer, postgresTemplate } from "./database-templates.js";
import { workerEnginePool } from "./embedded-engine-pool.js";
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

const OBJECT_IN_USE = "55006";

/**
 * Drops a test's database. Without FORCE first: Postgres waits (up to 5 s) for connections that are
 * still closing (pg's pool.end() resolves before its sockets are closed), where FORCE would terminate
 * them and their pool would report the error to a test that has finished. Connections that stay
 * open (a test that leaked them) are then terminated.
 */
async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  try {
    await onServer(serverUrl, `DROP DATABASE IF EXISTS ${name}`);
  } catch (error) {
    if ((error as { code?: string }).code !== OBJECT_IN_USE) throw error;
    await onServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}
/** Each test file gets its own database on the server, dropped afterwards. */
export function postgresBackend(serverUrl: string = testDatabaseUrl()): Backend {
  const created: string[] = [];
  return {
    name: "postgres",
    async create(options = {}) {
      const name = `keygate_test_${randomBytes(6).toString("hex")}`;
      const template = options.empty ? undefined : postgresTemplate();
      await onServer(serverUrl, `CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ""}`);
      created.push(name);
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      return { kind: "postgres", url: url.toString(), poolSize: 20 };
    },
    async dispose(target) {
      const dropped = target ? takeOut(created, target.kind === "postgres" ? new URL(target.url).pathname.slice(1) : undefined) : created.splice(0);
      for (const name of dropped) await dropDatabase(serverUrl, name);
    },
  };
}

/** Runs `suite` once per backend; both always run (see testDatabaseUrl). */
export function describeEachBackend(title: string, suite: (backend: Backend) => void): void {
  describe(`${title} [embedded]`, () => suite(embeddedBackend()));
  describe(`${title} [postgres]`, () => suite(postgresBackend()));
}

/** The Postgres server the tests run on, for tests that act on it directly (terminating backends). */
export const postgresServerUrl = (): string => testDatabaseUrl();
