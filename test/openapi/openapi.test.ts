import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { restPrefixes } from "../../src/api/rest-prefixes.js";
import { registerManagementService } from "../../src/api/management-service.js";
import { registerV2Services } from "../../src/api/v2/v2-services.js";
import { registerKeygateServices } from "../../src/api/keygate/keygate-services.js";
import type { ServiceDeps } from "../../src/api/services/service-deps.js";
import { ApplicationService } from "../../src/gen/zitadel/application/v2/application_service_pb.js";
import { ProjectService as ProjectServiceV2 } from "../../src/gen/zitadel/project/v2/project_service_pb.js";
import { createConnectHandler } from "../../src/server/connect-handler.js";
import type { OpenApiDocument } from "../../src/server/openapi-document.js";
import { keygateOpenApiDocument, openApiFile, serializeOpenApi } from "../../src/server/openapi-keygate.js";
import { embeddedBackend, type Backend } from "../support/backends.js";
import { startTestKeygate, type TestKeygate } from "../support/keygate-server.js";

const committedText = readFileSync(new URL(`../../${openApiFile}`, import.meta.url), "utf8");
const committed = JSON.parse(committedText) as OpenApiDocument;
const httpMethods = ["get", "put", "post", "delete", "patch"];
/** The v2 services' Connect calls, documented as POST /<package.Service>/<Method>. */
const isConnectPath = (path: string) => path.startsWith("/zitadel.");

/** "post /management/v1/projects/{id}/_deactivate" for every operation of a document. */
function operationsOf(document: OpenApiDocument): string[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => httpMethods.includes(key))
      .map((method) => `${method} ${path}`),
  );
}

const embedded: Backend = embeddedBackend();

describe("the OpenAPI document", () => {
  test(`${openApiFile} is what the protos generate (run npm run generate:openapi)`, () => {
    expect(committedText).toBe(serializeOpenApi(keygateOpenApiDocument()));
  });

  test("is valid OpenAPI 3.1, $refs included", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(committed));
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  test("documents every REST route keygate compiles, and nothing else", () => {
    // The handler as keygate builds it; the services are only registered, never called.
    const { restRoutes } = createConnectHandler({
      routes: (router) => {
        registerManagementService(router, {} as ServiceDeps);
        registerV2Services(router, {} as ServiceDeps);
        registerKeygateServices(router, {} as ServiceDeps);
      },
      rest: { prefixes: restPrefixes },
    });
    // A rest-of-path variable ({role_key=**}) is one path parameter in OpenAPI.
    const served = restRoutes.map((route) => `${route.httpMethod.toLowerCase()} ${route.template.template.replaceAll("=**}", "}")}`);
    expect(served.length).toBeGreaterThan(40);
    expect(served).toEqual(
      expect.arrayContaining(["post /v2beta/applications", "patch /v2beta/applications/{id}", "post /v2beta/projects/search", "post /keygate/v1/apps/_search"]),
    );
    const rest = operationsOf(committed).filter((operation) => !isConnectPath(operation.split(" ")[1]!));
    expect(rest.sort()).toEqual(served.sort());
  });

  test("documents the v2 services without REST rules as their Connect calls", () => {
    const connect = operationsOf(committed).filter((operation) => isConnectPath(operation.split(" ")[1]!));
    expect(connect.sort()).toEqual(
      [...ApplicationService.methods, ...ProjectServiceV2.methods].map((m) => `post /${m.parent.typeName}/${m.name}`).sort(),
    );
  });

  test("has bearer auth, the error body on every operation, and x-zitadel-orgid on v1's", () => {
    expect(committed.components).toMatchObject({
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer" } },
      parameters: { orgId: { name: "x-zitadel-orgid", in: "header" } },
    });
    for (const [path, item] of Object.entries(committed.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const where = `${method} ${path}`;
        const op = operation as { responses: Record<string, unknown>; parameters?: unknown[]; security?: unknown[] };
        const error = isConnectPath(path) ? "connect.Error" : "google.rpc.Status";
        expect([where, op.responses.default]).toEqual([where, expect.objectContaining({ content: { "application/json": { schema: { $ref: `#/components/schemas/${error}` } } } })]);
        const isPublic = op.security?.length === 0;
        const takesOrgHeader = (op.parameters ?? []).some((p) => (p as { $ref?: string }).$ref === "#/components/parameters/orgId");
        expect([where, takesOrgHeader]).toEqual([where, !isPublic && (path.startsWith("/management/v1/") || path.startsWith("/keygate/v1/"))]);
      }
    }
    const healthz = committed.paths["/management/v1/healthz"]?.get as { security?: unknown[] };
    expect(healthz.security).toEqual([]);
  });

  test("uses the proto3 JSON mapping: lowerCamel names, int64 as string, enums by name, Timestamps, bytes, oneofs", () => {
    const schemas = (committed.components as { schemas: Record<string, any> }).schemas;
    expect(schemas["zitadel.v1.ObjectDetails"].properties).toMatchObject({
      sequence: { type: "string", format: "uint64" },
      creationDate: { type: "string", format: "date-time" },
      resourceOwner: { type: "string" },
    });
    expect(schemas["zitadel.app.v1.APIAuthMethodType"]).toMatchObject({ type: "string", enum: ["API_AUTH_METHOD_TYPE_BASIC", "API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT"] });
    expect(schemas["zitadel.management.v1.AddAppKeyResponse"].properties.keyDetails).toMatchObject({ type: "string", contentEncoding: "base64" });
    expect(schemas["zitadel.app.v1.App"].properties.apiConfig.$ref).toBe("#/components/schemas/zitadel.app.v1.APIConfig");
    expect(schemas["zitadel.user.v1.SearchQuery"].allOf[0].oneOf.length).toBeGreaterThan(2);
    // body "*" is the request without the path's fields; no body mapping means query parameters.
    const addApp = committed.paths["/management/v1/projects/{project_id}/apps/api"]?.post as any;
    expect(Object.keys(addApp.requestBody.content["application/json"].schema.properties)).toEqual(["name", "authMethodType"]);
    const changes = committed.paths["/management/v1/projects/{project_id}/apps/{app_id}/changes/_search"]?.post as any;
    expect(changes.requestBody).toBeUndefined();
    expect(changes.parameters.map((p: any) => p.name ?? p.$ref)).toEqual([
      "project_id",
      "app_id",
      "query.sequence",
      "query.limit",
      "query.asc",
      "#/components/parameters/orgId",
    ]);
  });
});

