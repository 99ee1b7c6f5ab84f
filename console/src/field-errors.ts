import { Code, ConnectError } from "@connectrpc/connect";
import { h } from "./dom.js";
import { describeError } from "./errors.js";
import { attempt, showError } from "./messages.js";

/**
 * keygate refuses bad input with InvalidArgument or FailedPrecondition and a
 * message naming the field ("invalid CreateAppRequest.Version: …",
 * "labels: key … is not valid"). A form lists its fields with the names the
 * API may use for them; a refusal naming one is shown under that field.
 */
export interface FormField {
  /** The control the message belongs to. */
  control: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
  /** Names of the field in messages, in any case, with or without underscores: "labels", "expiration_date". */
  names: string[];
}

const fieldCodes = new Set([Code.InvalidArgument, Code.FailedPrecondition]);

/** "Expiration_Date" and "expirationDate" → "expirationdate". */
const folded = (word: string) => word.replaceAll("_", "").toLowerCase();

/**
 * The field a refusal names, if it names one of these: the one named first, as
 * the subject comes first ("version: …", "invalid X.Labels: key … name part …").
 */
export function fieldNamedBy(error: unknown, fields: FormField[]): FormField | undefined {
  const e = ConnectError.from(error);
  if (!fieldCodes.has(e.code)) return undefined;
  const words = (e.rawMessage.match(/[A-Za-z0-9_]+/g) ?? []).map(folded);
  const firstMention = (field: FormField) => Math.min(...field.names.map((name) => words.indexOf(folded(name))).filter((at) => at >= 0));
  const named = fields.map((field) => ({ field, at: firstMention(field) })).filter(({ at }) => at !== Infinity);
  return named.sort((a, b) => a.at - b.at)[0]?.field;
}

/** Removes the messages a form showed under its fields. */
export function clearFieldErrors(fields: FormField[]): void {
  for (const { control } of fields) {
    control.removeAttribute("aria-invalid");
    control.removeAttribute("aria-describedby");
    document.getElementById(errorIdOf(control))?.remove();
  }
}

/**
 * Shows the error under the field it names and returns true; false when it
 * names none of them (the caller shows it in the banner instead).
 */
export function showFieldError(error: unknown, fields: FormField[]): boolean {
  clearFieldErrors(fields);
  const field = fieldNamedBy(error, fields);
  if (field === undefined) return false;
  const { control } = field;
  const message = h("p", { id: errorIdOf(control), className: "field-error" }, describeError(error));
  message.setAttribute("role", "alert");
  control.setAttribute("aria-invalid", "true");
  control.setAttribute("aria-describedby", message.id);
  // After the label, not inside it: the message must not become part of the field's name.
  (control.closest("label") ?? control).after(message);
  control.focus();
  return true;
}

const errorIdOf = (control: HTMLElement) => `${control.id}-error`;

/**
 * Runs a form's action like messages.attempt, with a refusal that names one
 * of its fields shown under that field instead of in the banner.
 */
export function attemptForm(control: HTMLButtonElement | undefined, fields: FormField[], work: () => Promise<void>): Promise<void> {
  clearFieldErrors(fields);
  return attempt(control, work, (error) => {
    if (!showFieldError(error, fields)) showError(error);
  });
}
