/**
 * The permission each ManagementService method requires, as ZITADEL's `zitadel.v1.auth_option`
 * (also noted on each RPC in proto/zitadel/management.proto; a test keeps both in step).
 * `checkField` names the request field holding the project id that project roles may act on.
 */
export interface MethodPermission {
  readonly permission: string;
  readonly checkField?: "projectId" | "id";
}

/** "none": no token needed. */
export const METHOD_PERMISSIONS: Readonly<Record<string, MethodPermission | "none">> = {
  Healthz: "none",
  GetUserByID: { permission: "user.read" },
  ListUsers: { permission: "user.read" },
  AddMachineUser: { permission: "user.write" },
  DeactivateUser: { permission: "user.write" },
  ReactivateUser: { permission: "user.write" },
  RemoveUser: { permission: "user.delete" },
  ListPersonalAccessTokens: { permission: "user.read" },
  AddPersonalAccessToken: { permission: "user.write" },
  RemovePersonalAccessToken: { permission: "user.write" },
  UpdateMachine: { permission: "user.write" },
  GenerateMachineSecret: { permission: "user.write" },
  RemoveMachineSecret: { permission: "user.write" },
  GetMachineKeyByIDs: { permission: "user.read" },
  ListMachineKeys: { permission: "user.read" },
  AddMachineKey: { permission: "user.write" },
  RemoveMachineKey: { permission: "user.write" },
  ListUserMemberships: { permission: "user.membership.read" },
  GetMyOrg: { permission: "org.read" },
  AddOrg: { permission: "org.create" },
  ListOrgMemberRoles: { permission: "org.member.read" },
  ListOrgMembers: { permission: "org.member.read" },
  AddOrgMember: { permission: "org.member.write" },
  UpdateOrgMember: { permission: "org.member.write" },
  RemoveOrgMember: { permission: "org.member.delete" },
  GetProjectByID: { permission: "project.read", checkField: "id" },
  ListProjects: { permission: "project.read" },
  AddProject: { permission: "project.create" },
  UpdateProject: { permission: "project.write", checkField: "id" },
  DeactivateProject: { permission: "project.write", checkField: "id" },
  ReactivateProject: { permission: "project.write", checkField: "id" },
  RemoveProject: { permission: "project.delete", checkField: "id" },
  ListProjectMemberRoles: { permission: "project.member.read" },
  ListProjectMembers: { permission: "project.member.read", checkField: "projectId" },
  AddProjectMember: { permission: "project.member.write", checkField: "projectId" },
  UpdateProjectMember: { permission: "project.member.write", checkField: "projectId" },
  RemoveProjectMember: { permission: "project.member.delete", checkField: "projectId" },
  ListProjectRoles: { permission: "project.role.read", checkField: "projectId" },
  AddProjectRole: { permission: "project.role.write", checkField: "projectId" },
  BulkAddProjectRoles: { permission: "project.role.write", checkField: "projectId" },
  UpdateProjectRole: { permission: "project.role.write", checkField: "projectId" },
  RemoveProjectRole: { permission: "project.role.delete", checkField: "projectId" },
  GetAppByID: { permission: "project.app.read", checkField: "projectId" },
  ListApps: { permission: "project.app.read", checkField: "projectId" },
  ListAppChanges: { permission: "project.app.read", checkField: "projectId" },
  AddAPIApp: { permission: "project.app.write", checkField: "projectId" },
  UpdateApp: { permission: "project.app.write", checkField: "projectId" },
  UpdateAPIAppConfig: { permission: "project.app.write", checkField: "projectId" },
  DeactivateApp: { permission: "project.app.write", checkField: "projectId" },
  ReactivateApp: { permission: "project.app.write", checkField: "projectId" },
  RemoveApp: { permission: "project.app.delete", checkField: "projectId" },
  RegenerateAPIClientSecret: { permission: "project.app.write", checkField: "projectId" },
  GetAppKey: { permission: "project.app.read", checkField: "projectId" },
  ListAppKeys: { permission: "project.app.read", checkField: "projectId" },
  AddAppKey: { permission: "project.app.write", checkField: "projectId" },
  RemoveAppKey: { permission: "project.app.write", checkField: "projectId" },
};