describe("keygate against its OpenAPI document", () => {
  let keygate: TestKeygate;
  beforeAll(async () => {
    keygate = await startTestKeygate(embedded);
  });
  afterAll(async () => {
    await keygate?.dispose();
  });

  test("serves it at GET /openapi.json", async () => {
    const res = await fetch(`${keygate.url}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.text()).toBe(committedText);
  });

  test("answers every documented operation (401 without a token, not the 404 of an unknown route)", async () => {
    for (const operation of operationsOf(committed)) {
      const [method, path] = operation.split(" ");
      const res = await fetch(keygate.url + path.replace(/\{[^}]+\}/g, "x"), {
        method: method.toUpperCase(),
        headers: method === "get" || method === "delete" ? {} : { "content-type": "application/json" },
        body: method === "get" || method === "delete" ? undefined : "{}",
      });
      const body = (await res.json()) as { code?: number | string };
      const expected = path === "/management/v1/healthz" ? [200, undefined] : isConnectPath(path) ? [401, "unauthenticated"] : [401, 16];
      expect([operation, res.status, body.code]).toEqual([operation, ...expected]);
    }
  });

  test("real REST answers match the documented response and error schemas", async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addFormat("uint64", /^[0-9]+$/);
    ajv.addSchema({ $id: "keygate.json", components: committed.components });
    const schemaOf = (name: string) => ajv.getSchema(`keygate.json#/components/schemas/${name}`)!;

    const call = async (method: string, path: string, body?: object) => {
      const res = await fetch(`${keygate.url}/management/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${keygate.adminToken}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as Record<string, any> };
    };
    const expectValid = (name: string, value: unknown) => {
      const validate = schemaOf(name);
      expect([name, validate(value), validate.errors ?? null]).toEqual([name, true, null]);
    };

    expectValid("zitadel.management.v1.GetMyOrgResponse", (await call("GET", "/orgs/me")).json);
    const project = await call("POST", "/projects", { name: "OpenAPI" });
    expectValid("zitadel.management.v1.AddProjectResponse", project.json);
    const projectId = project.json.id as string;
    const basic = await call("POST", `/projects/${projectId}/apps/api`, { name: "basic", authMethodType: "API_AUTH_METHOD_TYPE_BASIC" });
    expectValid("zitadel.management.v1.AddAPIAppResponse", basic.json);
    const jwt = await call("POST", `/projects/${projectId}/apps/api`, { name: "jwt", authMethodType: "API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT" });
    const key = await call("POST", `/projects/${projectId}/apps/${jwt.json.appId}/keys`, { type: "KEY_TYPE_JSON" });
    expectValid("zitadel.management.v1.AddAppKeyResponse", key.json);
    expectValid("zitadel.management.v1.GetAppByIDResponse", (await call("GET", `/projects/${projectId}/apps/${basic.json.appId}`)).json);
    const apps = await call("POST", `/projects/${projectId}/apps/_search`, {});
    expect(apps.json.result).toHaveLength(2);
    expectValid("zitadel.management.v1.ListAppsResponse", apps.json);
    expectValid("zitadel.management.v1.ListAppChangesResponse", (await call("POST", `/projects/${projectId}/apps/${basic.json.appId}/changes/_search?query.limit=5`)).json);

    const missing = await call("GET", `/projects/${projectId}/apps/nope`);
    expect(missing.status).toBe(404);
    expect(missing.json.details).toHaveLength(1);
    expectValid("google.rpc.Status", missing.json);
  });
});
