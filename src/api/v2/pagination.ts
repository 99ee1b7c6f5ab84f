import { effectiveLimit, type ListOptions, type Page } from "../../store/queries/list-options.js";
import { countOf } from "../details.js";

/** zitadel.filter.v2(beta).PaginationRequest; both packages share its shape. */
interface PaginationRequest {
  offset: bigint;
  limit: number;
  asc: boolean;
}

/** A v2 list's paging: a limit of 0 means the default (100), more than 1000 is refused; descending unless `asc`. */
export const pageOptions = (pagination: PaginationRequest | undefined): ListOptions => ({
  offset: countOf(pagination?.offset ?? 0n),
  limit: pagination?.limit ?? 0,
  asc: pagination?.asc ?? false,
});

/** totalResult counts every match; appliedLimit is the limit the page was cut at. */
export const paginationOf = (page: Page<unknown>, options: ListOptions) => ({
  totalResult: BigInt(page.totalResult),
  appliedLimit: BigInt(effectiveLimit(options.limit)),
});
