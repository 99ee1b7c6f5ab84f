import type { Compilable, CompiledQuery, Kysely, QueryResult } from "kysely";

/** A Kysely instance bound to one connection: a transaction. */
type OnConnection = Pick<Kysely<object>, "getExecutor">;

/** A statement built by Kysely, or one compiled ahead (see precompiled.ts). */
export type Statement<R = unknown> = Compilable<R> | CompiledQuery<R>;

export const compiled = <R>(statement: Statement<R>): CompiledQuery<R> => ("compile" in statement ? statement.compile() : statement);

/**
 * Sends statements on the connection of `db` (a transaction) one after the other without waiting
 * for each answer, then waits for all of them: one round trip instead of one per statement (pg's
 * pipeline mode; PGlite runs them in the order given). Postgres still runs them in order, each
 * seeing the ones before, and once one fails the rest fail with it and the transaction can only
 * roll back. Rejects with the error of the first statement that failed, or what `explain` makes
 * of it and the statement's index.
 *
 * Kysely runs a transaction's queries one at a time, so this hands the statements to the
 * transaction's connection itself (getExecutor is marked internal, but it is how plugins and
 * dialects reach the connection; kysely and pg are pinned exactly, see src/server/connect-compat/README.md;
 * test/store/statement-order.test.ts checks the order on the wire).
 */
export async function sendPipelined(
  db: OnConnection,
  statements: readonly Statement[],
  explain: (error: unknown, index: number) => unknown = (error) => error,
): Promise<void> {
  if (statements.length === 0) return;
  const settled = await db
    .getExecutor()
    .provideConnection((connection) => Promise.allSettled(statements.map((statement) => connection.executeQuery(compiled(statement)))));
  const failed = settled.findIndex((result) => result.status === "rejected");
  if (failed >= 0) throw explain((settled[failed] as PromiseRejectedResult).reason, failed);
}

/**
 * Sends `statement` ahead of whatever `db` runs next, without waiting for its answer: the returned
 * promise settles when it arrives. Used to lock a row and read in the same round trip.
 */
export function sendAhead<R>(db: OnConnection, statement: Statement<R>): Promise<QueryResult<R>> {
  let sent!: Promise<QueryResult<R>>;
  const handedOver = db.getExecutor().provideConnection(async (connection) => {
    sent = connection.executeQuery(compiled(statement));
  });
  return handedOver.then(() => sent);
}
