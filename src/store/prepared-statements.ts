import type { PostgresPool, PostgresPoolClient } from "kysely";
import type pg from "pg";

/**
 * Statement texts that are sent as named (prepared) statements: those keygate compiles once
 * (precompiled.ts registers them). Postgres then parses and plans each once per connection and
 * afterwards only binds and runs it; on AddAPIApp's statements that is about half again as many
 * transactions per second as sending them unnamed. The set of texts is fixed by the code, so
 * every connection holds a bounded number of them.
 */
const names = new Map<string, string>();

/**
 * Marks `sql` to be prepared on every connection that runs it. Texts with `*` are left unnamed:
 * a prepared `select *` fails ("cached plan must not change result type") once a migration run
 * by another process adds a column, where an unnamed one just returns the new column.
 */
export function prepareByName(sql: string): void {
  if (!names.has(sql) && !sql.includes("*")) names.set(sql, `keygate_${names.size + 1}`);
}

/**
 * The pool as Kysely sees it (its documented PostgresPool interface), with registered statements
 * sent by name. Everything else about the pool (size, pipelining, errors) stays pg's.
 */
export function preparingPool(pool: pg.Pool): PostgresPool {
  // One wrapper per pg connection for its whole life: Kysely keeps its own connection object per client it is given.
  const clients = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const preparing = (client: pg.PoolClient) => {
    let wrapped = clients.get(client);
    if (wrapped === undefined) clients.set(client, (wrapped = new PreparingClient(client) as unknown as PostgresPoolClient));
    return wrapped;
  };
  return {
    options: pool.options,
    connect: async () => preparing(await pool.connect()),
    end: () => pool.end(),
  };
}

/** Its query takes only Kysely's (sql, parameters) form, hence the cast above; the cursor form serves streaming, which keygate does not use. */
class PreparingClient {
  constructor(private readonly client: pg.PoolClient) {}

  /** Kysely reads pg's (undocumented) processID to cancel a query; keygate cancels none, but keep it true. */
  get processID(): number | undefined {
    return (this.client as pg.PoolClient & { processID?: number }).processID;
  }

  query(sql: string, values: unknown[]) {
    const name = names.get(sql);
    // pg copies a query given as an object (a few µs); the text-and-values form it takes as is.
    return name === undefined ? this.client.query(sql, values) : this.client.query({ name, text: sql, values });
  }

  release(destroy?: boolean): void {
    this.client.release(destroy);
  }
}
