import { sql, type SelectQueryBuilder } from "kysely";
import { effectiveLimit, type ListOptions, type Page } from "./list-options.js";

/** What a page reports about all matches: how many there are, and the page's processedSequence. */
export interface Totals {
  total: number;
  latest: number;
}

/**
 * Runs a filtered query as one page: counts every match and finds their latest sequence, then
 * fetches the page ordered by `orderColumn` (unique, indexed), descending unless `asc`.
 */
export function paged<DB, TB extends keyof DB, Q extends SelectQueryBuilder<DB, TB, object>, SelectedTB extends keyof DB, O, T>(
  filtered: Q,
  select: (query: Q) => SelectQueryBuilder<DB, SelectedTB, O>,
  orderColumn: string,
  sequenceColumn: string,
  options: ListOptions,
  toItem: (row: O) => T,
): Promise<Page<T>> {
  return pageWithTotals(filtered, select, orderColumn, () => countMatches(filtered, sequenceColumn), options, toItem);
}

/** Counts every match of `filtered` and finds the latest `sequenceColumn` among them (0 without matches). */
export async function countMatches<DB, TB extends keyof DB>(filtered: SelectQueryBuilder<DB, TB, object>, sequenceColumn: string): Promise<Totals> {
  const totals = (await filtered
    .select([sql<number>`count(*)::int`.as("total"), sql<number | null>`max(${sql.ref(sequenceColumn)})`.as("latest")])
    .executeTakeFirstOrThrow()) as { total: number; latest: number | null };
  return { total: totals.total, latest: totals.latest ?? 0 };
}

/**
 * As `paged`, with the totals from `totalsOf` (which a list can keep cheaper than a count); the
 * limit is checked before anything is read.
 */
export async function pageWithTotals<DB, TB extends keyof DB, Q extends SelectQueryBuilder<DB, TB, object>, SelectedTB extends keyof DB, O, T>(
  filtered: Q,
  select: (query: Q) => SelectQueryBuilder<DB, SelectedTB, O>,
  orderColumn: string,
  totalsOf: () => Promise<Totals>,
  options: ListOptions,
  toItem: (row: O) => T,
): Promise<Page<T>> {
  const limit = effectiveLimit(options.limit);
  const { total, latest } = await totalsOf();
  const rows = total === 0 ? [] : await select(filtered).orderBy(sql.ref(orderColumn), options.asc ? "asc" : "desc").offset(options.offset).limit(limit).execute();
  return {
    result: rows.map(toItem),
    totalResult: total,
    processedSequence: latest,
    viewTimestamp: new Date(),
  };
}
