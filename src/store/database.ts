import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect } from "kysely";
import type pg from "pg";
import type { Config } from "../config.js";
import { CoalescingSocket } from "./coalescing-socket.js";
import { lockDataDir } from "./data-dir-lock.js";
import { DurableNodeFS } from "./durable-nodefs.js";
import { loadPGliteCode, type PGliteCode } from "./pglite-code.js";
import { PGliteDialect } from "./pglite-dialect.js";
import { poolForKysely } from "./pool-clients.js";
import type { RoundTripListener } from "./round-trips.js";
import type { Database } from "./schema.js";

export type DatabaseTarget =
  | {
      kind: "postgres";
      url: string;
      poolSize: number;
      /** How long getting a connection may take (connecting, or waiting for a busy pool); default 5 s. */
      connectTimeoutMs?: number;
      /** Send the statements keygate compiles once as prepared statements (default); off for PgBouncer in transaction mode before 1.21. */
      preparedStatements?: boolean;
    }
  | {
      kind: "embedded";
      dataDir: string;
      /** Flush each commit to disk (default); off for tests and demos. */
      fsync?: boolean;
      /** The engine, when its start was begun ahead of opening (see startEmbeddedEarly); opened once. */
      starting?: Promise<EmbeddedEngine>;
      /** PGlite's compiled code, when the caller shares it between the engines it starts (see pglite-code.ts). */
      code?: Promise<PGliteCode>;
    };

export type EmbeddedTarget = Extract<DatabaseTarget, { kind: "embedded" }>;
export type PostgresTarget = Extract<DatabaseTarget, { kind: "postgres" }>;

export interface OpenDatabase {
  db: Kysely<Database>;
  kind: DatabaseTarget["kind"];
  /** Connections in use and idle, for metrics; undefined for the embedded database. */
  pool?: pg.Pool;
}

const INT8_OID = 20;
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
/** Sequences and counts fit easily into a double; parse them as numbers on both backends. */
const parseInt8 = (value: string) => Number(value);

/** The database the config names: Postgres at DATABASE_URL, else the embedded one in the data dir. */
export function databaseTarget(config: Pick<Config, "databaseUrl" | "poolSize" | "dbConnectTimeoutMs" | "preparedStatements" | "dataDir" | "embeddedFsync">): DatabaseTarget {
  return config.databaseUrl
    ? { kind: "postgres", url: config.databaseUrl, poolSize: config.poolSize, connectTimeoutMs: config.dbConnectTimeoutMs, preparedStatements: config.preparedStatements }
    : { kind: "embedded", dataDir: `${config.dataDir}/db`, fsync: config.embeddedFsync };
}

/** A started PGlite and the unlock of its data dir, to call once the engine is closed. */
export interface EmbeddedEngine {
  pglite: PGlite;
  unlock(): Promise<void>;
}

/**
 * Begins the embedded database's start now (WASM compile, reading the data dir: about a second), so
 * that it overlaps what the caller does until it opens the target (main: loading the rest of
 * keygate). A Postgres target is returned as it is: its connections open on first use.
 */
export function startEmbeddedEarly(target: DatabaseTarget): DatabaseTarget {
  if (target.kind !== "embedded" || target.starting) return target;
  const starting = startPGlite(target);
  // A failure is reported where the target is opened; until then it must not count as unhandled.
  starting.catch(() => {});
  return { ...target, starting };
}

/**
 * PGlite zeroes all of shared_buffers at every start: initdb's 128MB cost 0.15 s and 100 MiB of RSS
 * per start. 32MB (4096 pages) still holds a small database; pages beyond it come from the OS page
 * cache through Node's fs. A cache size only; durability is the fsync setting's (see createPGlite).
 */
const EMBEDDED_SHARED_BUFFERS = "32MB";

/**
 * PGlite runs initdb inside its engine, and the engine keeps the memory initdb used: a process held
 * about 760 MiB after a first start against about 400 after closing that engine and opening a new
 * one (measured under tsx). So on a new data dir the engine that made it is closed, and the start
 * goes on in a fresh one: a restart's time (about a second) once, on the first start only.
 */
export async function startPGlite(target: EmbeddedTarget): Promise<EmbeddedEngine> {
  const { dataDir } = target;
  const fsync = target.fsync !== false;
  await mkdir(dataDir, { recursive: true });
  const unlock = await lockDataDir(dataDir);
  try {
    const code = await (target.code ?? loadPGliteCode());
    if (!existsSync(join(dataDir, "PG_VERSION"))) await (await createPGlite(dataDir, fsync, code)).close();
    return { pglite: await createPGlite(dataDir, fsync, code), unlock };
  } catch (error) {
    await unlock();
    throw error;
  }
}

/**
 * PGlite's default start parameters include `-F` (fsync off): a commit is acknowledged once written
 * to the OS, and a power loss or OS crash can lose it. With `fsync`, `-F` goes and the data dir is
 * mounted through DurableNodeFS, whose fsync reaches the disk (PGlite's own does nothing).
 */
function createPGlite(dataDir: string, fsync: boolean, code: PGliteCode): Promise<PGlite> {
  const startParams = PGlite.defaultStartParams.filter((param) => !(fsync && param === "-F"));
  return PGlite.create({
    ...code,
    ...(fsync ? { fs: new DurableNodeFS(dataDir) } : { dataDir }),
    parsers: { [INT8_OID]: parseInt8 },
    startParams: [...startParams, "-c", `shared_buffers=${EMBEDDED_SHARED_BUFFERS}`],
  });
}

/**
 * Postgres through a pg pool, or the embedded PGlite in its data dir.
 * `onIdleConnectionError` hears of pooled connections that died while idle (server restart,
 * terminated backend); the pool drops them and opens new ones when needed. `roundTrips` hears of
 * the statements each round trip sends (tracing).
 */
export async function openDatabase(
  target: DatabaseTarget,
  onIdleConnectionError: (error: Error) => void = () => {},
  roundTrips?: RoundTripListener,
): Promise<OpenDatabase> {
  if (target.kind === "postgres") {
    // Loaded only here: on the embedded database pg's module setup would only delay the start.
    const { default: pg } = await import("pg");
    const pool = new pg.Pool({
      connectionString: target.url,
      max: target.poolSize,
      // Without it, a server that accepts the TCP connection and never answers (hung, or a black
      // hole in between) would hold every call that needs a new connection forever. On expiry pg
      // fails the connect, which the pool reports as unavailable (pool-clients.ts).
      connectionTimeoutMillis: target.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      // Lets a command send its statements without waiting for each answer (see pipeline.ts).
      pipeline: true,
      // Sends each round trip's statements in one write (see coalescing-socket.ts).
      stream: () => new CoalescingSocket(),
      types: { getTypeParser: (oid: number, format?: string) => (oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format as "text")) },
    });
    // Without a listener, the pool's error event would take the process down (checked-out clients: see pool-clients.ts).
    pool.on("error", onIdleConnectionError);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: poolForKysely(pool, { prepared: target.preparedStatements !== false, roundTrips }) }) });
    return { db, kind: "postgres", pool };
  }
  const engine = await (target.starting ?? startPGlite(target));
  return { db: new Kysely<Database>({ dialect: new PGliteDialect(engine.pglite, engine.unlock, roundTrips) }), kind: "embedded" };
}
