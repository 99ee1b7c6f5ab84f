import { invalidArgument } from "./errors.js";

/**
 * Kubernetes' rules for label keys and values (k8s.io/apimachinery validation): a key is an
 * optional DNS-1123 subdomain prefix (at most 253 characters) and '/', then a name of at most 63
 * characters, alphanumeric at both ends with [-_.] allowed between; a value is empty or like a name.
 */
export const MAX_LABELS = 64;
const MAX_NAME_LENGTH = 63;
const MAX_PREFIX_LENGTH = 253;
const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const nameProblem = (name: string): string | undefined => {
  if (name.length > MAX_NAME_LENGTH) return `must be at most ${MAX_NAME_LENGTH} characters`;
  if (!NAME.test(name)) return "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  return undefined;
};

/** Why `key` is not a label key, or undefined if it is one. */
export function labelKeyProblem(key: string): string | undefined {
  const parts = key.split("/");
  if (parts.length > 2) return "must be a name with an optional DNS subdomain prefix and '/' (e.g. 'example.com/my-name')";
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix.length === 0) return "prefix part must be non-empty";
    if (prefix.length > MAX_PREFIX_LENGTH) return `prefix part must be at most ${MAX_PREFIX_LENGTH} characters`;
    if (!DNS_SUBDOMAIN.test(prefix)) return "prefix part must be a lowercase DNS subdomain (e.g. 'example.com')";
  }
  if (name.length === 0) return "name part must be non-empty";
  const problem = nameProblem(name);
  return problem && `name part ${problem}`;
}

/** Why `value` is not a label value, or undefined if it is one (the empty value is one). */
export const labelValueProblem = (value: string): string | undefined => (value === "" ? undefined : nameProblem(value));

/** Checks a whole label set; InvalidArgument naming `field` (e.g. labels) and the key at fault. */
export function checkLabels(labels: Readonly<Record<string, string>>, field: string): void {
  const keys = Object.keys(labels);
  if (keys.length > MAX_LABELS) throw invalidArgument("KEYGATE-lbl01", `invalid ${field}: at most ${MAX_LABELS} labels, got ${keys.length}`);
  for (const key of keys) {
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) throw invalidArgument("KEYGATE-lbl02", `invalid ${field}: key ${JSON.stringify(key)}: ${keyProblem}`);
    const valueProblem = labelValueProblem(labels[key]!);
    if (valueProblem) throw invalidArgument("KEYGATE-lbl03", `invalid ${field}: value of ${JSON.stringify(key)}: ${valueProblem}`);
  }
}
