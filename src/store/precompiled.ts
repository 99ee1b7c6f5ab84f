import { CompiledQuery, type Compilable, type Kysely, type QueryCreator } from "kysely";
import { prepareByName } from "./prepared-statements.js";
import type { Database } from "./schema.js";

/** Where each parameter of the compiled statement comes from: an argument of the call, or a constant of the builder. */
type ParameterSource = { argument: number } | { constant: unknown };

type Build<Args extends unknown[], Row> = (db: QueryCreator<Database>, ...args: Args) => Compilable<Row>;
type Precompiled<Args extends unknown[], Row> = (db: QueryCreator<Database>, ...args: Args) => CompiledQuery<Row>;

/**
 * A statement built and compiled by Kysely once, then run with new arguments: hot statements
 * would otherwise pay for building and compiling the same SQL on every call (a tenth of a
 * GetAppByID's CPU; most of what a command spends on its writes). `build` is called once with
 * placeholder strings in place of the arguments, whatever their type; every parameter of the
 * result that is a placeholder is filled with the matching argument of the call. So `build` may
 * only hand its arguments to Kysely as values, never look at them. On Postgres the statement is
 * also prepared, once per connection (prepared-statements.ts).
 */
export function precompile<Args extends unknown[], Row>(build: Build<Args, Row>): Precompiled<Args, Row> {
  let compiled: { sql: string; sources: ParameterSource[] } | undefined;
  return (db, ...args) => {
    compiled ??= compileOnce(db, build, args.length);
    const parameters = compiled.sources.map((source) => ("argument" in source ? args[source.argument] : source.constant));
    return CompiledQuery.raw(compiled.sql, parameters) as CompiledQuery<Row>;
  };
}

const byShape = new Map<string, Precompiled<unknown[], unknown>>();

/**
 * As `precompile`, for a statement whose SQL depends on its shape (which columns an update sets,
 * how many rows an insert has): compiled once per `shape`, a key that must tell all shapes of
 * all callers apart (start it with the table and the statement's kind).
 */
export function precompiledShape<Row>(shape: string, build: Build<unknown[], Row>): Precompiled<unknown[], Row> {
  let statement = byShape.get(shape);
  if (statement === undefined) {
    statement = precompile(build);
    byShape.set(shape, statement);
  }
  return statement as Precompiled<unknown[], Row>;
}

/** Runs a precompiled query on `db` (the pool or a transaction) and returns its rows. */
export async function rowsOf<Row>(db: Kysely<Database>, query: CompiledQuery<Row>): Promise<Row[]> {
  return (await db.executeQuery(query)).rows;
}

function compileOnce<Args extends unknown[]>(db: QueryCreator<Database>, build: Build<Args, unknown>, arity: number) {
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
  prepareByName(query.sql);
  return { sql: query.sql, sources };
}
