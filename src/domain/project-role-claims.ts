/** ZITADEL's claim of the roles a token's subject holds in the project(s) of its audience. */
export const ROLES_CLAIM = "urn:zitadel:iam:org:project:roles";
/** The same, named for one project (ZITADEL asserts both). */
export const projectRolesClaim = (projectId: string) => `urn:zitadel:iam:org:project:${projectId}:roles`;

/** Where a role is held: ZITADEL keys each role by the granting org's id, valued with its primary domain. */
export interface RoleGrantor {
  orgId: string;
  primaryDomain: string;
}

/**
 * The role claims in ZITADEL's shape, `{"<role>": {"<orgId>": "<org primary domain>"}}`, under
 * both claim names; none at all when no role is held (ZITADEL leaves the claims out then).
 */
export function roleClaims(projectId: string, roleKeys: readonly string[], grantor: RoleGrantor): Record<string, Record<string, Record<string, string>>> {
  if (roleKeys.length === 0) return {};
  const roles = Object.fromEntries(roleKeys.map((key) => [key, { [grantor.orgId]: grantor.primaryDomain }]));
  return { [ROLES_CLAIM]: roles, [projectRolesClaim(projectId)]: roles };
}
