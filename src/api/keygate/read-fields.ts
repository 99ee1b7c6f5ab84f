import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { MetadataChange } from "../../domain/object-metadata.js";
import type { ReadDetails } from "../../store/queries/projections-read.js";
import type { Labels, OwnerContacts } from "../../gen/keygate/v1/metadata_pb.js";

/** The fields every keygate.v1 object carries from its projected row: creation and change dates, sequence. */
export const readFields = (details: ReadDetails) => ({
  creationDate: timestampFromDate(details.creationDate),
  changeDate: timestampFromDate(details.changeDate),
  sequence: BigInt(details.sequence),
});

/** The metadata fields of an app or project message. */
export const metadataFields = (view: { description: string; labels: Record<string, string>; ownerContacts: string[] }) => ({
  description: view.description,
  labels: view.labels,
  ownerContacts: view.ownerContacts,
});

/** A create request's metadata: the fields it fills (an empty one is the default, nothing to record). */
export const createdMetadata = (req: { description: string; labels: Record<string, string>; ownerContacts: string[] }): MetadataChange => ({
  ...(req.description === "" ? {} : { description: req.description }),
  ...(Object.keys(req.labels).length === 0 ? {} : { labels: req.labels }),
  ...(req.ownerContacts.length === 0 ? {} : { ownerContacts: req.ownerContacts }),
});

/** An update request's metadata: the fields it sets, each replacing the object's (unset ones stay). */
export const updatedMetadata = (req: { description?: string; labels?: Labels; ownerContacts?: OwnerContacts }): MetadataChange => ({
  ...(req.description === undefined ? {} : { description: req.description }),
  ...(req.labels === undefined ? {} : { labels: req.labels.values }),
  ...(req.ownerContacts === undefined ? {} : { ownerContacts: req.ownerContacts.emails }),
});
