import { createHash } from "node:crypto";
import { invalidArgument } from "./errors.js";

/**
 * Page tokens of keygate's own lists (keygate.v1): opaque to clients, they name the sort key of the
 * last item a page held, so the next page starts after it (keyset paging). An item added or removed
 * meanwhile moves no other item across the boundary, unlike an offset, so every item present
 * throughout is seen exactly once. A token belongs to one list with one filter (`list`, e.g. the
 * org, project and label selector): the same token on another list is refused rather than read as a
 * position in an order it was not taken from.
 *
 * The checksum is not a signature (there is no secret): it tells a token that was cut, mistyped or
 * edited from one keygate made. A forged but well-formed token can only pick a starting point in
 * lists the caller may read anyway.
 */
const VERSION = 1;
const MAX_TOKEN_LENGTH = 2048;
const CHECK_BYTES = 9;

const digest = (text: string, bytes: number) => createHash("sha256").update(text).digest().subarray(0, bytes).toString("base64url");
const listTag = (list: string) => digest(`keygate page list\0${list}`, 9);
const checksum = (payload: string) => digest(`keygate page token\0${payload}`, CHECK_BYTES);

/** The token of the page after the item whose sort key is `after`, in `list`. */
export function encodePageToken(list: string, after: readonly string[]): string {
  const payload = Buffer.from(JSON.stringify([VERSION, listTag(list), after])).toString("base64url");
  return `${payload}.${checksum(payload)}`;
}

const malformed = (why: string) => invalidArgument("KEYGATE-pgtk1", `invalid page_token: ${why}`);

/** The sort key a token continues after; InvalidArgument naming page_token for anything else. */
export function decodePageToken(list: string, token: string, keyLength: number): string[] {
  if (token.length > MAX_TOKEN_LENGTH) throw malformed("too long");
  const [payload, check, ...rest] = token.split(".");
  if (payload === undefined || check === undefined || rest.length > 0 || !/^[A-Za-z0-9_-]+$/.test(payload)) throw malformed("not a page token");
  if (check !== checksum(payload)) throw malformed("not a page token keygate issued (checksum mismatch)");
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    throw malformed("not a page token");
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || parsed[0] !== VERSION) throw malformed("unknown version");
  const [, tag, after] = parsed as [number, unknown, unknown];
  if (tag !== listTag(list)) throw malformed("issued for another list or filter");
  if (!Array.isArray(after) || after.length !== keyLength || !after.every((v) => typeof v === "string")) throw malformed("not a page token");
  return after as string[];
}
