import type { FieldRule } from "./rules.js";

/**
 * ZITADEL's protoc-gen-validate rules for the requests of zitadel.project.v2.ProjectService and
 * zitadel.project.v2beta.ProjectService (the v2beta ones as @zitadel/proto's descriptors carry them).
 * Project grants are not served, so their requests carry no rules here.
 */
const id: FieldRule = { minLen: 1, maxLen: 200 };
const name: FieldRule = { minLen: 1, maxLen: 200 };
const upTo200: FieldRule = { maxLen: 200 };

export const PROJECT_FIELD_RULES_V2: Readonly<Record<string, Readonly<Record<string, FieldRule>>>> = {
  "zitadel.project.v2.CreateProjectRequest": { organization_id: id, project_id: id, name },
  "zitadel.project.v2.UpdateProjectRequest": { project_id: id, name },
  "zitadel.project.v2.DeleteProjectRequest": { project_id: id },
  "zitadel.project.v2.GetProjectRequest": { project_id: id },
  "zitadel.project.v2.DeactivateProjectRequest": { project_id: id },
  "zitadel.project.v2.ActivateProjectRequest": { project_id: id },
  "zitadel.project.v2.AddProjectRoleRequest": { project_id: id, role_key: id, display_name: name, group: upTo200 },
  "zitadel.project.v2.UpdateProjectRoleRequest": { project_id: id, role_key: id, display_name: name, group: upTo200 },
  "zitadel.project.v2.RemoveProjectRoleRequest": { project_id: id, role_key: id },
  "zitadel.project.v2.ListProjectRolesRequest": { project_id: id },
  "zitadel.project.v2.ProjectNameFilter": { project_name: upTo200 },
  "zitadel.project.v2.ProjectOrganizationIDFilter": { organization_id: upTo200 },
  "zitadel.project.v2.ProjectRoleKeyFilter": { key: upTo200 },
  "zitadel.project.v2.ProjectRoleDisplayNameFilter": { display_name: upTo200 },

  "zitadel.project.v2beta.CreateProjectRequest": { organization_id: id, id, name },
  "zitadel.project.v2beta.UpdateProjectRequest": { id, name },
  "zitadel.project.v2beta.DeleteProjectRequest": { id },
  "zitadel.project.v2beta.GetProjectRequest": { id },
  "zitadel.project.v2beta.DeactivateProjectRequest": { id },
  "zitadel.project.v2beta.ActivateProjectRequest": { id },
  "zitadel.project.v2beta.AddProjectRoleRequest": { project_id: id, role_key: id, display_name: name, group: upTo200 },
  "zitadel.project.v2beta.UpdateProjectRoleRequest": { project_id: id, role_key: id, display_name: name, group: upTo200 },
  "zitadel.project.v2beta.RemoveProjectRoleRequest": { project_id: id, role_key: id },
  "zitadel.project.v2beta.ListProjectRolesRequest": { project_id: id },
  "zitadel.project.v2beta.ProjectNameFilter": { project_name: upTo200 },
  "zitadel.project.v2beta.ProjectRoleKeyFilter": { key: upTo200 },
  "zitadel.project.v2beta.ProjectRoleDisplayNameFilter": { display_name: upTo200 },

  "zitadel.filter.v2.InIDsFilter": { ids: id },
  "zitadel.filter.v2beta.InIDsFilter": { ids: id },
  "zitadel.filter.v2beta.IDFilter": { id: upTo200 },
};

/** Oneofs that must be set, as `(validate.required) = true` in ZITADEL's protos. */
export const PROJECT_REQUIRED_ONEOFS_V2: readonly string[] = [
  "zitadel.project.v2.ProjectSearchFilter.filter",
  "zitadel.project.v2.ProjectRoleSearchFilter.filter",
  "zitadel.project.v2beta.ProjectSearchFilter.filter",
  "zitadel.project.v2beta.ProjectRoleSearchFilter.filter",
];
