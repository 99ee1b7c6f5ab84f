/**
 * Migrated databases made once per test run (by the global setup) and copied for each test file,
 * so that a file does not pay for creating and migrating its own: a fresh PGlite costs seconds of
 * initdb and migrations on these machines, a copy of a migrated data directory a fraction of that.
 * Their names travel to the test workers in the environment.
 */
import { execFile } from "node:child_process";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Kysely } from "kysely";
import pg from "pg";
import { openDatabase, type DatabaseTarget } from "../../src/store/database.js";
import { migrateToLatest } from "../../src/store/migrator.js";

export const EMBEDDED_TEMPLATE_ENV = "KEYGATE_TEST_EMBEDDED_TEMPLATE";
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

/** A migrated embedded data directory; returns how to remove it. */
export async function makeEmbeddedTemplate(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "keygate-test-template-"));
  await migrate({ kind: "embedded", dataDir: dir, fsync: false });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
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

/** A copy of the run's embedded template in `dir` (a new temporary directory by default), or undefined when there is none. */
export async function copyEmbeddedTemplate(dir?: string): Promise<string | undefined> {
  const template = process.env[EMBEDDED_TEMPLATE_ENV];
  if (!template) return undefined;
  dir ??= await mkdtemp(join(tmpdir(), "keygate-test-db-"));
  await copyTree(template, dir);
  return dir;
}

export const postgresTemplate = (): string | undefined => process.env[POSTGRES_TEMPLATE_ENV];
