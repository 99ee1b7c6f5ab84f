import { notFound, permissionDenied } from "./errors.js";
import { rolesGrant } from "./roles.js";

/** A membership of the caller that counts in the org context. */
export interface Membership {
  scope: "instance" | "org" | "project";
  /** The project id for project memberships. */
  objectId: string;
  roles: readonly string[];
}

/** A membership anywhere in the instance, with the org it counts in ("" for instance memberships). */
export interface OrgMembership extends Membership {
  orgId: string;
}

/** What a method requires: a permission, and where project roles may grant it, the request's project id. */
export interface Requirement {
  permission: string;
  /** Set when a project membership may grant the permission for this project id. */
  projectId?: string;
}

/**
 * ZITADEL's interceptor check: no membership in the org context at all is NotFound; instance and org
 * memberships grant their permissions everywhere in the org; project memberships only on their project.
 * Returns the projects the caller may act on, or "all".
 */
export function authorize(memberships: readonly Membership[], requirement: Requirement): "all" | string[] {
  if (memberships.length === 0) throw notFound("AUTHZ-cdgFk", "membership not found");
  if (memberships.some((m) => m.scope !== "project" && rolesGrant(m.roles, requirement.permission))) return "all";
  const projects = memberships.filter((m) => m.scope === "project" && rolesGrant(m.roles, requirement.permission)).map((m) => m.objectId);
  if (projects.length === 0) throw permissionDenied("AUTH-5mWD2", "No matching permissions found");
  if (requirement.projectId !== undefined && !projects.includes(requirement.projectId)) {
    throw permissionDenied("AUTH-3jknH", "No matching permissions found");
  }
  return projects;
}

/** What a caller may list across the instance: everything, or the objects of some orgs and some projects. */
export type ReadScope = "all" | { orgIds: string[]; projectIds: string[] };

/**
 * The read scope `permission` gives across the instance: instance roles reach every org, org roles
 * their org, project roles their project. No membership granting it gives an empty scope (a list
 * answers nothing, as ZITADEL's, rather than an error).
 */
export function readScope(memberships: readonly OrgMembership[], permission: string): ReadScope {
  const granting = memberships.filter((m) => rolesGrant(m.roles, permission));
  if (granting.some((m) => m.scope === "instance")) return "all";
  return {
    orgIds: granting.filter((m) => m.scope === "org").map((m) => m.orgId),
    projectIds: granting.filter((m) => m.scope === "project").map((m) => m.objectId),
  };
}
