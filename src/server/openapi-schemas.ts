import { ScalarType } from "@bufbuild/protobuf";
import type { DescEnum, DescField, DescMessage } from "@bufbuild/protobuf";

/*
 * JSON Schemas (OpenAPI 3.1 = JSON Schema 2020-12) for messages in their
 * proto3 JSON form, which is what keygate's REST API reads and writes:
 * lowerCamel field names, 64-bit integers as strings, enums by name,
 * bytes as base64, Timestamps as RFC 3339 strings, at most one member of a
 * oneof. Proto3 has no required fields, so no property is required.
 */

export type JsonSchema = { [key: string]: unknown };

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

const int64 = (format: string): JsonSchema => ({ type: "string", format, pattern: format === "uint64" ? "^[0-9]+$" : "^-?[0-9]+$" });

/** One schema per scalar type; each is a fresh object so callers may decorate it. */
export function scalarSchema(type: ScalarType): JsonSchema {
  switch (type) {
    case ScalarType.STRING:
      return { type: "string" };
    case ScalarType.BOOL:
      return { type: "boolean" };
    case ScalarType.BYTES:
      return { type: "string", format: "byte", contentEncoding: "base64" };
    case ScalarType.DOUBLE:
      return { type: "number", format: "double" };
    case ScalarType.FLOAT:
      return { type: "number", format: "float" };
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return { type: "integer", format: "int32" };
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return { type: "integer", format: "int64", minimum: 0, maximum: 4294967295 };
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return int64("int64");
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return int64("uint64");
  }
}

/** Well-known types with a JSON form of their own (the proto3 JSON mapping table). */
function wellKnownSchema(message: DescMessage): JsonSchema | undefined {
  switch (message.typeName) {
    case "google.protobuf.Timestamp":
      return { type: "string", format: "date-time" };
    case "google.protobuf.Duration":
      return { type: "string", pattern: "^-?[0-9]+(\\.[0-9]{1,9})?s$" };
    case "google.protobuf.FieldMask":
      return { type: "string" };
    case "google.protobuf.Empty":
      return { type: "object" };
    case "google.protobuf.Struct":
      return { type: "object", additionalProperties: true };
    case "google.protobuf.ListValue":
      return { type: "array" };
    case "google.protobuf.Value":
      return {};
    case "google.protobuf.Any":
      return { type: "object", properties: { "@type": { type: "string" } }, required: ["@type"], additionalProperties: true };
  }
  if (message.typeName.startsWith("google.protobuf.") && message.typeName.endsWith("Value")) {
    // Wrappers: the wrapped value itself, or null.
    const value = message.fields[0];
    if (value?.fieldKind === "scalar") {
      return { ...scalarSchema(value.scalar), type: [scalarSchema(value.scalar).type, "null"] };
    }
  }
  return undefined;
}

/**
 * Collects the component schemas that the schemas it hands out refer to,
 * keyed by full proto type name (e.g. "zitadel.app.v1.App").
 */
export class SchemaCollector {
  readonly components = new Map<string, JsonSchema>();

  /** A schema for a message, as a $ref unless it is a well-known type. */
  message(message: DescMessage): JsonSchema {
    const wkt = wellKnownSchema(message);
    if (wkt !== undefined) {
      return wkt;
    }
    if (!this.components.has(message.typeName)) {
      this.components.set(message.typeName, {}); // placeholder first: messages may be recursive
      this.components.set(message.typeName, this.objectSchema(message, new Set()));
    }
    return ref(message.typeName);
  }

  /**
   * The inline object schema of a message without some fields, given as
   * dotted proto paths ("project_id", "app.id"): a REST body minus the
   * fields the URL path already carries.
   */
  objectSchema(message: DescMessage, without: ReadonlySet<string>): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    for (const field of message.fields) {
      if (without.has(field.name)) {
        continue;
      }
      const nested = new Set([...without].filter((p) => p.startsWith(`${field.name}.`)).map((p) => p.slice(field.name.length + 1)));
      properties[field.jsonName] =
        nested.size > 0 && field.fieldKind === "message" ? this.objectSchema(field.message, nested) : this.field(field);
    }
    const schema: JsonSchema = { type: "object", title: message.name, properties };
    const oneofs = message.oneofs
      .map((oneof) => oneof.fields.filter((f) => properties[f.jsonName] !== undefined).map((f) => f.jsonName))
      .filter((members) => members.length > 1);
    if (oneofs.length > 0) {
      // Exactly one of "has member 1", …, "has member n", "has none": at most one member is set.
      schema.allOf = oneofs.map((members) => ({
        oneOf: [...members.map((m) => ({ required: [m] })), { not: { anyOf: members.map((m) => ({ required: [m] })) } }],
      }));
    }
    return schema;
  }

  /** The schema of one field's JSON value. (OpenAPI 3.1 allows a description beside a $ref.) */
  field(field: DescField): JsonSchema {
    const schema = this.fieldValue(field);
    if (field.oneof !== undefined) {
      schema.description = `Member of oneof \`${field.oneof.name}\`: set at most one of its members.`;
    }
    return schema;
  }

  private fieldValue(field: DescField): JsonSchema {
    switch (field.fieldKind) {
      case "scalar":
        return scalarSchema(field.scalar);
      case "enum":
        return this.enum(field.enum);
      case "message":
        return this.message(field.message);
      case "list":
        return {
          type: "array",
          items: field.listKind === "scalar" ? scalarSchema(field.scalar) : field.listKind === "enum" ? this.enum(field.enum) : this.message(field.message),
        };
      case "map":
        return {
          type: "object",
          additionalProperties:
            field.mapKind === "scalar" ? scalarSchema(field.scalar) : field.mapKind === "enum" ? this.enum(field.enum) : this.message(field.message),
        };
    }
  }

  private enum(desc: DescEnum): JsonSchema {
    if (!this.components.has(desc.typeName)) {
      // Names are what keygate writes; proto3 JSON parsers accept the numbers too.
      this.components.set(desc.typeName, { type: "string", title: desc.name, enum: desc.values.map((v) => v.name) });
    }
    return ref(desc.typeName);
  }
}
