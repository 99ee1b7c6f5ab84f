import type { PostgresPool, PostgresPoolClient } from "kysely";
import type pg from "pg";
import { DatabaseUnavailableError, isConnectionFailure } from "./postgres-errors.js";
import { preparedName } from "./prepared-statements.js";
import { RoundTripGrouper, type RoundTripListener } from "./round-trips.js";

/**
 * The pg pool as Kysely sees it (its documented PostgresPool interface), with two additions:
 *
 * - A connection that dies while checked out (terminated backend, server restart, reset socket)
 *   is survived: pg's client emits `error` then, and the pool listens only on idle clients, so
 *   without a listener of ours that event would end the process. The statements that were on it
 *   fail with DatabaseUnavailableError, and the client is destroyed when released, never reused;
 *   the statements it had prepared die with it (pg keeps them per client).
 * - With `prepared`, statements registered by prepareByName are sent by name (prepared-statements.ts).
 * - With `roundTrips`, it hears of each connection's round trips (tracing).
 */
export function poolForKysely(pool: pg.Pool, options: { prepared: boolean; roundTrips?: RoundTripListener }): PostgresPool {
  // One wrapper per pg client for its whole life: Kysely keeps its own connection object per client it is given.
  const clients = new WeakMap<pg.PoolClient, PooledClient>();
  // Made as the pool hands out a new client, in the same tick as pg's answer that it is ready: an error
  // in the same network read (a backend terminated right after its start) finds the wrapper listening.
  // pg's promise of the client resolves later, and the pool listens only on idle clients.
  pool.on("connect", (client) => clients.set(client, new PooledClient(client, options.prepared, options.roundTrips && new RoundTripGrouper(options.roundTrips))));
  const wrap = (client: pg.PoolClient) => clients.get(client) as unknown as PostgresPoolClient;
  return {
    options: pool.options,
    connect: async () => {
      try {
        return wrap(await pool.connect());
      } catch (error) {
        // Refused, unreachable, not accepting connections, or the pool is ending: no connection to be had.
        throw new DatabaseUnavailableError("could not connect to the database", error);
      }
    },
    end: () => pool.end(),
  };
}

/** Its query takes only Kysely's (sql, parameters) form, hence the cast above; the cursor form serves streaming, which keygate does not use. */
class PooledClient {
  /** Why the connection is gone, once it is. */
  private lost: unknown;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly prepared: boolean,
    private readonly roundTrips: RoundTripGrouper | undefined,
  ) {
    // pg emits the error before it fails the statements that were on the connection (a tick later), so they see `lost` set.
    client.on("error", (error) => (this.lost ??= error));
  }

  /** Kysely reads pg's (undocumented) processID to cancel a query; keygate cancels none, but keep it true. */
  get processID(): number | undefined {
    return (this.client as pg.PoolClient & { processID?: number }).processID;
  }

  query(sql: string, values: unknown[]): Promise<pg.QueryResult> {
    const name = this.prepared ? preparedName(sql) : undefined;
    // pg copies a query given as an object (a few µs); the text-and-values form it takes as is.
    const sent = name === undefined ? this.client.query(sql, values) : this.client.query({ name, text: sql, values });
    const result = this.roundTrips === undefined ? sent : this.roundTrips.sent(sql, sent);
    return result.catch((error: unknown) => {
      if (this.lost === undefined && isConnectionFailure(error)) this.lost = error;
      throw this.lost === undefined ? error : new DatabaseUnavailableError("the database connection was lost", error);
    });
  }

  release(destroy?: boolean): void {
    this.client.release(destroy === true || this.lost !== undefined);
  }
}
