/**
 * Started embedded engines on copies of the migrated template, reused by the test files of one worker
 * (their module graph and memory last as long as the worker, see vitest.config.ts). Starting an engine
 * costs about a third of a CPU-second (copying the template's thousand files, PGlite's start, its GC,
 * removing the copy), which a suite of about a hundred embedded databases paid in full.
 *
 * A database handed out is always in the template's state, as a fresh copy would be: when a file gives
 * it back, the tables the template leaves empty are emptied, the sequences set back, and whatever
 * else could differ (schema, functions, roles, settings, the tables the template fills) is checked
 * against the state taken at the engine's start (template-state.ts). An engine that differs (a test
 * changed its schema, say) is closed and removed, never handed out again.
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
import { LendingPool, type Lendable } from "./lending-pool.js";
import { TemplateState, type RunSql } from "./template-state.js";

/** Where the run keeps the pooled engines' data dirs; the global setup removes it at the end. */
export const ENGINE_POOL_DIR_ENV = "KEYGATE_TEST_ENGINE_POOL_DIR";

/** Idle engines kept per worker (each holds ~100 MB). */
const MAX_IDLE = 2;

const runOn = (pglite: PGlite): RunSql => async (sql) => (await pglite.query<Record<string, unknown>>(sql)).rows;

/** What a session's end undoes: an open transaction, then prepared statements, temporary tables, settings (each its own statement: DISCARD ALL cannot run in a transaction block). */
async function endSessionOf(pglite: PGlite): Promise<void> {
  await pglite.exec("ROLLBACK");
  await pglite.exec("DISCARD ALL");
}

class PooledEngine implements Lendable<EmbeddedTarget> {
  /** What keygate gets as its engine: this engine, whose close ends the session rather than the engine. */
  private readonly session: PGlite;

  private constructor(
    private readonly dataDir: string,
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

  get key(): string {
    return this.dataDir;
  }

  /** An engine on a new copy of the migrated template in `root`. */
  static async start(root: string): Promise<PooledEngine> {
    const dataDir = await copyEmbeddedTemplate({ dir: await mkdtemp(join(root, "engine-")) });
    const engine = await startPGlite({ kind: "embedded", dataDir, fsync: false, code: sharedPGliteCode() });
    try {
      return new PooledEngine(dataDir, engine, await TemplateState.of(runOn(engine.pglite)));
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
      await pglite.exec(this.template.resetSql);
      return await this.template.holds(runOn(pglite));
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

/** Engines lent to test files and given back (keyed by data dir), each in a data dir under `root`. */
export const embeddedEnginePool = (root: () => string = poolDirectory, maxIdle = MAX_IDLE): LendingPool<EmbeddedTarget> =>
  new LendingPool(() => PooledEngine.start(root()), maxIdle);

function poolDirectory(): string {
  const root = process.env[ENGINE_POOL_DIR_ENV];
  if (!root) throw new Error("no engine pool directory: run the tests through the global setup (npm test)");
  return root;
}

/** The worker's pool, which its test files share. */
export const workerEnginePool = embeddedEnginePool();
