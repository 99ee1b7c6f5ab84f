import { appRolesOfRemovedProjectRole } from "./app-access.js";
import { decide, type Decision } from "./decision.js";
import { failedPrecondition, invalidArgument, notFound } from "./errors.js";
import { event } from "./events.js";
import type { ProjectState } from "./project.js";
import { claimProjectRole, releaseProjectRole } from "./unique-constraints.js";

/**
 * A role of a project (an entity inside the project aggregate, as in ZITADEL): a key unique in its
 * project (case-insensitively, as ZITADEL's unique constraint), a display name and a group. Roles are
 * found by their exact key, as ZITADEL's write model finds them.
 */
export interface ProjectRoleState {
  key: string;
  displayName: string;
  group: string;
}

/** What changes on an update: v1 sends both fields, v2 only those it sets. */
export interface ProjectRoleChanges {
  displayName?: string;
  group?: string;
}

/** A role may only be added to a project that exists; all roles land together or none does. */
export function addProjectRoles(project: ProjectState | undefined, roles: readonly ProjectRoleState[]): Decision {
  const current = requireProject(project);
  if (roles.some((role) => role.key === "")) throw invalidArgument("COMMAND-4m9vS", "Role is invalid");
  return decide(
    roles.map((role) =>
      event("project", current.id, "project.role.added", {
        key: role.key,
        ...(role.displayName === "" ? {} : { displayName: role.displayName }),
        ...(role.group === "" ? {} : { group: role.group }),
      }),
    ),
    roles.map((role) => claimProjectRole(current.id, role.key)),
  );
}

/** Only the fields that differ are carried; a change that changes nothing is FailedPrecondition, as ZITADEL's. */
export function changeProjectRole(project: ProjectState | undefined, role: ProjectRoleState | undefined, key: string, changes: ProjectRoleChanges): Decision {
  if (key === "") throw invalidArgument("COMMAND-2ilfW", "Project is invalid");
  const current = requireProject(project);
  const existing = requireRole(role, "COMMAND-vv8M9");
  const changed: ProjectRoleChanges = {};
  if (changes.displayName !== undefined && changes.displayName !== existing.displayName) changed.displayName = changes.displayName;
  if (changes.group !== undefined && changes.group !== existing.group) changed.group = changes.group;
  if (Object.keys(changed).length === 0) throw failedPrecondition("COMMAND-5M0cs", "No changes");
  return decide([event("project", current.id, "project.role.changed", { key: existing.key, ...changed })]);
}

/**
 * Like ZITADEL, removal asks only whether the role exists (a removed project has none). The apps
 * that hold the role (`holders`, read under the project's lock) lose it in the same command, each
 * by an event of its own, as ZITADEL cascades a removed role to the grants that held it.
 */
export function removeProjectRole(projectId: string, role: ProjectRoleState | undefined, holders: readonly string[]): Decision {
  const existing = requireRole(role, "COMMAND-m9vMf");
  return decide(
    [event("project", projectId, "project.role.removed", { key: existing.key }), ...appRolesOfRemovedProjectRole(projectId, existing.key, holders)],
    [releaseProjectRole(projectId, existing.key)],
  );
}

function requireProject(project: ProjectState | undefined): ProjectState {
  if (!project) throw failedPrecondition("COMMAND-EbFMN", "Project not found");
  return project;
}

function requireRole(role: ProjectRoleState | undefined, errorId: string): ProjectRoleState {
  if (!role) throw notFound(errorId, "Role doesn't exist");
  return role;
}
