import type { ConnectRouter } from "@connectrpc/connect";
import { ManagementService } from "../gen/zitadel/management_pb.js";
import { appKeyService } from "./services/app-key-service.js";
import { appService } from "./services/app-service.js";
import { machineCredentialService } from "./services/machine-credential-service.js";
import { memberService } from "./services/member-service.js";
import { orgService } from "./services/org-service.js";
import { projectRoleService } from "./services/project-role-service.js";
import { projectService } from "./services/project-service.js";
import type { ServiceDeps } from "./services/service-deps.js";
import { userService } from "./services/user-service.js";

/** keygate's ManagementService: one implementation behind all four protocols. */
export function registerManagementService(router: ConnectRouter, deps: ServiceDeps): void {
  router.service(ManagementService, {
    ...orgService(deps),
    ...projectService(deps),
    ...projectRoleService(deps),
    ...appService(deps),
    ...appKeyService(deps),
    ...userService(deps),
    ...machineCredentialService(deps),
    ...memberService(deps),
  });
}
