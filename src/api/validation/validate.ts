import { ScalarType, type DescField, type DescMessage, type Message } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { FIELD_RULES, REQUIRED_ONEOFS, type FieldRule } from "./rules.js";
import { scalarProblem, wellKnownProblem } from "./storable-values.js";

/**
 * Checks a request as protoc-gen-validate would and fails with its message (InvalidArgument, no
 * details): the first violation in field declaration order, nested messages reported as
 * "embedded message failed validation | caused by: …". Besides ZITADEL's rules, every value must be
 * one the database can hold (storable-values.ts), whatever the field: that check goes by type, so a
 * field added later is covered without a rule of its own.
 */
export function validateRequest(schema: DescMessage, message: Message): void {
  const violation = findViolation(schema, message);
  if (violation) throw new ConnectError(violation, Code.InvalidArgument);
}

function findViolation(schema: DescMessage, message: Message): string | undefined {
  const rules = FIELD_RULES[schema.typeName] ?? {};
  const record = message as unknown as Record<string, unknown>;
  for (const oneof of schema.oneofs) {
    const selected = record[oneof.localName] as { case?: string } | undefined;
    if (REQUIRED_ONEOFS.has(`${schema.typeName}.${oneof.name}`) && !selected?.case) {
      return `invalid ${schema.name}.${goName(oneof.name)}: value is required`;
    }
  }
  for (const field of schema.fields) {
    const value = field.oneof ? oneofValue(record, field) : record[field.localName];
    if (value === undefined) continue;
    const problem = checkField(field, value, rules[field.name]);
    if (problem) return `invalid ${schema.name}.${goName(field.name)}${problem}`;
  }
  return undefined;
}

function oneofValue(record: Record<string, unknown>, field: DescField): unknown {
  const selected = record[field.oneof!.localName] as { case?: string; value?: unknown } | undefined;
  return selected?.case === field.localName ? selected.value : undefined;
}

function checkField(field: DescField, value: unknown, rule: FieldRule | undefined): string | undefined {
  if (field.fieldKind === "list") {
    for (const [index, item] of (value as unknown[]).entries()) {
      const problem = checkSingle(field, item, rule);
      if (problem) return `[${index}]${problem}`;
    }
    return undefined;
  }
  return checkSingle(field, value, rule);
}

function checkSingle(field: DescField, value: unknown, rule: FieldRule | undefined): string | undefined {
  const message = field.fieldKind === "message" || (field.fieldKind === "list" && field.listKind === "message") ? field.message : undefined;
  if (message) {
    const problem = wellKnownProblem(message, value as Message);
    if (problem) return problem;
    const inner = findViolation(message, value as Message);
    return inner && `: embedded message failed validation | caused by: ${inner}`;
  }
  const enumDesc = field.fieldKind === "enum" || (field.fieldKind === "list" && field.listKind === "enum") ? field.enum : undefined;
  if (enumDesc && !enumDesc.values.some((v) => v.number === value)) return ": value must be one of the defined enum values";
  if (rule?.notIn?.includes(value as number)) return `: value must not be in list [${rule.notIn.join(", ")}]`;
  const problem = scalarProblem(field, value);
  if (problem) return problem;
  if (typeof value === "string" && isString(field)) return checkLength(value, rule);
  return undefined;
}

function isString(field: DescField): boolean {
  return (field.fieldKind === "scalar" || field.fieldKind === "list") && field.scalar === ScalarType.STRING;
}

function checkLength(value: string, rule: FieldRule | undefined): string | undefined {
  if (!rule) return undefined;
  const runes = [...value].length;
  const { minLen, maxLen } = rule;
  if (minLen !== undefined && maxLen !== undefined && (runes < minLen || runes > maxLen)) {
    return `: value length must be between ${minLen} and ${maxLen} runes, inclusive`;
  }
  if (maxLen !== undefined && runes > maxLen) return `: value length must be at most ${maxLen} runes`;
  if (minLen !== undefined && runes < minLen) return `: value length must be at least ${minLen} runes`;
  return undefined;
}

/** PGV names fields as Go does: project_id → ProjectId. */
function goName(protoName: string): string {
  return protoName
    .split("_")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}
