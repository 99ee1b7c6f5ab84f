import { CompiledQuery, type Compilable, type Kysely } from "kysely";
import type { Database } from "./schema.js";

/** Where each parameter of the compiled statement comes from: an argument of the call, or a constant of the builder. */
type ParameterSource = { argument: number } | { constant: unknown };

/**
 * A query built and compiled by Kysely once, then run with new arguments: the hot reads would
 * otherwise pay for building and compiling the same statement on every call (a tenth of a
 * GetAppByID's CPU). `build` is called once with placeholder strings; every parameter of the
 * result that is a placeholder is filled with the matching argument of the call.
 */
export function precompile<Args extends string[], Row>(
  build: (db: Kysely<Database>, ...args: Args) => Compilable<Row>,
): (db: Kysely<Database>, ...args: Args) => CompiledQuery<Row> {
  let compiled: { sql: string; sources: ParameterSource[] } | undefined;
  return (db, ...args) => {
    compiled ??= compileOnce(db, build, args.length);
    const parameters = compiled.sources.map((source) => ("argument" in source ? args[source.argument] : source.constant));
    return CompiledQuery.raw(compiled.sql, parameters) as CompiledQuery<Row>;
  };
}

/** Runs a precompiled query on `db` (the pool or a transaction) and returns its rows. */
export async function rowsOf<Row>(db: Kysely<Database>, query: CompiledQuery<Row>): Promise<Row[]> {
  return (await db.executeQuery(query)).rows;
}

function compileOnce<Args extends string[]>(db: Kysely<Database>, build: (db: Kysely<Database>, ...args: Args) => Compilable, arity: number) {
  // Placeholders no caller can pass: a NUL byte is not allowed in a Postgres text value.
  const placeholders = Array.from({ length: arity }, (_, i) => `\u0000argument ${i}\u0000`);
  const query = build(db, ...(placeholders as Args)).compile();
  const used = new Set<number>();
  const sources = query.parameters.map((value): ParameterSource => {
    const argument = placeholders.indexOf(value as string);
    if (argument < 0) return { constant: value };
    used.add(argument);
    return { argument };
  });
  if (used.size !== arity) throw new Error(`a precompiled query must use each of its ${arity} arguments as a parameter: ${query.sql}`);
  return { sql: query.sql, sources };
}
