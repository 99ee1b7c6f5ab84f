import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ListDetailsSchema, ListQuery, ObjectDetailsSchema } from "../gen/zitadel/object_pb.js";
import type { WriteDetails } from "../store/commands/command-deps.js";
import type { ListOptions, Page } from "../store/queries/list-options.js";
import type { ReadDetails } from "../store/queries/projections-read.js";

type ObjectDetailsInit = MessageInitShape<typeof ObjectDetailsSchema>;

/** Add-type details: sequence, creation date and owner, no change date (ZITADEL's ToDetailsPb for adds). */
export const addedDetails = (d: WriteDetails): ObjectDetailsInit => ({
  sequence: BigInt(d.sequence),
  creationDate: timestampFromDate(d.date),
  resourceOwner: d.resourceOwner,
});

/** Change-type details: sequence, change date and owner, no creation date. */
export const changedDetails = (d: WriteDetails): ObjectDetailsInit => ({
  sequence: BigInt(d.sequence),
  changeDate: timestampFromDate(d.date),
  resourceOwner: d.resourceOwner,
});

/** Read-type details: everything the projected row knows. */
export const readDetails = (d: ReadDetails): ObjectDetailsInit => ({
  sequence: BigInt(d.sequence),
  creationDate: timestampFromDate(d.creationDate),
  changeDate: timestampFromDate(d.changeDate),
  resourceOwner: d.resourceOwner,
});

export const listDetails = (page: Page<unknown>): MessageInitShape<typeof ListDetailsSchema> => ({
  totalResult: BigInt(page.totalResult),
  processedSequence: BigInt(page.processedSequence),
  viewTimestamp: timestampFromDate(page.viewTimestamp),
});

export const listOptions = (query: ListQuery | undefined): ListOptions => ({
  offset: countOf(query?.offset ?? 0n),
  limit: query?.limit ?? 0,
  asc: query?.asc ?? false,
});

/**
 * A count or sequence from a request as a number. Validation keeps them within bigint; past 2^53 a
 * number would round (2^63 - 1 becomes 2^63, out of bigint's range), so larger ones stand at 2^53 - 1,
 * which selects the same rows: no offset or sequence in a table comes near it.
 */
export const countOf = (value: bigint): number => (value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value));
