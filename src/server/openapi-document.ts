import type { DescField, DescMessage, DescMethod, DescService } from "@bufbuild/protobuf";
import { httpBindingsOf } from "./rest/http-rules.js";
import type { PathTemplate } from "./rest/path-template.js";
import { compileRestRoute } from "./rest/rest-route.js";
import type { RestRoute } from "./rest/rest-route.js";
import { SchemaCollector } from "./openapi-schemas.js";
import type { JsonSchema } from "./openapi-schemas.js";

export type OpenApiDocument = { openapi: string; paths: Record<string, Record<string, JsonSchema>> } & JsonSchema;

export interface OpenApiOptions {
  info: { title: string; version: string; description?: string };
  services: readonly DescService[];
  /** REST prefix per service type name, exactly as the REST transcoder gets it. */
  prefixes: Readonly<Record<string, string>>;
  /** Methods callable without a token: no security requirement, no org header. */
  isPublic?: (method: DescMethod) => boolean;
  /** Text for an operation's description, e.g. the permission it needs. */
  describe?: (method: DescMethod) => string | undefined;
  /** Whether the service's methods read the x-zitadel-orgid header (v1); default: all do. */
  takesOrgHeader?: (service: DescService) => boolean;
  /**
   * Services without google.api.http rules, described as their Connect unary calls (POST
   * /<package.Service>/<Method> with the request as JSON), as ZITADEL documents its v2 services.
   */
  connectServices?: readonly DescService[];
}

const errorSchemaName = "google.rpc.Status";
const connectErrorSchemaName = "connect.Error";

/** The body of a Connect unary error. */
const connectErrorSchema: JsonSchema = {
  type: "object",
  title: "Connect error",
  description: "The body of every non-200 Connect response.",
  properties: {
    code: { type: "string", description: "The Connect code, e.g. not_found or unauthenticated." },
    message: { type: "string" },
    details: { type: "array", items: { type: "object", additionalProperties: true } },
  },
};

/** grpc-gateway's error body, as error-response.ts writes it. */
const errorSchema: JsonSchema = {
  type: "object",
  title: "Status",
  description: "The body of every non-200 response.",
  properties: {
    code: { type: "integer", format: "int32", description: "The gRPC status code, e.g. 5 (NOT_FOUND) or 16 (UNAUTHENTICATED)." },
    message: { type: "string" },
    details: {
      type: "array",
      items: {
        type: "object",
        description: "A google.protobuf.Any; keygate sends zitadel.v1.ErrorDetail (id and message).",
        properties: {
          "@type": { type: "string", examples: ["type.googleapis.com/zitadel.v1.ErrorDetail"] },
          id: { type: "string" },
          message: { type: "string" },
        },
        required: ["@type"],
        additionalProperties: true,
      },
    },
  },
};

/**
 * An OpenAPI 3.1 document of the REST API that the transcoder serves: one
 * operation per google.api.http binding, compiled by the same code
 * (compileRestRoute), so a rule keygate cannot serve cannot be documented.
 */
export function buildOpenApiDocument(options: OpenApiOptions): OpenApiDocument {
  const schemas = new SchemaCollector();
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const service of options.services) {
    const prefix = options.prefixes[service.typeName];
    if (prefix === undefined) {
      continue;
    }
    for (const method of service.methods) {
      httpBindingsOf(method).forEach((binding, index) => {
        const route = compileRestRoute(method, binding, prefix);
        if (route.httpMethod === "*") {
          throw new Error(`${service.typeName}.${method.name}: OpenAPI cannot describe a rule for any HTTP method`);
        }
        const path = openApiPath(route.template, `${service.typeName}.${method.name}`);
        const isPublic = options.isPublic?.(method) ?? false;
        const orgHeader = !isPublic && (options.takesOrgHeader?.(service) ?? true);
        const operation: JsonSchema = {
          operationId: `${service.name}_${method.name}${index > 0 ? `_${index + 1}` : ""}`,
          tags: [service.name],
          summary: method.name,
          description: options.describe?.(method),
          security: isPublic ? [] : undefined,
          parameters: nonEmpty([...pathParameters(route, schemas), ...queryParameters(route, schemas), ...(orgHeader ? [{ $ref: "#/components/parameters/orgId" }] : [])]),
          requestBody: requestBody(route, schemas),
          responses: {
            "200": { description: "OK", content: { "application/json": { schema: schemas.message(method.output) } } },
            default: { description: "An error", content: { "application/json": { schema: { $ref: `#/components/schemas/${errorSchemaName}` } } } },
          },
        };
        paths[path] = { ...paths[path], [route.httpMethod.toLowerCase()]: withoutUndefined(operation) };
      });
    }
  }
  for (const service of options.connectServices ?? []) {
    for (const method of service.methods) {
      const operation: JsonSchema = {
        operationId: `${service.name}_${method.name}`,
        tags: [service.typeName],
        summary: method.name,
        description: options.describe?.(method),
        requestBody: { required: true, content: { "application/json": { schema: schemas.message(method.input) } } },
        responses: {
          "200": { description: "OK", content: { "application/json": { schema: schemas.message(method.output) } } },
          default: { description: "An error", content: { "application/json": { schema: { $ref: `#/components/schemas/${connectErrorSchemaName}` } } } },
        },
      };
      paths[`/${service.typeName}/${method.name}`] = { post: withoutUndefined(operation) };
    }
  }
  const components = new Map([...schemas.components, [errorSchemaName, errorSchema]]);
  if (options.connectServices?.length) components.set(connectErrorSchemaName, connectErrorSchema);
  return {
    openapi: "3.1.0",
    info: options.info,
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      schemas: Object.fromEntries([...components].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", description: "A personal access token (e.g. the admin token keygate writes at first start)." },
      },
      parameters: {
        orgId: {
          name: "x-zitadel-orgid",
          in: "header",
          required: false,
          description: "The organization to act in; default: the organization of the token's user.",
          schema: { type: "string" },
        },
      },
    },
  };
}

