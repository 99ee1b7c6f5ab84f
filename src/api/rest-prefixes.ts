import { ManagementService } from "../gen/zitadel/management_pb.js";

/**
 * Where each service's google.api.http paths are mounted, as ZITADEL's gateway
 * mounts them. The REST transcoder and the OpenAPI document both read this, so
 * the document describes exactly the routes that are served.
 */
export const restPrefixes: Readonly<Record<string, string>> = {
  [ManagementService.typeName]: "/management/v1",
};
