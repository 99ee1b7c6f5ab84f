import { ScalarType } from "@bufbuild/protobuf";
import type { DescField, DescMessage, JsonObject, JsonValue } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";

/*
 * Path variables and query parameters arrive as text; the request message is
 * built as protobuf JSON. This file turns "10" into 10 for a uint32, "true"
 * into true for a bool, keeps int64 as a string, and so on, typed by the
 * field descriptor — the conversions grpc-gateway applies.
 */

/**
 * Resolve a field path ("query.limit" → [query, limit]); each name may be the
 * proto name or the JSON name. Undefined when a name is unknown or an inner
 * field is not a singular message.
 */
export function resolveFieldPath(message: DescMessage, path: readonly string[]): DescField[] | undefined {
  const fields: DescField[] = [];
  let current: DescMessage | undefined = message;
  for (const name of path) {
    if (current === undefined) {
      return undefined;
    }
    const field: DescField | undefined = current.fields.find((f) => f.name === name || f.jsonName === name);
    if (field === undefined) {
      return undefined;
    }
    fields.push(field);
    current = field.fieldKind === "message" ? field.message : undefined;
  }
  return fields;
}

/** Well-known types whose JSON form is a string. */
const stringJsonTypes = new Set([
  "google.protobuf.Timestamp",
  "google.protobuf.Duration",
  "google.protobuf.FieldMask",
]);

/** Wrapper types, whose JSON form is the wrapped scalar. */
const wrapperTypes = new Map<string, ScalarType>([
  ["google.protobuf.DoubleValue", ScalarType.DOUBLE],
  ["google.protobuf.FloatValue", ScalarType.FLOAT],
  ["google.protobuf.Int64Value", ScalarType.INT64],
  ["google.protobuf.UInt64Value", ScalarType.UINT64],
  ["google.protobuf.Int32Value", ScalarType.INT32],
  ["google.protobuf.UInt32Value", ScalarType.UINT32],
  ["google.protobuf.BoolValue", ScalarType.BOOL],
  ["google.protobuf.StringValue", ScalarType.STRING],
  ["google.protobuf.BytesValue", ScalarType.BYTES],
]);

/**
 * The JSON value for one textual value of a field (for a repeated field: of
 * one element). Throws InvalidArgument when the text cannot be that type.
 */
export function jsonValueFromText(field: DescField, text: string): JsonValue {
  // A list takes each value from the URL as a singular field of its element type would.
  if (field.fieldKind === "scalar" || (field.fieldKind === "list" && field.listKind === "scalar")) return scalarFromText(field, field.scalar, text);
  if (field.fieldKind === "enum" || (field.fieldKind === "list" && field.listKind === "enum")) return enumFromText(text);
  if (field.fieldKind === "message" || (field.fieldKind === "list" && field.listKind === "message")) return messageFromText(field, field.message, text);
  throw invalid(field, text, "map fields cannot be set from the URL");
}

function enumFromText(text: string): JsonValue {
  // By number or by name; fromJson() rejects names the enum does not have.
  return /^-?\d+$/.test(text) ? Number(text) : text;
}

function messageFromText(field: DescField, message: DescMessage, text: string): JsonValue {
  if (stringJsonTypes.has(message.typeName)) {
    return text;
  }
  const wrapped = wrapperTypes.get(message.typeName);
  if (wrapped !== undefined) {
    return scalarFromText(field, wrapped, text);
  }
  throw invalid(field, text, `message ${message.typeName} cannot be set from the URL`);
}

function scalarFromText(field: DescField, type: ScalarType, text: string): JsonValue {
  switch (type) {
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return text;
    case ScalarType.BOOL:
      // strconv.ParseBool, as grpc-gateway parses booleans.
      if (["true", "True", "TRUE", "t", "T", "1"].includes(text)) return true;
      if (["false", "False", "FALSE", "f", "F", "0"].includes(text)) return false;
      throw invalid(field, text, "not a boolean");
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.SINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      // Kept as a string, the canonical JSON form of 64-bit integers; fromJson() checks the range.
      if (!/^-?\d+$/.test(text)) throw invalid(field, text, "not an integer");
      return text;
    case ScalarType.INT32:
    case ScalarType.UINT32:
    case ScalarType.SINT32:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      if (!/^-?\d+$/.test(text)) throw invalid(field, text, "not an integer");
      return Number(text);
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT: {
      if (text === "NaN" || text === "Infinity" || text === "-Infinity") return text;
      const n = Number(text);
      if (text.trim() === "" || !Number.isFinite(n)) throw invalid(field, text, "not a number");
      return n;
    }
  }
}

function invalid(field: DescField, text: string, reason: string): ConnectError {
  return new ConnectError(`invalid value "${text}" for field "${field.name}": ${reason}`, Code.InvalidArgument);
}

/**
 * Set a value at a resolved field path inside a JSON object, under the JSON
 * names. An entry under the proto name is folded into it (the request body
 * may use either name), so exactly one spelling remains and the new value
 * wins. "append" adds to a repeated field instead of replacing it.
 */
export function setJsonField(
  target: JsonObject,
  fields: readonly DescField[],
  value: JsonValue,
  mode: "replace" | "append",
): void {
  let obj = target;
  fields.forEach((field, i) => {
    const existing = takeEntry(obj, field);
    if (i < fields.length - 1) {
      const child: JsonObject = isJsonObject(existing) ? existing : {};
      obj[field.jsonName] = child;
      obj = child;
    } else if (mode === "append") {
      obj[field.jsonName] = Array.isArray(existing) ? [...existing, value] : [value];
    } else {
      obj[field.jsonName] = value;
    }
  });
}

function takeEntry(obj: JsonObject, field: DescField): JsonValue | undefined {
  const byJsonName = Object.hasOwn(obj, field.jsonName) ? obj[field.jsonName] : undefined;
  if (field.name === field.jsonName || !Object.hasOwn(obj, field.name)) {
    return byJsonName;
  }
  const byProtoName = obj[field.name];
  delete obj[field.name];
  return byJsonName ?? byProtoName;
}

export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
