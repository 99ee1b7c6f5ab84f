/**
 * Roles and the permissions they grant, as ZITADEL's defaults (InternalAuthZ.RolePermissionMappings),
 * restricted to the permissions of the RPCs keygate serves. Note that ORG_OWNER lacks
 * `project.app.delete`: in ZITADEL an org owner cannot remove apps.
 */
export const IAM_OWNER = "IAM_OWNER";
export const ORG_OWNER = "ORG_OWNER";
export const PROJECT_OWNER = "PROJECT_OWNER";

const ORG_READ = ["org.read", "org.member.read"];
const USER_READ = ["user.read", "user.membership.read"];
const USER_WRITE = [...USER_READ, "user.write", "user.delete"];
const PROJECT_READ = ["project.read", "project.member.read", "project.role.read", "project.app.read"];
const PROJECT_WRITE = [
  ...PROJECT_READ,
  "project.write",
  "project.delete",
  "project.member.write",
  "project.member.delete",
  "project.role.write",
  "project.role.delete",
  "project.app.write",
];
const ALL = [...ORG_READ, "org.create", "org.write", "org.member.write", "org.member.delete", ...USER_WRITE, ...PROJECT_WRITE, "project.create", "project.app.delete"];

export type RoleScope = "instance" | "org" | "project";

export interface RoleDefinition {
  scope: RoleScope;
  permissions: readonly string[];
}

export const ROLES: Readonly<Record<string, RoleDefinition>> = {
  IAM_OWNER: { scope: "instance", permissions: ALL },
  IAM_OWNER_VIEWER: { scope: "instance", permissions: [...ORG_READ, ...USER_READ, ...PROJECT_READ] },
  IAM_ORG_MANAGER: { scope: "instance", permissions: ALL },
  IAM_USER_MANAGER: { scope: "instance", permissions: ["org.read", ...USER_WRITE] },
  IAM_LOGIN_CLIENT: { scope: "instance", permissions: ["org.read", ...USER_READ, ...PROJECT_READ] },
  ORG_OWNER: {
    scope: "org",
    permissions: [
      ...ORG_READ,
      "org.write",
      "org.member.write",
      "org.member.delete",
      ...USER_WRITE,
      ...PROJECT_READ,
      "project.create",
      "project.write",
      "project.delete",
      "project.member.write",
      "project.member.delete",
      "project.role.write",
      "project.role.delete",
      "project.app.write",
    ],
  },
  ORG_OWNER_VIEWER: { scope: "org", permissions: [...ORG_READ, ...USER_READ, ...PROJECT_READ] },
  ORG_USER_MANAGER: { scope: "org", permissions: ["org.read", ...USER_WRITE] },
  ORG_PROJECT_CREATOR: { scope: "org", permissions: ["project.create"] },
  PROJECT_OWNER_GLOBAL: { scope: "org", permissions: [...PROJECT_WRITE, "project.app.delete"] },
  PROJECT_OWNER_VIEWER_GLOBAL: { scope: "org", permissions: PROJECT_READ },
  PROJECT_OWNER: { scope: "project", permissions: [...PROJECT_WRITE, "project.app.delete"] },
  PROJECT_OWNER_VIEWER: { scope: "project", permissions: PROJECT_READ },
};

/** Whether any of `roles` grants `permission` (unknown roles grant nothing); checked on every call, so nothing is built. */
export function rolesGrant(roles: readonly string[], permission: string): boolean {
  return roles.some((role) => ROLES[role]?.permissions.includes(permission) ?? false);
}

export function rolesOfScope(scope: RoleScope): string[] {
  return Object.entries(ROLES)
    .filter(([, definition]) => definition.scope === scope)
    .map(([role]) => role);
}
