import type { Insertable, QueryCreator, Updateable } from "kysely";
import { precompiledShape } from "../precompiled.js";
import type { Database } from "../schema.js";

/*
 * The statements projections write most, compiled once per table and set of columns (see
 * precompiled.ts) instead of built and compiled by Kysely for every event. Values that are
 * undefined are left out, as Kysely's own values() and set() leave them out.
 */

type Values = Readonly<Record<string, unknown>>;

const definedColumns = (values: Values) => Object.keys(values).filter((column) => values[column] !== undefined);

/** `insert into table (columns) values (...)`. */
export function insertRow<T extends keyof Database>(db: QueryCreator<Database>, table: T, row: Insertable<Database[T]>) {
  const values = row as Values;
  const columns = definedColumns(values);
  const insert = precompiledShape(`${table} insert ${columns.join(",")}`, (db, ...args) =>
    db.insertInto(table as keyof Database).values(Object.fromEntries(columns.map((column, c) => [column, args[c]])) as never),
  );
  return insert(db, ...columns.map((column) => values[column]));
}

/** `delete from table where key`, the key's columns compared for equality. */
export function deleteWhere<T extends keyof Database>(db: QueryCreator<Database>, table: T, key: Partial<Record<keyof Database[T], string>>) {
  const keyColumns = Object.keys(key);
  const remove = precompiledShape(`${table} delete where ${keyColumns.join(",")}`, (db, ...args) => whereEqual(db.deleteFrom(table as keyof Database), keyColumns, args));
  return remove(db, ...keyColumns.map((column) => (key as Values)[column]));
}

/** `update table set values where key`, the key's columns compared for equality. */
export function updateWhere<T extends keyof Database>(
  db: QueryCreator<Database>,
  table: T,
  changes: Updateable<Database[T]>,
  key: Partial<Record<keyof Database[T], string>>,
) {
  const values = changes as Values;
  const setColumns = definedColumns(values);
  const keyColumns = Object.keys(key);
  const update = precompiledShape(`${table} update ${setColumns.join(",")} where ${keyColumns.join(",")}`, (db, ...args) =>
    whereEqual(db.updateTable(table as keyof Database).set(Object.fromEntries(setColumns.map((column, s) => [column, args[s]])) as never), keyColumns, args.slice(setColumns.length)),
  );
  return update(db, ...setColumns.map((column) => values[column]), ...keyColumns.map((column) => (key as Values)[column]));
}

/** `query` narrowed to rows whose `columns` equal `values`, in order. */
function whereEqual<Q extends { where(column: never, operator: "=", value: never): Q }>(query: Q, columns: readonly string[], values: readonly unknown[]): Q {
  return columns.reduce((narrowed, column, c) => narrowed.where(column as never, "=", values[c] as never), query);
}
