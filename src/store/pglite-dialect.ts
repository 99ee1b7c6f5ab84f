import { parse, protocol, type PGlite, type Results } from "@electric-sql/pglite";
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
import { preparedName } from "./prepared-statements.js";
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

type BackendMessage = Awaited<ReturnType<PGlite["execProtocolStream"]>>[number];

const { serialize } = protocol;

class PGliteConnection implements DatabaseConnection {
  /** The parameter types of each statement prepared by name on the engine (it is one session), by name. */
  private readonly prepared = new Map<string, number[]>();

  constructor(
    private readonly pglite: PGlite,
    private readonly roundTrips: RoundTripGrouper | undefined,
  ) {}

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    // In the engine's query lock, as PGlite's own query: statements sent ahead run in the order sent.
    const answer = this.pglite.runExclusive(() => this.run<R>(compiledQuery.sql, compiledQuery.parameters));
    const result = await (this.roundTrips === undefined ? answer : this.roundTrips.sent(compiledQuery.sql, answer));
    return {
      rows: result.rows,
      ...(result.affectedRows === undefined ? {} : { numAffectedRows: BigInt(result.affectedRows) }),
    };
  }

  /**
   * PGlite's query (parse, describe, bind, describe, execute, sync) in two calls into the engine
   * instead of six, and for the statements keygate compiles once (prepared-statements.ts) in one:
   * they are parsed and planned once, by name, as on Postgres. Parameters are serialized by the
   * types Postgres infers, as PGlite's query does. About half the CPU of AddAPIApp's fourteen
   * statements (5.8 against 3.1 ms per app, measured with 1000 apps in one process).
   */
  private async run<R>(sql: string, parameters: readonly unknown[]): Promise<Results<R>> {
    const name = preparedName(sql);
    const messages: BackendMessage[] = [];
    let types = name === undefined ? undefined : this.prepared.get(name);
    if (types === undefined) {
      try {
        messages.push(...(await this.pglite.execProtocolStream(Buffer.concat([serialize.parse({ text: sql, name }), serialize.describe({ type: "S", name })]), { syncToFs: false })));
      } catch (error) {
        // Postgres skips what follows a failed message until a sync, which ends the failed statement.
        await this.pglite.execProtocolStream(serialize.sync(), { syncToFs: false });
        throw error;
      }
      types = parse.parseDescribeStatementResults(messages);
      if (name !== undefined) this.prepared.set(name, types);
    }
    const values = parameters.map((value, i) => this.serialized(value, types[i]!));
    // Several protocol messages as one: one call into the engine.
    const run = Buffer.concat([serialize.bind({ statement: name, values }), serialize.describe({ type: "P" }), serialize.execute({}), serialize.sync()]);
    messages.push(...(await this.pglite.execProtocolStream(run, { syncToFs: true })));
    return parse.parseResults(messages, this.pglite.parsers, { rowMode: "object" })[0] as Results<R>;
  }

  /** A parameter as PGlite's query sends it: by the serializer of its type, else as text. */
  private serialized(value: unknown, type: number): string | null {
    if (value === null || value === undefined) return null;
    const serializer = this.pglite.serializers[type];
    return serializer ? serializer(value) : String(value);
  }

  // Streaming is not needed by keygate; reading in one go keeps the single connection simple.
  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    yield await this.executeQuery<R>(compiledQuery);
  }
}
