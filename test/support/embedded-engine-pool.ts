/**
 * Started embedded engines on copies of the migrated template, reused by the test files of one worker
 * (their module graph and memory last as long as the worker, see vitest.config.ts). Starting an engine
 * costs about a third of a CPU-second (copying the template's thousand files, PGlite's start, its GC,
 * removing the copy), which a suite of about a hundred embedded databases paid in full.
 *
 * A database handed out is always in the template's state, as a fresh copy would be: when a file gives
 * its database back, every table that is empty in the template is truncated, the sequences are set to
 * their template values, and the engine's fingerprint (schema, roles, settings, the contents of the
 * tables the template fills, the sequences) is compared with the one taken at its start. An engine that
 * differs (a test changed its schema, say) is closed and removed, never handed out again.
 *
 * Keygate closes its database at shutdown; on a pooled engine that ends the session instead (DISCARD
 * ALL: prepared statements, temporary tables, settings), as a process's exit would, and a later keygate
 * on the same database (a restart within a test) finds the data as the first one left it.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { startPGlite, type EmbeddedEngine, type EmbeddedTarget } from "../../src/store/database.js";
import { copyEmbeddedTemplate } from "./database-templates.js";
import { sharedPGliteCode } from "./shared-pglite-code.js";

/** Where the run keeps the pooled engines' data dirs; the global setup removes it at the end. */
export const ENGINE_POOL_DIR_ENV = "KEYGATE_TEST_ENGINE_POOL_DIR";

/** Idle engines kept per worker: a test file takes one or two at a time; each holds ~100 MB. */
const MAX_IDLE = 2;

/**
 * The catalogs that any change of schema, function, role or setting writes or removes a row of.
 * Their row counts, and how many of their rows were written since the engine started (a row written
 * by a later transaction has a smaller age(xmin)), show any such change at a fraction of the cost of
 * describing the schema (8 against 30 ms). The session's schemas for temporary tables are left out:
 * Postgres keeps them once made, empty after the session's end.
 */
const SCHEMA_CATALOGS = ["pg_class", "pg_attribute", "pg_attrdef", "pg_index", "pg_constraint", "pg_type", "pg_proc", "pg_trigger", "pg_rewrite", "pg_policy", "pg_namespace", "pg_authid", "pg_auth_members", "pg_db_role_setting", "pg_extension", "pg_database", "pg_sequence", "pg_event_trigger"];

const SYSTEM_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'`;

interface TemplateState {
  /** The tables empty in the template, truncated at each return. */
  emptyTables: string[];
  /** setval for each sequence, back to its template value. */
  sequenceResets: string[];
  /** A query whose one value is the fingerprint of everything a reset does not rebuild. */
  fingerprintQuery: string;
  fingerprint: string;
}

const quoted = (schema: string, name: string) => `"${schema.replaceAll('"', '""')}"."${name.replaceAll('"', '""')}"`;

async function firstValue(pglite: PGlite, query: string): Promise<string> {
  const { rows } = await pglite.query<{ value: string }>(query);
  return rows[0]!.value;
}

/** What the engine holds as it starts: which tables are empty, the sequences' values, the fingerprint. */
async function templateState(pglite: PGlite): Promise<TemplateState> {
  const relations = await pglite.query<{ schema: string; name: string; kind: string }>(
    `SELECT n.nspname AS schema, c.relname AS name, c.relkind AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${SYSTEM_SCHEMAS} AND c.relkind IN ('r', 'S', 'p') ORDER BY 1, 2`,
  );
  const emptyTables: string[] = [];
  const filledTables: string[] = [];
  const sequences: string[] = [];
  for (const { schema, name, kind } of relations.rows) {
    const relation = quoted(schema, name);
    if (kind === "S") sequences.push(relation);
    else if ((await firstValue(pglite, `SELECT count(*)::text AS value FROM ${relation}`)) === "0") emptyTables.push(relation);
    else filledTables.push(relation);
  }
  const sequenceResets: string[] = [];
  for (const sequence of sequences) {
    const { rows } = await pglite.query<{ last_value: string; is_called: boolean }>(`SELECT last_value::text, is_called FROM ${sequence}`);
    sequenceResets.push(`SELECT setval('${sequence.replaceAll("'", "''")}', ${rows[0]!.last_value}, ${rows[0]!.is_called})`);
  }
  const startXid = await firstValue(pglite, "SELECT txid_current()::text AS value");
  const parts = [
    ...SCHEMA_CATALOGS.map((catalog) => `SELECT '${catalog} ' || count(*) || ' ' || count(*) FILTER (WHERE age(xmin) <= age('${startXid}'::xid)) FROM pg_catalog.${catalog}${catalog === "pg_namespace" ? ` WHERE nspname !~ '^pg_(toast_)?temp_'` : ""}`),
    ...filledTables.map((table) => `SELECT 'rows ${table.replaceAll("'", "''")} ' || coalesce((SELECT md5(string_agg(t::text, E'\\n' ORDER BY t::text)) FROM ${table} t), '')`),
    ...sequences.map((sequence) => `SELECT 'sequence ${sequence.replaceAll("'", "''")} ' || last_value || ' ' || is_called FROM ${sequence}`),
  ];
  const fingerprintQuery = `SELECT md5(string_agg(x, E'\\n' ORDER BY x)) AS value FROM (${parts.map((part) => `(${part})`).join(" UNION ALL ")}) AS everything(x)`;
  return { emptyTables, sequenceResets, fingerprintQuery, fingerprint: await firstValue(pglite, fingerprintQuery) };
}

