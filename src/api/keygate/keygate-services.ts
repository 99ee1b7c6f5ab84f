import type { DescMethod, DescService } from "@bufbuild/protobuf";
import type { ConnectRouter, ServiceImpl } from "@connectrpc/connect";
import { AppSecretService } from "../../gen/keygate/v1/app_secrets_pb.js";
import { AppAccessService } from "../../gen/keygate/v1/app_roles_pb.js";
import { AppService } from "../../gen/keygate/v1/apps_pb.js";
import { ProjectService } from "../../gen/keygate/v1/projects_pb.js";
import type { MethodPermission } from "../method-permissions.js";
import type { ServiceDeps } from "../services/service-deps.js";
import { appSecretService, APP_SECRET_PERMISSIONS } from "./app-secret-service.js";
import { appAccessService, APP_ACCESS_PERMISSIONS } from "./app-access-service.js";
import { appService, APP_PERMISSIONS } from "./app-service.js";
import type { KeygatePermissions } from "./keygate-permissions.js";
import { projectService, PROJECT_PERMISSIONS } from "./project-service.js";

/** A keygate.v1 service: its descriptor, the permission of each method, and its implementation. */
export interface KeygateService {
  service: DescService;
  permissionOf(method: DescMethod): MethodPermission | undefined;
  register(router: ConnectRouter, deps: ServiceDeps): void;
}

function keygateService<S extends DescService>(
  service: S,
  permissions: KeygatePermissions<S>,
  implement: (deps: ServiceDeps) => Partial<ServiceImpl<S>>,
): KeygateService {
  const table = permissions as Readonly<Record<string, MethodPermission>>;
  return {
    service,
    permissionOf: (method) => (Object.hasOwn(table, method.localName) ? table[method.localName] : undefined),
    register: (router, deps) => router.service(service, implement(deps)),
  };
}

/**
 * keygate's own services (package keygate.v1), served on all four protocols beside ZITADEL's, with
 * REST paths under /keygate/v1 (their google.api.http rules) and in the OpenAPI document. One line
 * per service; everything else (auth, REST, OpenAPI, health, reflection) reads this list.
 */
export const KEYGATE_SERVICES: readonly KeygateService[] = [
  keygateService(AppService, APP_PERMISSIONS, appService),
  keygateService(ProjectService, PROJECT_PERMISSIONS, projectService),
  keygateService(AppSecretService, APP_SECRET_PERMISSIONS, appSecretService),
  keygateService(AppAccessService, APP_ACCESS_PERMISSIONS, appAccessService),
];

const byName = new Map(KEYGATE_SERVICES.map((entry) => [entry.service.typeName, entry]));

/** The keygate.v1 service named, if it is one. */
export const keygateServiceNamed = (typeName: string): KeygateService | undefined => byName.get(typeName);

export function registerKeygateServices(router: ConnectRouter, deps: ServiceDeps): void {
  for (const entry of KEYGATE_SERVICES) entry.register(router, deps);
}
