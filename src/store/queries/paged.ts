import { sql, type SelectQueryBuilder } from "kysely";
import { effectiveLimit, type ListOptions, type Page } from "./list-options.js";

/** What a page reports about all matches: how many there are, and the page's processedSequence. */
export interface Totals {
  total: number;
  latest: number;
}

/** Which rows a page holds: `limit` rows after `offset`, in `direction` of the list's order. */
export interface PageWindow {
  direction: "asc" | "desc";
  offset: number;
  limit: number;
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
  const fetchPage = ({ direction, offset, limit }: PageWindow) => select(filtered).orderBy(sql.ref(orderColumn), direction).offset(offset).limit(limit).execute();
  return pageWithTotals(() => countMatches(filtered, sequenceColumn), fetchPage, options, toItem);
}

/** Counts every match of `filtered` and finds the latest `sequenceColumn` among them (0 without matches). */
export async function countMatches<DB, TB extends keyof DB>(filtered: SelectQueryBuilder<DB, TB, object>, sequenceColumn: string): Promise<Totals> {
  const totals = (await filtered
    .select([sql<number>`count(*)::int`.as("total"), sql<number | null>`max(${sql.ref(sequenceColumn)})`.as("latest")])
    .executeTakeFirstOrThrow()) as { total: number; latest: number | null };
  return { total: totals.total, latest: totals.latest ?? 0 };
}

/**
 * One page with the totals from `totalsOf` (which a list can keep cheaper than a count) and the rows
 * from `fetchPage`; the limit is checked before anything is read.
 */
export async function pageWithTotals<O, T>(
  totalsOf: () => Promise<Totals>,
  fetchPage: (window: PageWindow) => Promise<O[]>,
  options: ListOptions,
  toItem: (row: O) => T,
): Promise<Page<T>> {
  const limit = effectiveLimit(options.limit);
  const { total, latest } = await totalsOf();
  const rows = total === 0 ? [] : await fetchPage({ direction: options.asc ? "asc" : "desc", offset: options.offset, limit });
  return {
    result: rows.map(toItem),
    totalResult: total,
    processedSequence: latest,
    viewTimestamp: new Date(),
  };
}
