import { decodePageToken, encodePageToken } from "../../domain/page-token.js";
import type { KeysetPage, KeysetWindow } from "../../store/queries/keyset.js";
import { countOf } from "../details.js";

/** The paging fields every keygate.v1 list request carries. */
export interface PageRequest {
  limit: number;
  offset: bigint;
  pageToken: string;
}

/**
 * A keygate.v1 list's paging: `list` names the list and everything that filters it (org, project,
 * label selector...), so that a token is only accepted by the list it came from; `keyLength` is the
 * number of columns of the list's sort key. A malformed token is InvalidArgument naming page_token.
 */
export function keysetWindow(request: PageRequest, list: string, keyLength: number): KeysetWindow {
  return {
    after: request.pageToken === "" ? undefined : decodePageToken(list, request.pageToken, keyLength),
    offset: countOf(request.offset),
    limit: request.limit,
  };
}

/** The response's total_result and next_page_token (empty on the last page). */
export function pageResult(page: KeysetPage<unknown>, list: string): { totalResult: bigint; nextPageToken: string } {
  return { totalResult: BigInt(page.totalResult), nextPageToken: page.next === undefined ? "" : encodePageToken(list, page.next) };
}

/** A list's identity for its tokens, from its parts (joined so that no two part lists give the same text). */
export const listIdentity = (...parts: readonly string[]): string => JSON.stringify(parts);
