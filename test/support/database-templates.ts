/**
 * Migrated databases made once per test run (by the global setup) and copied for each test file,
 * so that a file does not pay for creating and migrating its own: a fresh PGlite costs seconds of
 * initdb and migrations on these machines, a copy of a migrated data directory a fraction of that.
 * The embedded one also has an unmigrated twin, for the tests that need a database without keygate's
 * schema. Their names travel to the test workers in the environment.
 */
import { execFile } from "node:child_process";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { sql, type Kysely } from "kysely";
import pg from "pg";
import { openDatabase, type DatabaseTarget } from "../../src/store/database.js";
import { migrateToLatest } from "../../src/store/migrator.js";
import { loadPGliteCode } from "../../src/store/pglite-code.js";

export const EMBEDDED_TEMPLATE_ENV = "KEYGATE_TEST_EMBEDDED_TEMPLATE";
export const EMPTY_EMBEDDED_TEMPLATE_ENV = "KEYGATE_TEST_EMPTY_EMBEDDED_TEMPLATE";
export const POSTGRES_TEMPLATE_ENV = "KEYGATE_TEST_POSTGRES_TEMPLATE";

async function migrate(target: DatabaseTarget): Promise<void> {
  const { db } = await openDatabase(target);
  try {
    await migrateToLatest(db as unknown as Kysely<unknown>);
  } finally {
    await db.destroy();
  }
}

/** Runs `sql` on the server's maintenance database (CREATE/DROP DATABASE cannot run in a transaction). */
export async function onServer(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const execFileAsync = promisify(execFile);

/**
 * Copies the directory tree `from` into `to`. The system's cp where there is one: about half the CPU
 * of fs.cp (which is JavaScript in Node 20) for the template's thousand files and 39 MB, copied once
 * per test file and database.
 */
async function copyTree(from: string, to: string): Promise<void> {
  if (process.platform === "win32") await cp(from, to, { recursive: true });
  else await execFileAsync("cp", ["-R", `${from}/.`, to]);
}

/**
 * Two embedded data directories from one initdb: `empty`, a new data directory as the first start
 * leaves it, and `migrated`, a copy of it migrated; returns how to remove them.
 */
export async function makeEmbeddedTemplates(): Promise<{ empty: string; migrated: string; remove(): Promise<void> }> {
  const [empty, migrated] = await Promise.all([mkdtemp(join(tmpdir(), "keygate-test-empty-template-")), mkdtemp(join(tmpdir(), "keygate-test-template-"))]);
  const remove = () => Promise.all([empty, migrated].map((dir) => rm(dir, { recursive: true, force: true }))).then(() => {});
  try {
    const code = loadPGliteCode();
    const target: DatabaseTarget = { kind: "embedded", dataDir: empty, fsync: false, code };
    const { db } = await openDatabase(target);
    // Kysely closes only an engine it has used; closed, the data directory is complete on disk.
    await sql`SELECT 1`.execute(db);
    await db.destroy();
    await copyTree(empty, migrated);
    await migrate({ ...target, dataDir: migrated });
  } catch (error) {
    await remove();
    throw error;
  }
  return { empty, migrated, remove };
}

/** A migrated database on the server, named uniquely (helpers share servers); returns how to drop it. */
export async function makePostgresTemplate(serverUrl: string): Promise<{ name: string; remove(): Promise<void> }> {
  const name = `keygate_template_${process.pid}_${Date.now().toString(36)}`;
  await onServer(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await migrate({ kind: "postgres", url: url.toString(), poolSize: 1 });
  return { name, remove: () => onServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/**
 * A copy of the run's embedded template in `dir` (a new temporary directory by default): migrated, or
 * with `empty` the unmigrated one (initdb done, no keygate schema). Fails when the global setup did not run.
 */
export async function copyEmbeddedTemplate({ dir, empty = false }: { dir?: string; empty?: boolean } = {}): Promise<string> {
  const template = process.env[empty ? EMPTY_EMBEDDED_TEMPLATE_ENV : EMBEDDED_TEMPLATE_ENV];
  if (!template) throw new Error("no embedded template: run the tests through the global setup (npm test)");
  dir ??= await mkdtemp(join(tmpdir(), "keygate-test-db-"));
  await copyTree(template, dir);
  return dir;
}

export const postgresTemplate = (): string | undefined => process.env[POSTGRES_TEMPLATE_ENV];
