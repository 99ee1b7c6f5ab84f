import type { PGlite } from "@electric-sql/pglite";
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from "kysely";
import { RoundTripGrouper, type RoundTripListener } from "./round-trips.js";

/**
 * Kysely on an embedded PGlite. PGlite is one connection, so the driver hands it to one user at a
 * time: a transaction holds it until commit or rollback, and every other query waits its turn.
 * (A query issued outside an open transaction while that transaction waits on it would deadlock;
 * keygate always runs its statements on the transaction it is in.)
 */
export class PGliteDialect implements Dialect {
  /**
   * `onClosed` runs after the engine closed (Kysely's destroy), e.g. to unlock its data dir;
   * `roundTrips` hears of the statements sent to the engine (tracing).
   */
  constructor(
    private readonly pglite: PGlite,
    private readonly onClosed: () => Promise<void> = async () => {},
    private readonly roundTrips?: RoundTripListener,
  ) {}

  createDriver(): Driver {
    return new PGliteDriver(this.pglite, this.onClosed, this.roundTrips);
  }
  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }
  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }
  // Kysely's own signature uses Kysely<any>.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
}

class PGliteDriver implements Driver {
  private readonly connection: PGliteConnection;
  private queue: Promise<void> = Promise.resolve();
  private releaseCurrent: (() => void) | undefined;

  constructor(
    private readonly pglite: PGlite,
    private readonly onClosed: () => Promise<void>,
    roundTrips: RoundTripListener | undefined,
  ) {
    this.connection = new PGliteConnection(pglite, roundTrips && new RoundTripGrouper(roundTrips));
  }

  async init(): Promise<void> {
    await this.pglite.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.queue;
    let release!: () => void;
    this.queue = new Promise<void>((resolve) => (release = resolve));
    await previous;
    this.releaseCurrent = release;
    return this.connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const modes = [settings.isolationLevel && `isolation level ${settings.isolationLevel}`, settings.accessMode].filter(Boolean);
    await connection.executeQuery(CompiledQuery.raw(["begin", ...modes].join(" ")));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("commit"));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("rollback"));
  }

  async releaseConnection(): Promise<void> {
    const release = this.releaseCurrent;
    this.releaseCurrent = undefined;
    release?.();
  }

  async destroy(): Promise<void> {
    await this.queue;
    if (!this.pglite.closed) await this.pglite.close();
    await this.onClosed();
  }
}

class PGliteConnection implements DatabaseConnection {
  constructor(
    private readonly pglite: PGlite,
    private readonly roundTrips: RoundTripGrouper | undefined,
  ) {}

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const answer = this.pglite.query<R>(compiledQuery.sql, [...compiledQuery.parameters], { rowMode: "object" });
    const result = await (this.roundTrips === undefined ? answer : this.roundTrips.sent(compiledQuery.sql, answer));
    return {
      rows: result.rows,
      ...(result.affectedRows === undefined ? {} : { numAffectedRows: BigInt(result.affectedRows) }),
    };
  }

  // Streaming is not needed by keygate; reading in one go keeps the single connection simple.
  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    yield await this.executeQuery<R>(compiledQuery);
  }
}
