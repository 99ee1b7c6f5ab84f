import { METHOD_PERMISSIONS } from "../api/method-permissions.js";
import { restPrefixes } from "../api/rest-prefixes.js";
import { ManagementService } from "../gen/zitadel/management_pb.js";
import { buildOpenApiDocument } from "./openapi-document.js";
import type { OpenApiDocument } from "./openapi-document.js";

/** Where `npm run generate:openapi` writes the document, relative to the repository root. */
export const openApiFile = "openapi/keygate.openapi.json";

/** keygate's REST API as OpenAPI 3.1: what GET /openapi.json serves and openapi/ holds. */
export function keygateOpenApiDocument(): OpenApiDocument {
  return buildOpenApiDocument({
    info: {
      title: "keygate Management API",
      version: "v1",
      description:
        "ZITADEL's zitadel.management.v1.ManagementService over REST, transcoded from its google.api.http rules. " +
        "The same service answers gRPC, gRPC-Web and Connect at /zitadel.management.v1.ManagementService/<Method>.",
    },
    services: [ManagementService],
    prefixes: restPrefixes,
    isPublic: (method) => METHOD_PERMISSIONS[method.name] === "none",
    describe: (method) => {
      const rule = METHOD_PERMISSIONS[method.name];
      return rule === undefined || rule === "none" ? undefined : `Requires the permission \`${rule.permission}\`.`;
    },
  });
}

/** The committed file's exact text: stable key order, two-space indent, final newline. */
export function serializeOpenApi(document: OpenApiDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