/** What a session's end undoes: an open transaction, then prepared statements, temporary tables, settings (each its own statement: DISCARD ALL cannot run in a transaction block). */
async function endSessionOf(pglite: PGlite): Promise<void> {
  await pglite.exec("ROLLBACK");
  await pglite.exec("DISCARD ALL");
}

class PooledEngine {
  /** What keygate gets as its engine: this engine, whose close ends the session rather than the engine. */
  private readonly session: PGlite;

  private constructor(
    readonly dataDir: string,
    private readonly engine: EmbeddedEngine,
    private readonly template: TemplateState,
  ) {
    const pglite = engine.pglite;
    const endSession = () => endSessionOf(pglite);
    this.session = new Proxy(pglite, {
      get(target, key) {
        if (key === "close") return endSession;
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  }

  /** An engine on a new copy of the migrated template in `root`. */
  static async start(root: string): Promise<PooledEngine> {
    const dataDir = await copyEmbeddedTemplate({ dir: await mkdtemp(join(root, "engine-")) });
    const engine = await startPGlite({ kind: "embedded", dataDir, fsync: false, code: sharedPGliteCode() });
    try {
      return new PooledEngine(dataDir, engine, await templateState(engine.pglite));
    } catch (error) {
      await engine.pglite.close();
      await engine.unlock();
      throw error;
    }
  }

  /** The target keygate opens: this engine, as already started. */
  target(): EmbeddedTarget {
    return { kind: "embedded", dataDir: this.dataDir, fsync: false, starting: Promise.resolve({ pglite: this.session, unlock: async () => {} }) };
  }

  /** Brings the database back to the template's state; false when it cannot be (the engine must go). */
  async reset(): Promise<boolean> {
    const pglite = this.engine.pglite;
    if (pglite.closed) return false;
    try {
      await endSessionOf(pglite);
      // DELETE, not TRUNCATE, which makes new files for every table and index (2 against 70 ms);
      // as replica, foreign keys do not order the deletes.
      await pglite.exec(["SET LOCAL session_replication_role = replica", ...this.template.emptyTables.map((table) => `DELETE FROM ${table}`), ...this.template.sequenceResets].join(";\n"));
      return (await firstValue(pglite, this.template.fingerprintQuery)) === this.template.fingerprint;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (!this.engine.pglite.closed) await this.engine.pglite.close();
    await this.engine.unlock();
    await rm(this.dataDir, { recursive: true, force: true });
  }
}

/** Engines lent to test files and given back, each in a data dir under `root`. */
export class EmbeddedEnginePool {
  private readonly idle: PooledEngine[] = [];
  private readonly lent = new Map<string, PooledEngine>();

  constructor(
    private readonly root: () => string = poolDirectory,
    private readonly maxIdle = MAX_IDLE,
  ) {}

  /** A migrated embedded database in the template's state, on an engine already started. */
  async lend(): Promise<EmbeddedTarget> {
    const engine = this.idle.pop() ?? (await PooledEngine.start(this.root()));
    this.lent.set(engine.dataDir, engine);
    return engine.target();
  }

  /** Whether the database at `dataDir` is one this pool lent (and has not been given back). */
  lends(dataDir: string): boolean {
    return this.lent.has(dataDir);
  }

  /** Takes back the database at `dataDir`: reset, it waits for the next file; else its engine is closed and removed. */
  async giveBack(dataDir: string): Promise<void> {
    const engine = this.lent.get(dataDir);
    if (!engine) return;
    this.lent.delete(dataDir);
    if (this.idle.length < this.maxIdle && (await engine.reset())) this.idle.push(engine);
    else await engine.close();
  }

  /** Closes and removes the idle engines (the worker's own go with the worker and the run's directory). */
  async close(): Promise<void> {
    await Promise.all(this.idle.splice(0).map((engine) => engine.close()));
  }
}

function poolDirectory(): string {
  const root = process.env[ENGINE_POOL_DIR_ENV];
  if (!root) throw new Error("no engine pool directory: run the tests through the global setup (npm test)");
  return root;
}

/** The worker's pool, which its test files share. */
export const workerEnginePool = new EmbeddedEnginePool();