/**
 * "/management/v1/projects/{project_id}"; a variable of the rest of the path (`{role_key=**}`) is
 * written as one parameter, as grpc-gateway's OpenAPI generator writes it (its value may hold `/`).
 * Throws for what OpenAPI paths cannot say (`{name=a/*}`, a bare `**`).
 */
function openApiPath(template: PathTemplate, where: string): string {
  const parts = template.segments.map((segment, i) => {
    const variable = template.variables.find((v) => v.start === i);
    if (variable !== undefined && variable.end === i + 1 && segment.kind !== "literal") {
      return `{${variable.fieldPath.join(".")}}`;
    }
    if (segment.kind !== "literal" || template.variables.some((v) => v.start <= i && i < v.end)) {
      throw new Error(`${where}: OpenAPI cannot describe the path template ${template.template}`);
    }
    return segment.value;
  });
  return `/${parts.join("/")}${template.verb === undefined ? "" : `:${template.verb}`}`;
}

function pathParameters(route: RestRoute, schemas: SchemaCollector): JsonSchema[] {
  return [...route.pathFields].map(([name, fields]) => ({
    name,
    in: "path",
    required: true,
    schema: schemas.field(fields[fields.length - 1]),
  }));
}

/**
 * Without `body: "*"`, the fields the path and body leave over come from the
 * query string, as dotted lowerCamel paths (`query.limit`), like grpc-gateway
 * reads them. Repeated messages and maps cannot be given that way.
 */
function queryParameters(route: RestRoute, schemas: SchemaCollector): JsonSchema[] {
  if (route.body === "*") {
    return [];
  }
  const taken = new Set([...route.pathFields.values(), ...(route.bodyFields ? [route.bodyFields] : [])].map((fs) => fs.map((f) => f.name).join(".")));
  const parameters: JsonSchema[] = [];
  const visit = (message: DescMessage, protoPrefix: string, jsonPrefix: string, seen: ReadonlySet<string>) => {
    for (const field of message.fields) {
      const protoPath = protoPrefix + field.name;
      if (taken.has(protoPath)) {
        continue;
      }
      if (isNestedMessage(field)) {
        if (!seen.has(field.message.typeName)) {
          visit(field.message, `${protoPath}.`, `${jsonPrefix}${field.jsonName}.`, new Set([...seen, field.message.typeName]));
        }
      } else if (field.fieldKind !== "map" && !(field.fieldKind === "list" && field.listKind === "message")) {
        parameters.push({ name: jsonPrefix + field.jsonName, in: "query", required: false, schema: schemas.field(field) });
      }
    }
  };
  visit(route.method.input, "", "", new Set([route.method.input.typeName]));
  return parameters;
}

/** A message field whose JSON form is an object of fields (not a well-known type with a JSON form of its own). */
function isNestedMessage(field: DescField): field is DescField & { fieldKind: "message" } {
  return field.fieldKind === "message" && !field.message.typeName.startsWith("google.protobuf.");
}

function requestBody(route: RestRoute, schemas: SchemaCollector): JsonSchema | undefined {
  let schema: JsonSchema;
  if (route.body === "") {
    return undefined;
  } else if (route.body === "*") {
    const inPath = new Set(route.pathFields.keys());
    schema = inPath.size === 0 ? schemas.message(route.method.input) : schemas.objectSchema(route.method.input, inPath);
  } else {
    const fields = route.bodyFields ?? [];
    schema = schemas.field(fields[fields.length - 1]);
  }
  return { content: { "application/json": { schema } } };
}

function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}

function withoutUndefined(value: JsonSchema): JsonSchema {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
