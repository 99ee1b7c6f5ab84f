/**
 * Statement texts that are sent as named (prepared) statements: those keygate compiles once
 * (precompiled.ts registers them). Postgres then parses and plans each once per connection and
 * afterwards only binds and runs it; on AddAPIApp's statements that is about half again as many
 * transactions per second as sending them unnamed. The set of texts is fixed by the code, so
 * every connection holds a bounded number of them. pool-clients.ts sends them by name, and so does
 * the embedded database's dialect (pglite-dialect.ts).
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

/** The name `sql` is prepared under, or undefined if it is sent unnamed. */
export const preparedName = (sql: string): string | undefined => names.get(sql);
