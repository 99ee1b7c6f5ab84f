import { sql, type SelectQueryBuilder } from "kysely";
import { effectiveLimit, type ListOptions, type Page } from "./list-options.js";

/**
 * Runs a filtered query as one page: counts every match and finds their latest sequence, then
 * fetches the page ordered by `orderColumn` (unique, indexed), descending unless `asc`.
 */
export async function paged<DB, TB extends keyof DB, Q extends SelectQueryBuilder<DB, TB, object>, SelectedTB extends keyof DB, O, T>(
  filtered: Q,
  select: (query: Q) => SelectQueryBuilder<DB, SelectedTB, O>,
  orderColumn: string,
  sequenceColumn: string,
  options: ListOptions,
  toItem: (row: O) => T,
): Promise<Page<T>> {
  const limit = effectiveLimit(options.limit);
  const totals = await filtered
    .select([sql<number>`count(*)::int`.as("total"), sql<number | null>`max(${sql.ref(sequenceColumn)})`.as("latest")])
    .executeTakeFirstOrThrow();
  const total = (totals as { total: number }).total;
  const rows = total === 0 ? [] : await select(filtered).orderBy(sql.ref(orderColumn), options.asc ? "asc" : "desc").offset(options.offset).limit(limit).execute();
  return {
    result: rows.map(toItem),
    totalResult: total,
    processedSequence: (totals as { latest: number | null }).latest ?? 0,
    viewTimestamp: new Date(),
  };
}
