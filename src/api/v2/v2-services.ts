import type { ConnectRouter } from "@connectrpc/connect";
import { AppService } from "../../gen/zitadel/app/v2beta/app_service_pb.js";
import { ApplicationService } from "../../gen/zitadel/application/v2/application_service_pb.js";
import { ProjectService as ProjectServiceV2 } from "../../gen/zitadel/project/v2/project_service_pb.js";
import { ProjectService as ProjectServiceV2beta } from "../../gen/zitadel/project/v2beta/project_service_pb.js";
import type { ServiceDeps } from "../services/service-deps.js";
import { appServiceV2beta } from "./app-service-v2beta.js";
import { applicationService } from "./application-service.js";
import { projectServiceV2 } from "./project-service-v2.js";
import { projectServiceV2beta } from "./project-service-v2beta.js";

/** ZITADEL's v2 and v2beta app and project services; a method not implemented answers Unimplemented. */
export function registerV2Services(router: ConnectRouter, deps: ServiceDeps): void {
  router.service(ApplicationService, applicationService(deps));
  router.service(AppService, appServiceV2beta(deps));
  router.service(ProjectServiceV2, projectServiceV2(deps));
  router.service(ProjectServiceV2beta, projectServiceV2beta(deps));
}
