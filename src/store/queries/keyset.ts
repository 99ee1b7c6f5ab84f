import { sql, type SelectQueryBuilder } from "kysely";
import { effectiveLimit } from "./list-options.js";

/** Which rows a keyset page holds: `limit` rows after the sort key `after` (or from the start), skipping `offset`. */
export interface KeysetWindow {
  after: readonly string[] | undefined;
  offset: number;
  /** 0 means the default (100); more than 1000 is refused. */
  limit: number;
}

export interface KeysetPage<T> {
  result: T[];
  /** Every match of the filter, before and after the window. */
  totalResult: number;
  /** The sort key of the page's last item when more items follow it, else undefined (the last page). */
  next: string[] | undefined;
}

/**
 * One page of `filtered` in ascending order of `keyColumns` (unique together and never changed
 * once a row exists, such as an id), starting after `window.after`. One row more than the page is
 * read to know whether another page follows, so the last page hands out no token.
 */
export async function keysetPage<DB, TB extends keyof DB, Q extends SelectQueryBuilder<DB, TB, object>, O, T>(
  filtered: Q,
  select: (query: Q) => SelectQueryBuilder<DB, TB, O>,
  keyColumns: readonly string[],
  keyOf: (row: O) => string[],
  window: KeysetWindow,
  toItem: (row: O) => T,
): Promise<KeysetPage<T>> {
  const limit = effectiveLimit(window.limit);
  const { total } = (await filtered.select(sql<number>`count(*)::int`.as("total")).executeTakeFirstOrThrow()) as { total: number };
  const refs = keyColumns.map((column) => sql.ref(column));
  let query = select(filtered);
  if (window.after) query = query.where(sql<boolean>`(${sql.join(refs)}) > (${sql.join(window.after)})`);
  for (const ref of refs) query = query.orderBy(ref, "asc");
  const rows = total === 0 ? [] : await query.offset(window.offset).limit(limit + 1).execute();
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return { result: page.map(toItem), totalResult: total, next: more ? keyOf(page[page.length - 1]!) : undefined };
}
