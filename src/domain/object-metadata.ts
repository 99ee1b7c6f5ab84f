import { invalidArgument } from "./errors.js";
import { checkLabels } from "./labels.js";

/**
 * keygate's own description of an app or a project (not ZITADEL's): a description, Kubernetes-style
 * labels, owner contacts, and for apps a version string. A change names only the fields it sets;
 * the others stay as they are (labels and contacts are replaced as a whole when named).
 */
export interface MetadataChange {
  description?: string;
  labels?: Record<string, string>;
  ownerContacts?: string[];
}

export interface AppMetadataChange extends MetadataChange {
  version?: string;
}

export const MAX_DESCRIPTION_LENGTH = 500;
export const MAX_VERSION_LENGTH = 200;
export const MAX_OWNER_CONTACTS = 10;
const MAX_EMAIL_LENGTH = 254;

/** An address of the usual form (HTML's valid e-mail address, with a dot in the domain). */
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** Characters as people count them (code points), not UTF-16 units. */
const characters = (text: string) => [...text].length;

const refused = (id: string, field: string, why: string) => invalidArgument(id, `invalid ${field}: ${why}`);

function checkOwnerContacts(contacts: readonly string[]): void {
  if (contacts.length > MAX_OWNER_CONTACTS) throw refused("KEYGATE-mdc01", "owner_contacts", `at most ${MAX_OWNER_CONTACTS} e-mail addresses, got ${contacts.length}`);
  const seen = new Set<string>();
  for (const [index, contact] of contacts.entries()) {
    if (contact.length > MAX_EMAIL_LENGTH || !EMAIL.test(contact)) {
      throw refused("KEYGATE-mdc02", `owner_contacts[${index}]`, `${JSON.stringify(contact)} is not an e-mail address`);
    }
    if (seen.has(contact.toLowerCase())) throw refused("KEYGATE-mdc03", `owner_contacts[${index}]`, `${JSON.stringify(contact)} is listed twice`);
    seen.add(contact.toLowerCase());
  }
}

/** Checks every field a change names; InvalidArgument naming the first field at fault. */
export function checkMetadataChange(change: AppMetadataChange): void {
  if (change.version !== undefined && characters(change.version) > MAX_VERSION_LENGTH) {
    throw refused("KEYGATE-mdv01", "version", `at most ${MAX_VERSION_LENGTH} characters, got ${characters(change.version)}`);
  }
  if (change.description !== undefined && characters(change.description) > MAX_DESCRIPTION_LENGTH) {
    throw refused("KEYGATE-mdd01", "description", `at most ${MAX_DESCRIPTION_LENGTH} characters, got ${characters(change.description)}`);
  }
  if (change.labels !== undefined) checkLabels(change.labels, "labels");
  if (change.ownerContacts !== undefined) checkOwnerContacts(change.ownerContacts);
}

/** Whether a change names any field at all. */
export const namesAnything = (change: AppMetadataChange): boolean =>
  change.version !== undefined || change.description !== undefined || change.labels !== undefined || change.ownerContacts !== undefined;
