import type { MetadataChange } from "../../domain/object-metadata.js";

/** The columns a metadata event sets: only those of the fields it names (labels and contacts as JSON). */
export const metadataColumns = (change: MetadataChange) => ({
  ...(change.description === undefined ? {} : { description: change.description }),
  ...(change.labels === undefined ? {} : { labels: JSON.stringify(change.labels) }),
  ...(change.ownerContacts === undefined ? {} : { owner_contacts: JSON.stringify(change.ownerContacts) }),
});
