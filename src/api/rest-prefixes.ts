import { AppService } from "../gen/zitadel/app/v2beta/app_service_pb.js";
import { KEYGATE_SERVICES } from "./keygate/keygate-services.js";
import { ManagementService } from "../gen/zitadel/management_pb.js";
import { ProjectService as ProjectServiceV2beta } from "../gen/zitadel/project/v2beta/project_service_pb.js";

/**
 * Where each service's google.api.http paths are mounted, as ZITADEL's gateway
 * mounts them. The REST transcoder and the OpenAPI document both read this, so
 * the document describes exactly the routes that are served. The v2beta rules
 * are absolute (/v2beta/...); the v2 services have no rules (Connect, gRPC and
 * gRPC-Web only, as in ZITADEL). keygate's own services' rules are absolute too (/keygate/v1/...).
 */
export const restPrefixes: Readonly<Record<string, string>> = {
  [ManagementService.typeName]: "/management/v1",
  [AppService.typeName]: "",
  [ProjectServiceV2beta.typeName]: "",
  ...Object.fromEntries(KEYGATE_SERVICES.map((entry) => [entry.service.typeName, ""])),
};
