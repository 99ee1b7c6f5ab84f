import * as access from "../../domain/app-access.js";
import type { AppAccessState, ClientCredentialsSetting } from "../../domain/app-access.js";
import type { Decision } from "../../domain/decision.js";
import type { Actor } from "../event-store.js";
import { loadAppAccess, loadProjectRoleKeys, type Scope } from "../write-models.js";
import { detailsOf, type CommandDeps } from "./command-deps.js";

/**
 * Roles and the client credentials setting of an API app. Each runs under the project's lock, the
 * same one a project role's removal takes, so a role is never assigned beside its removal.
 */
export const addAppRoles = (deps: CommandDeps, actor: Actor, projectId: string, appId: string, roleKeys: readonly string[]) =>
  onAppAccess(deps, actor, projectId, appId, async (scope, state) => access.addAppRoles(state, await loadProjectRoleKeys(scope, projectId), roleKeys));

export const removeAppRole = (deps: CommandDeps, actor: Actor, projectId: string, appId: string, roleKey: string) =>
  onAppAccess(deps, actor, projectId, appId, async (_scope, state) => access.removeAppRole(state, roleKey));

export const setAppClientCredentials = (deps: CommandDeps, actor: Actor, projectId: string, appId: string, setting: ClientCredentialsSetting) =>
  onAppAccess(deps, actor, projectId, appId, async (_scope, state) => access.setAppClientCredentials(state, setting));

async function onAppAccess(
  deps: CommandDeps,
  actor: Actor,
  projectId: string,
  appId: string,
  decide: (scope: Scope, state: AppAccessState | undefined) => Promise<Decision>,
) {
  const events = await deps.store.execute(actor, { type: "project", id: projectId }, async (tx) => {
    const scope = { tx, instanceId: actor.instanceId, orgId: actor.orgId };
    return decide(scope, await loadAppAccess(scope, projectId, appId));
  });
  return detailsOf(events);
}
