import { sql, type RawBuilder, type SqlBool } from "kysely";
import { invalidArgument } from "../../domain/errors.js";

export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1000;

/** Paging as ZITADEL's ListQuery: a limit of 0 means the default. */
export interface ListOptions {
  offset: number;
  limit: number;
  asc: boolean;
}

export interface Page<T> {
  result: T[];
  totalResult: number;
  /**
   * How current the list is: the sequence of the latest event applied to any matching row (0 when
   * nothing matches), or, for ListApps, to any app of the project (see listApps).
   */
  processedSequence: number;
  viewTimestamp: Date;
}

export function effectiveLimit(limit: number): number {
  if (limit > MAX_LIST_LIMIT) throw invalidArgument("QUERY-4M0fs", "Limit exceeded");
  return limit === 0 ? DEFAULT_LIST_LIMIT : limit;
}

/** ZITADEL's TextQueryMethod, by its numbers. */
export enum TextMatch {
  Equals = 0,
  EqualsIgnoreCase = 1,
  StartsWith = 2,
  StartsWithIgnoreCase = 3,
  Contains = 4,
  ContainsIgnoreCase = 5,
  EndsWith = 6,
  EndsWithIgnoreCase = 7,
}

export interface TextQuery {
  value: string;
  match: TextMatch;
}

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/** A text condition on `column`; LIKE wildcards in the value are matched literally. */
export function textCondition(column: string, query: TextQuery): RawBuilder<SqlBool> {
  const ref = sql.ref(column);
  const v = escapeLike(query.value);
  switch (query.match) {
    case TextMatch.Equals:
      return sql<SqlBool>`${ref} = ${query.value}`;
    case TextMatch.EqualsIgnoreCase:
      return sql<SqlBool>`lower(${ref}) = lower(${query.value})`;
    case TextMatch.StartsWith:
      return sql<SqlBool>`${ref} LIKE ${`${v}%`}`;
    case TextMatch.StartsWithIgnoreCase:
      return sql<SqlBool>`${ref} ILIKE ${`${v}%`}`;
    case TextMatch.Contains:
      return sql<SqlBool>`${ref} LIKE ${`%${v}%`}`;
    case TextMatch.ContainsIgnoreCase:
      return sql<SqlBool>`${ref} ILIKE ${`%${v}%`}`;
    case TextMatch.EndsWith:
      return sql<SqlBool>`${ref} LIKE ${`%${v}`}`;
    case TextMatch.EndsWithIgnoreCase:
      return sql<SqlBool>`${ref} ILIKE ${`%${v}`}`;
  }
}
