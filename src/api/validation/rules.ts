import { APP_FIELD_RULES_V2, APP_REQUIRED_ONEOFS_V2 } from "./app-rules-v2.js";
import { KEYGATE_FIELD_RULES_V1 } from "./keygate-rules-v1.js";
import { PROJECT_FIELD_RULES_V2, PROJECT_REQUIRED_ONEOFS_V2 } from "./project-rules-v2.js";

/**
 * ZITADEL's protoc-gen-validate rules for the requests keygate serves, keyed by message and field
 * (proto names). Enum fields everywhere must hold a defined value, and a oneof named here must be set;
 * both are checked without being listed per field.
 */
export interface FieldRule {
  minLen?: number;
  maxLen?: number;
  notIn?: number[];
}

const id: FieldRule = { minLen: 1, maxLen: 200 };
const name: FieldRule = { minLen: 1, maxLen: 200 };
const queryText: FieldRule = { maxLen: 200 };

export const FIELD_RULES: Readonly<Record<string, Readonly<Record<string, FieldRule>>>> = {
  "zitadel.management.v1.AddOrgRequest": { name },
  "zitadel.management.v1.GetProjectByIDRequest": { id },
  "zitadel.management.v1.AddProjectRequest": { name },
  "zitadel.management.v1.UpdateProjectRequest": { id, name },
  "zitadel.management.v1.DeactivateProjectRequest": { id },
  "zitadel.management.v1.ReactivateProjectRequest": { id },
  "zitadel.management.v1.RemoveProjectRequest": { id },
  "zitadel.management.v1.ListProjectRolesRequest": { project_id: id },
  "zitadel.management.v1.AddProjectRoleRequest": { project_id: id, role_key: id, display_name: name, group: queryText },
  "zitadel.management.v1.BulkAddProjectRolesRequest": { project_id: id },
  "zitadel.management.v1.BulkAddProjectRolesRequest.Role": { key: id, display_name: name, group: queryText },
  "zitadel.management.v1.UpdateProjectRoleRequest": { project_id: id, role_key: id, display_name: name, group: queryText },
  "zitadel.management.v1.RemoveProjectRoleRequest": { project_id: id, role_key: id },
  "zitadel.management.v1.GetAppByIDRequest": { project_id: id, app_id: id },
  "zitadel.management.v1.ListAppsRequest": { project_id: id },
  "zitadel.management.v1.ListAppChangesRequest": { project_id: id, app_id: id },
  "zitadel.management.v1.AddAPIAppRequest": { project_id: id, name },
  "zitadel.management.v1.UpdateAppRequest": { project_id: id, app_id: id, name },
  "zitadel.management.v1.UpdateAPIAppConfigRequest": { project_id: id, app_id: id },
  "zitadel.management.v1.DeactivateAppRequest": { project_id: id, app_id: id },
  "zitadel.management.v1.ReactivateAppRequest": { project_id: id, app_id: id },
  "zitadel.management.v1.RemoveAppRequest": { project_id: id, app_id: id },
  "zitadel.management.v1.RegenerateAPIClientSecretRequest": { project_id: id, app_id: id },
  "zitadel.management.v1.GetAppKeyRequest": { project_id: id, app_id: id, key_id: id },
  "zitadel.management.v1.ListAppKeysRequest": { project_id: id, app_id: id },
  "zitadel.management.v1.AddAppKeyRequest": { project_id: id, app_id: id, type: { notIn: [0] } },
  "zitadel.management.v1.RemoveAppKeyRequest": { project_id: id, app_id: id, key_id: id },
  "zitadel.management.v1.GetUserByIDRequest": { id },
  "zitadel.management.v1.AddMachineUserRequest": { user_name: name, name, description: { maxLen: 500 }, user_id: id },
  "zitadel.management.v1.DeactivateUserRequest": { id },
  "zitadel.management.v1.ReactivateUserRequest": { id },
  "zitadel.management.v1.RemoveUserRequest": { id },
  "zitadel.management.v1.ListPersonalAccessTokensRequest": { user_id: id },
  "zitadel.management.v1.AddPersonalAccessTokenRequest": { user_id: { minLen: 1 } },
  "zitadel.management.v1.RemovePersonalAccessTokenRequest": { user_id: id, token_id: id },
  "zitadel.management.v1.UpdateMachineRequest": { user_id: id, description: { maxLen: 500 }, name },
  "zitadel.management.v1.GenerateMachineSecretRequest": { user_id: { minLen: 1 } },
  "zitadel.management.v1.RemoveMachineSecretRequest": { user_id: id },
  "zitadel.management.v1.GetMachineKeyByIDsRequest": { user_id: id, key_id: id },
  "zitadel.management.v1.ListMachineKeysRequest": { user_id: id },
  "zitadel.management.v1.AddMachineKeyRequest": { user_id: { minLen: 1 }, type: { notIn: [0] } },
  "zitadel.management.v1.RemoveMachineKeyRequest": { user_id: id, key_id: id },
  "zitadel.management.v1.ListUserMembershipsRequest": { user_id: id },
  "zitadel.management.v1.AddOrgMemberRequest": { user_id: id },
  "zitadel.management.v1.UpdateOrgMemberRequest": { user_id: id },
  "zitadel.management.v1.RemoveOrgMemberRequest": { user_id: id },
  "zitadel.management.v1.ListProjectMembersRequest": { project_id: id },
  "zitadel.management.v1.AddProjectMemberRequest": { project_id: id, user_id: id },
  "zitadel.management.v1.UpdateProjectMemberRequest": { project_id: id, user_id: id },
  "zitadel.management.v1.RemoveProjectMemberRequest": { project_id: id, user_id: id },
  "zitadel.user.v1.UserNameQuery": { user_name: queryText },
  "zitadel.app.v1.AppNameQuery": { name: queryText },
  "zitadel.project.v1.ProjectNameQuery": { name: queryText },
  "zitadel.project.v1.ProjectResourceOwnerQuery": { resource_owner: queryText },
  "zitadel.project.v1.RoleKeyQuery": { key: queryText },
  "zitadel.project.v1.RoleDisplayNameQuery": { display_name: queryText },
  ...APP_FIELD_RULES_V2,
  ...PROJECT_FIELD_RULES_V2,
  ...KEYGATE_FIELD_RULES_V1,
};

/** Oneofs that must be set, as `(validate.required) = true` in ZITADEL's protos. */
export const REQUIRED_ONEOFS: ReadonlySet<string> = new Set([
  "zitadel.app.v1.AppQuery.query",
  "zitadel.project.v1.ProjectQuery.query",
  "zitadel.project.v1.RoleQuery.query",
  "zitadel.user.v1.SearchQuery.query",
  "zitadel.user.v1.MembershipQuery.query",
  "zitadel.member.v1.SearchQuery.query",
  ...APP_REQUIRED_ONEOFS_V2,
  ...PROJECT_REQUIRED_ONEOFS_V2,
]);
