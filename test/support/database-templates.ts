/**
 * Migrated databases copied for each test file, so that a file does not pay for creating and
 * migrating its own: a fresh PGlite costs seconds of initdb and migrations on these machines, a copy
 * of a migrated data directory a fraction of that. The Postgres one is made by the global setup of
 * each run; the embedded one, and its unmigrated twin for the tests that need a database without
 * keygate's schema, are made once for what they are made from and kept between runs (see
 * embeddedTemplates). Their names travel to the test workers in the environment.
 */
import { createHash } from "node:crypto";
import type { Dirent } from "node:fs";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { sql, type Kysely } from "kysely";
import pg from "pg";
import { openDatabase, type DatabaseTarget } from "../../src/store/database.js";
import { migrateToLatest } from "../../src/store/migrator.js";
import { loadPGliteCode } from "../../src/store/pglite-code.js";
import { cachedDirectory, packageVersion, removeFromCache } from "./test-cache.js";
import type { RunSql } from "./template-state.js";

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

/** The URL of the database `name` on the server at `serverUrl`. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs `use` on one connection to the database at `url`. */
export async function connected<T>(url: string, use: (run: RunSql) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(async (sql) => (await client.query<Record<string, unknown>>(sql)).rows);
  } finally {
    await client.end();
  }
}

/** Runs `sql` on the server's maintenance database (CREATE/DROP DATABASE cannot run in a transaction). */
export async function onServer(serverUrl: string, sql: string): Promise<void> {
  await connected(serverUrl, (run) => run(sql));
}

const OBJECT_IN_USE = "55006";

/**
 * Drops a test's database. Without FORCE first: Postgres waits (up to 5 s) for connections that are
 * still closing (pg's pool.end() resolves before its sockets are closed), where FORCE would terminate
 * them and their pool would report the error to a test that has finished. Connections that stay
 * open (a test that leaked them) are then terminated.
 */
export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  try {
    await onServer(serverUrl, `DROP DATABASE IF EXISTS ${name}`);
  } catch (error) {
    if ((error as { code?: string }).code !== OBJECT_IN_USE) throw error;
    await onServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

/**
 * Copies the directory tree `from` into `to`: the directories first, then the files all at once (on
 * libuv's thread pool). Not fs.cp, which copies file by file in JavaScript in Node 20 (about five
 * times the CPU), nor the system's cp, a child process of the test workers' process, which holds
 * every worker's engines: 41–44 against 48 ms of CPU per copy of the template (its thousand files
 * and 39 MB, copied once per test file and database), measured in a worker.
 */
async function copyTree(from: string, to: string): Promise<void> {
  const entries = await readdir(from, { recursive: true, withFileTypes: true });
  const pathIn = (root: string, entry: Dirent) => join(root, relative(from, entry.parentPath), entry.name);
  await mkdir(to, { recursive: true });
  for (const entry of entries) if (entry.isDirectory()) await mkdir(pathIn(to, entry), { recursive: true });
  await Promise.all(entries.filter((entry) => entry.isFile()).map((entry) => copyFile(pathIn(from, entry), pathIn(to, entry))));
}

export interface EmbeddedTemplates {
  /** A new data directory as the first start leaves it (initdb done, no keygate schema). */
  empty: string;
  /** The same, migrated. */
  migrated: string;
}

/** The two templates' directories in `dir`. */
const templatesIn = (dir: string): EmbeddedTemplates => ({ empty: join(dir, "empty"), migrated: join(dir, "migrated") });

const repo = fileURLToPath(new URL("../../", import.meta.url));
const TEMPLATES_PREFIX = "embedded-templates-";

/**
 * What the embedded templates are made from: the versions of PGlite and Kysely, and keygate's code
 * that starts the engine and migrates (the migrations are self-contained), and this file.
 */
async function embeddedTemplatesKey(): Promise<string> {
  const hash = createHash("sha256");
  for (const pkg of ["@electric-sql/pglite", "kysely"]) hash.update(`${pkg}@${await packageVersion(pkg)}\n`);
  const migrations = (await readdir(join(repo, "src/store/migrations"))).sort().map((name) => `src/store/migrations/${name}`);
  for (const file of ["src/store/database.ts", "src/store/migrator.ts", ...migrations, "test/support/database-templates.ts"]) hash.update(`${file}\n`).update(await readFile(join(repo, file)));
  return hash.digest("hex").slice(0, 16);
}

/** Makes the two templates from one initdb in `dir`: `empty`, then a copy of it, migrated. */
async function makeEmbeddedTemplates(dir: string): Promise<EmbeddedTemplates> {
  const templates = templatesIn(dir);
  const code = loadPGliteCode();
  const target: DatabaseTarget = { kind: "embedded", dataDir: templates.empty, fsync: false, code };
  const { db } = await openDatabase(target);
  // Kysely closes only an engine it has used; closed, the data directory is complete on disk.
  await sql`SELECT 1`.execute(db);
  await db.destroy();
  await copyTree(templates.empty, templates.migrated);
  await migrate({ ...target, dataDir: templates.migrated });
  return templates;
}

/**
 * The embedded templates in the cache (test-cache.ts), made there unless made before from the same
 * PGlite, Kysely and keygate code (embeddedTemplatesKey): making them costs about 4 CPU-seconds and
 * 2.5 s of the setup, which runs before any test. Templates of other keys are removed.
 */
async function cachedEmbeddedTemplates(): Promise<EmbeddedTemplates> {
  const name = `${TEMPLATES_PREFIX}${await embeddedTemplatesKey()}`;
  const dir = await cachedDirectory(name, makeEmbeddedTemplates);
  await removeFromCache((entry) => entry.startsWith(TEMPLATES_PREFIX) && entry !== name);
  return templatesIn(dir);
}

/**
 * The run's embedded templates: copies of the cached ones in the temporary directory, which the tests
 * copy from for each database (in memory, where the run's temporary directory is, a copy costs less
 * than from the disk); returns how to remove them.
 */
export async function embeddedTemplates(): Promise<EmbeddedTemplates & { remove(): Promise<void> }> {
  const cached = await cachedEmbeddedTemplates();
  const dir = await mkdtemp(join(tmpdir(), "keygate-test-templates-"));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    const templates = templatesIn(dir);
    await Promise.all([copyTree(cached.empty, templates.empty), copyTree(cached.migrated, templates.migrated)]);
    return { ...templates, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

/** A migrated database on the server, named uniquely (helpers share servers); returns how to drop it. */
export async function makePostgresTemplate(serverUrl: string): Promise<{ name: string; remove(): Promise<void> }> {
  const name = `keygate_template_${process.pid}_${Date.now().toString(36)}`;
  await onServer(serverUrl, `CREATE DATABASE ${name}`);
  await migrate({ kind: "postgres", url: databaseUrl(serverUrl, name), poolSize: 1 });
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
