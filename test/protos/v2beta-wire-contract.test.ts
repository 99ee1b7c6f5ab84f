import { getOption, hasOption, toJson, type DescEnum, type DescField, type DescMessage, type DescService } from "@bufbuild/protobuf";
import { describe, expect, test } from "vitest";
import { AppService as ZitadelAppService } from "@zitadel/proto/zitadel/app/v2beta/app_service_pb.js";
import { ProjectService as ZitadelProjectService } from "@zitadel/proto/zitadel/project/v2beta/project_service_pb.js";
import { http as zitadelHttp } from "@zitadel/proto/google/api/annotations_pb.js";
import { HttpRuleSchema as ZitadelHttpRuleSchema } from "@zitadel/proto/google/api/http_pb.js";
import { http } from "../../src/gen/google/api/annotations_pb.js";
import { HttpRuleSchema } from "../../src/gen/google/api/http_pb.js";
import { AppService } from "../../src/gen/zitadel/app/v2beta/app_service_pb.js";
import { ProjectService } from "../../src/gen/zitadel/project/v2beta/project_service_pb.js";

/**
 * Our v2beta protos against the descriptors ZITADEL publishes in @zitadel/proto: every method,
 * every message and enum they reach, every field's name, number, JSON name, kind, type and oneof,
 * and every google.api.http rule. A client generated from ZITADEL's descriptors sees no difference.
 */
function fieldShape(field: DescField) {
  const kind =
    field.fieldKind === "list"
      ? `repeated ${field.listKind === "scalar" ? field.scalar : field.listKind === "enum" ? field.enum.typeName : field.message.typeName}`
      : field.fieldKind === "scalar"
        ? String(field.scalar)
        : field.fieldKind === "enum"
          ? field.enum.typeName
          : field.fieldKind === "message"
            ? field.message.typeName
            : "map";
  return { name: field.name, number: field.number, jsonName: field.jsonName, kind, oneof: field.oneof?.name, optional: field.proto.proto3Optional };
}

const enumShape = (e: DescEnum) => ({ name: e.typeName, values: e.values.map((v) => [v.name, v.number]) });

/** Every message and enum reachable from the service's methods, by full name. */
function reachable(service: DescService): Map<string, unknown> {
  const shapes = new Map<string, unknown>();
  const visit = (message: DescMessage) => {
    if (shapes.has(message.typeName) || message.typeName.startsWith("google.protobuf.")) return;
    shapes.set(message.typeName, message.fields.map(fieldShape));
    for (const field of message.fields) {
      const inner = field.fieldKind === "message" || (field.fieldKind === "list" && field.listKind === "message") ? field.message : undefined;
      const en = field.fieldKind === "enum" || (field.fieldKind === "list" && field.listKind === "enum") ? field.enum : undefined;
      if (inner) visit(inner);
      if (en) shapes.set(en.typeName, enumShape(en));
    }
  };
  for (const method of service.methods) {
    visit(method.input);
    visit(method.output);
  }
  return shapes;
}

describe.each([
  ["zitadel.app.v2beta.AppService", AppService, ZitadelAppService],
  ["zitadel.project.v2beta.ProjectService", ProjectService, ZitadelProjectService],
])("%s matches @zitadel/proto", (_name, ours: DescService, theirs: DescService) => {
  test("same service and file names", () => {
    expect(ours.typeName).toBe(theirs.typeName);
    expect(ours.file.name).toBe(theirs.file.name);
  });

  test("same methods with the same request and response types", () => {
    const shape = (s: DescService) => s.methods.map((m) => [m.name, m.input.typeName, m.output.typeName, m.methodKind]);
    expect(shape(ours)).toEqual(shape(theirs));
  });

  test("same messages and enums, field by field", () => {
    const mine = reachable(ours);
    const zitadel = reachable(theirs);
    expect([...mine.keys()].sort()).toEqual([...zitadel.keys()].sort());
    for (const [name, shape] of zitadel) expect({ name, shape: mine.get(name) }).toEqual({ name, shape });
  });

  test("same google.api.http rules", () => {
    for (const method of theirs.methods) {
      const mine = ours.methods.find((m) => m.name === method.name)!;
      const expected = hasOption(method, zitadelHttp) ? toJson(ZitadelHttpRuleSchema, getOption(method, zitadelHttp)) : undefined;
      const actual = hasOption(mine, http) ? toJson(HttpRuleSchema, getOption(mine, http)) : undefined;
      expect({ method: method.name, rule: actual }).toEqual({ method: method.name, rule: expected });
    }
  });
});
