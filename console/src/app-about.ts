import type { MessageInitShape } from "@bufbuild/protobuf";
import type { App, UpdateAppRequestSchema } from "../../src/gen/keygate/v1/apps_pb.js";
import { inOrg, type KeygateAppClient } from "./client.js";
import { byId } from "./dom.js";
import { attemptForm, clearFieldErrors, type FormField } from "./field-errors.js";
import { showNotice } from "./messages.js";

export interface AboutForm {
  show(app: App): void;
}

type Update = MessageInitShape<typeof UpdateAppRequestSchema>;

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

const sameLabels = (a: Record<string, string>, b: Record<string, string>) => labelsAsText(a) === labelsAsText(b);
const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((item, i) => item === b[i]);

/**
 * What describes an app beyond ZITADEL's fields (keygate.v1 UpdateApp): its
 * version, description, labels and owner contacts. Only the fields changed
 * here are sent, so a field someone else changed meanwhile is left alone.
 */
export function createAboutForm(client: KeygateAppClient, onSaved: (app: App) => void): AboutForm {
  const form = byId<HTMLFormElement>("about-form");
  const version = byId<HTMLInputElement>("about-version");
  const description = byId<HTMLTextAreaElement>("about-description");
  const labels = byId<HTMLTextAreaElement>("about-labels");
  const contacts = byId<HTMLTextAreaElement>("about-contacts");
  const fields: FormField[] = [
    { control: version, names: ["version"] },
    { control: description, names: ["description"] },
    { control: labels, names: ["labels", "label"] },
    { control: contacts, names: ["owner_contacts", "contacts", "emails", "email"] },
  ];
  let shown: App | undefined;

  function show(app: App): void {
    shown = app;
    clearFieldErrors(fields);
    version.value = app.version;
    description.value = app.description;
    labels.value = labelsAsText(app.labels);
    contacts.value = app.ownerContacts.join("\n");
  }

  /** The request for what the form changed, or undefined when it changed nothing. */
  function changes(app: App): Update | undefined {
    const newLabels = labelsFromText(labels.value);
    const newContacts = contactsFromText(contacts.value);
    const changed: { version?: string; description?: string; labels?: { values: Record<string, string> }; ownerContacts?: { emails: string[] } } = {};
    if (version.value.trim() !== app.version) changed.version = version.value.trim();
    if (description.value.trim() !== app.description) changed.description = description.value.trim();
    if (!sameLabels(newLabels, app.labels)) changed.labels = { values: newLabels };
    if (!sameList(newContacts, app.ownerContacts)) changed.ownerContacts = { emails: newContacts };
    return Object.keys(changed).length === 0 ? undefined : { projectId: app.projectId, appId: app.id, ...changed };
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const app = shown;
    if (app === undefined) return;
    const update = changes(app);
    void attemptForm(form.querySelector("button") ?? undefined, fields, async () => {
      if (update === undefined) {
        showNotice("Nothing changed, so nothing was saved.");
        return;
      }
      const { app: saved } = await client.updateApp(update, inOrg(app.orgId));
      if (saved === undefined) return;
      show(saved);
      onSaved(saved);
      showNotice(`${saved.name} saved.`);
    });
  });

  return { show };
}
