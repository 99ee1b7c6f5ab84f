import { byId } from "./dom.js";
import { attemptForm, clearFieldErrors, type FormField } from "./field-errors.js";
import { showNotice } from "./messages.js";

/** What describes an app or a project beyond ZITADEL's fields (keygate.v1); apps also have a version. */
export interface Described {
  name: string;
  description: string;
  labels: { [key: string]: string };
  ownerContacts: string[];
  version?: string;
}

/** The fields a save changes, as keygate.v1's Update requests take them: a field left out stays as it is. */
export interface MetadataChanges {
  version?: string;
  description?: string;
  labels?: { values: Record<string, string> };
  ownerContacts?: { emails: string[] };
}

export interface MetadataForm<T> {
  show(item: T): void;
}

/** Labels as the form shows them: one `key=value` a line, sorted by key. */
export function labelsAsText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join("\n");
}

/**
 * The lines back as labels. A line without "=" is a key with an empty value
 * (Kubernetes allows that); keygate judges the keys and values, so a bad one
 * comes back as its refusal, under the field.
 */
export function labelsFromText(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const line of text.split("\n").map((l) => l.trim()).filter((l) => l !== "")) {
    const at = line.indexOf("=");
    if (at === -1) labels[line] = "";
    else labels[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return labels;
}

const contactsFromText = (text: string) => text.split(/[\s,]+/).filter((email) => email !== "");
const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((item, i) => item === b[i]);

/**
 * The form of an app's or a project's description, labels and owner contacts
 * (and an app's version), its controls found by `prefix` ("about" finds
 * #about-form, #about-description, …; #about-version when `withVersion`).
 * Only the fields changed here are sent, so a field someone else changed
 * meanwhile is left alone; a refusal naming a field shows under it.
 */
export function createMetadataForm<T extends Described>(
  prefix: string,
  withVersion: boolean,
  save: (item: T, changes: MetadataChanges) => Promise<T | undefined>,
  onSaved: (item: T) => void = () => {},
): MetadataForm<T> {
  const form = byId<HTMLFormElement>(`${prefix}-form`);
  const version = withVersion ? byId<HTMLInputElement>(`${prefix}-version`) : undefined;
  const description = byId<HTMLTextAreaElement>(`${prefix}-description`);
  const labels = byId<HTMLTextAreaElement>(`${prefix}-labels`);
  const contacts = byId<HTMLTextAreaElement>(`${prefix}-contacts`);
  const fields: FormField[] = [
    ...(version === undefined ? [] : [{ control: version, names: ["version"] }]),
    { control: description, names: ["description"] },
    { control: labels, names: ["labels", "label"] },
    { control: contacts, names: ["owner_contacts", "contacts", "emails", "email"] },
  ];
  let shown: T | undefined;

  function show(item: T): void {
    shown = item;
    clearFieldErrors(fields);
    if (version !== undefined) version.value = item.version ?? "";
    description.value = item.description;
    labels.value = labelsAsText(item.labels);
    contacts.value = item.ownerContacts.join("\n");
  }

  /** What the form changed, or undefined when it changed nothing. */
  function changes(item: T): MetadataChanges | undefined {
    const changed: MetadataChanges = {};
    const newLabels = labelsFromText(labels.value);
    const newContacts = contactsFromText(contacts.value);
    if (version !== undefined && version.value.trim() !== (item.version ?? "")) changed.version = version.value.trim();
    if (description.value.trim() !== item.description) changed.description = description.value.trim();
    if (labelsAsText(newLabels) !== labelsAsText(item.labels)) changed.labels = { values: newLabels };
    if (!sameList(newContacts, item.ownerContacts)) changed.ownerContacts = { emails: newContacts };
    return Object.keys(changed).length === 0 ? undefined : changed;
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const item = shown;
    if (item === undefined) return;
    const changed = changes(item);
    void attemptForm(form.querySelector("button") ?? undefined, fields, async () => {
      if (changed === undefined) {
        showNotice("Nothing changed, so nothing was saved.");
        return;
      }
      const saved = await save(item, changed);
      if (saved === undefined) return;
      show(saved);
      onSaved(saved);
      showNotice(`${saved.name} saved.`);
    });
  });

  return { show };
}
