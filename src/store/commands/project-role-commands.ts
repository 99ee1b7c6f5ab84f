import * as role from "../../domain/project-role.js";
import type { ProjectRoleChanges, ProjectRoleState } from "../../domain/project-role.js";
import type { Actor } from "../event-store.js";
import { loadProject, loadProjectRole, loadRoleHolders, type ProjectSnapshot, type Scope } from "../write-models.js";
import { detailsOf, type CommandDeps, type WriteDetails } from "./command-deps.js";

const scopeOf = (tx: Scope["tx"], actor: Actor): Scope => ({ tx, instanceId: actor.instanceId, orgId: actor.orgId });

/**
 * Adds roles to a project in one command: all land or none (a key taken in the project, or twice
 * in the list, fails the whole command). An empty list changes nothing and answers the project's
 * details as they are, as updateProject does for an update without changes.
 */
export async function addProjectRoles(deps: CommandDeps, actor: Actor, projectId: string, roles: readonly ProjectRoleState[]): Promise<WriteDetails> {
  let project: ProjectSnapshot | undefined;
  const events = await deps.store.execute(actor, { type: "project", id: projectId }, async (tx) => {
    project = await loadProject(scopeOf(tx, actor), projectId);
    return role.addProjectRoles(project, roles);
  });
  if (events.length > 0 || !project) return detailsOf(events);
  return { sequence: project.sequence, date: project.changeDate, resourceOwner: project.owner };
}

export const changeProjectRole = (deps: CommandDeps, actor: Actor, projectId: string, key: string, changes: ProjectRoleChanges) =>
  deps.store
    .execute(actor, { type: "project", id: projectId }, async (tx) => {
      const scope = scopeOf(tx, actor);
      const [project, existing] = await Promise.all([loadProject(scope, projectId), loadProjectRole(scope, projectId, key)]);
      return role.changeProjectRole(project, existing, key, changes);
    })
    .then(detailsOf);

/** The apps holding the role are read under the project's lock, the one their role assignments take too. */
export const removeProjectRole = (deps: CommandDeps, actor: Actor, projectId: string, key: string) =>
  deps.store
    .execute(actor, { type: "project", id: projectId }, async (tx) => {
      const scope = scopeOf(tx, actor);
      const [existing, holders] = await Promise.all([loadProjectRole(scope, projectId, key), loadRoleHolders(scope, projectId, key)]);
      return role.removeProjectRole(projectId, existing, holders);
    })
    .then(detailsOf);
