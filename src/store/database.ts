import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { PGliteDialect } from "./pglite-dialect.js";
import type { Database } from "./schema.js";

export type DatabaseTarget =
  | { kind: "postgres"; url: string; poolSize: number }
  | { kind: "embedded"; dataDir: string | undefined };

export interface OpenDatabase {
  db: Kysely<Database>;
  kind: DatabaseTarget["kind"];
  /** Connections in use and idle, for metrics; undefined for the embedded database. */
  pool?: pg.Pool;
}

const INT8_OID = 20;
/** Sequences and counts fit easily into a double; parse them as numbers on both backends. */
const parseInt8 = (value: string) => Number(value);

/**
 * Postgres through a pg pool, or the embedded PGlite (in memory when no data dir is given).
 * `onIdleConnectionError` hears of pooled connections that died while idle (server restart,
 * terminated backend); the pool drops them and opens new ones when needed.
 */
export async function openDatabase(target: DatabaseTarget, onIdleConnectionError: (error: Error) => void = () => {}): Promise<OpenDatabase> {
  if (target.kind === "postgres") {
    const pool = new pg.Pool({
      connectionString: target.url,
      max: target.poolSize,
      // Lets a command send its statements without waiting for each answer (see pipeline.ts).
      pipeline: true,
      types: { getTypeParser: (oid: number, format?: string) => (oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format as "text")) },
    });
    // Without a listener, the pool's error event would take the process down.
    pool.on("error", onIdleConnectionError);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: "postgres", pool };
  }
  if (target.dataDir) await mkdir(target.dataDir, { recursive: true });
  const pglite = await PGlite.create({ ...(target.dataDir ? { dataDir: target.dataDir } : {}), parsers: { [INT8_OID]: parseInt8 } });
  return { db: new Kysely<Database>({ dialect: new PGliteDialect(pglite) }), kind: "embedded" };
}
