import type { DescService } from "@bufbuild/protobuf";
import { AppService } from "../../gen/zitadel/app/v2beta/app_service_pb.js";
import { ApplicationService } from "../../gen/zitadel/application/v2/application_service_pb.js";
import { ProjectService as ProjectServiceV2 } from "../../gen/zitadel/project/v2/project_service_pb.js";
import { ProjectService as ProjectServiceV2beta } from "../../gen/zitadel/project/v2beta/project_service_pb.js";

/** ZITADEL's v2 services for apps and projects, served beside ManagementService on the same store. */
export const V2_SERVICES: readonly DescService[] = [ApplicationService, AppService, ProjectServiceV2, ProjectServiceV2beta];

export const V2_SERVICE_NAMES: ReadonlySet<string> = new Set(V2_SERVICES.map((s) => s.typeName));

/**
 * The permission each v2 method checks, by method name (v2 and v2beta share them). As in ZITADEL,
 * the call itself needs only a valid token; the permission is checked by the service in the org
 * owning the project or app the request names, once that org is known (noted as "checked: …" on
 * each RPC in the protos; a test keeps both in step).
 */
export const V2_PERMISSIONS: Readonly<Record<string, string>> = {
  CreateApplication: "project.app.write",
  UpdateApplication: "project.app.write",
  GetApplication: "project.app.read",
  DeleteApplication: "project.app.delete",
  DeactivateApplication: "project.app.write",
  ReactivateApplication: "project.app.write",
  GenerateClientSecret: "project.app.write",
  RegenerateClientSecret: "project.app.write",
  ListApplications: "project.app.read",
  CreateApplicationKey: "project.app.write",
  DeleteApplicationKey: "project.app.write",
  GetApplicationKey: "project.app.read",
  ListApplicationKeys: "project.app.read",
  CreateProject: "project.create",
  UpdateProject: "project.write",
  DeleteProject: "project.delete",
  GetProject: "project.read",
  ListProjects: "project.read",
  DeactivateProject: "project.write",
  ActivateProject: "project.write",
  AddProjectRole: "project.role.write",
  UpdateProjectRole: "project.role.write",
  RemoveProjectRole: "project.role.delete",
  ListProjectRoles: "project.role.read",
  CreateProjectGrant: "project.grant.create",
  UpdateProjectGrant: "project.grant.write",
  DeleteProjectGrant: "project.grant.delete",
  DeactivateProjectGrant: "project.grant.write",
  ActivateProjectGrant: "project.grant.write",
  ListProjectGrants: "project.grant.read",
};
