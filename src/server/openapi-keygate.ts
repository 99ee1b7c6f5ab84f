import { KEYGATE_SERVICES, keygateServiceNamed } from "../api/keygate/keygate-services.js";
import { METHOD_PERMISSIONS } from "../api/method-permissions.js";
import { restPrefixes } from "../api/rest-prefixes.js";
import { V2_PERMISSIONS } from "../api/v2/v2-permissions.js";
import { AppService } from "../gen/zitadel/app/v2beta/app_service_pb.js";
import { ApplicationService } from "../gen/zitadel/application/v2/application_service_pb.js";
import { ManagementService } from "../gen/zitadel/management_pb.js";
import { ProjectService as ProjectServiceV2 } from "../gen/zitadel/project/v2/project_service_pb.js";
import { ProjectService as ProjectServiceV2beta } from "../gen/zitadel/project/v2beta/project_service_pb.js";
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
        "The same service answers gRPC, gRPC-Web and Connect at /zitadel.management.v1.ManagementService/<Method>. " +
        "ZITADEL's v2beta AppService and ProjectService are served over REST at their /v2beta/... paths too; " +
        "the v2 ApplicationService and ProjectService (Connect, gRPC and gRPC-Web only, as in ZITADEL) are described " +
        "as their Connect calls. The v2 and v2beta services need no x-zitadel-orgid: they act in the org of the project or app named. " +
        "keygate's own services (package keygate.v1: apps and projects with descriptions, labels and owner contacts, label selectors, " +
        "page tokens) are served under /keygate/v1/... and act in the org of x-zitadel-orgid, as ManagementService does.",
    },
    services: [ManagementService, AppService, ProjectServiceV2beta, ...KEYGATE_SERVICES.map((entry) => entry.service)],
    connectServices: [ApplicationService, ProjectServiceV2],
    prefixes: restPrefixes,
    takesOrgHeader: (service) => service.typeName === ManagementService.typeName || keygateServiceNamed(service.typeName) !== undefined,
    isPublic: (method) => method.parent.typeName === ManagementService.typeName && METHOD_PERMISSIONS[method.name] === "none",
    describe: (method) => {
      const keygateService = keygateServiceNamed(method.parent.typeName);
      if (keygateService) {
        const rule = keygateService.permissionOf(method);
        return rule && `Requires the permission \`${rule.permission}\`.`;
      }
      if (method.parent.typeName !== ManagementService.typeName) {
        const permission = V2_PERMISSIONS[method.name];
        return permission && `Requires the permission \`${permission}\` in the organization owning the project or app named.`;
      }
      const rule = METHOD_PERMISSIONS[method.name];
      return rule === undefined || rule === "none" ? undefined : `Requires the permission \`${rule.permission}\`.`;
    },
  });
}

/** The committed file's exact text: stable key order, two-space indent, final newline. */
export function serializeOpenApi(document: OpenApiDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
