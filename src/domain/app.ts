import { decide, type Decision } from "./decision.js";
import { failedPrecondition, invalidArgument, notFound } from "./errors.js";
import { event } from "./events.js";
import type { LifecycleState, ProjectState } from "./project.js";
import { claimAppName, releaseAppName } from "./unique-constraints.js";

/** How an API app authenticates; the numbers are ZITADEL's, as stored in events. */
export enum ApiAuthMethod {
  Basic = 0,
  PrivateKeyJwt = 1,
}

/** What app commands need to know of an API app (removed apps do not exist). */
export interface AppState {
  id: string;
  projectId: string;
  name: string;
  state: LifecycleState;
  clientId: string;
  authMethod: ApiAuthMethod;
}

export interface NewApiApp {
  appId: string;
  clientId: string;
  name: string;
  authMethod: ApiAuthMethod;
  /** Only for BASIC apps: the hash of the secret generated for it. */
  hashedSecret?: string;
}

/** An inactive project still takes new apps, as in ZITADEL; a missing one is a precondition failure. */
export function addApiApp(project: ProjectState | undefined, app: NewApiApp): Decision {
  if (!project) throw failedPrecondition("COMMAND-EbFMN", "Project not found");
  if (app.name === "") throw invalidArgument("PROJECT-Bff2g", "Application invalid");
  const config = {
    appId: app.appId,
    clientId: app.clientId,
    ...(app.hashedSecret === undefined ? {} : { hashedSecret: app.hashedSecret }),
    ...(app.authMethod === ApiAuthMethod.Basic ? {} : { authMethodType: app.authMethod }),
  };
  return decide(
    [
      event("project", project.id, "project.application.added", { appId: app.appId, name: app.name }),
      event("project", project.id, "project.application.config.api.added", config),
    ],
    [claimAppName(project.id, app.name)],
  );
}

/** The "same name" check is exact (case-sensitive), as ZITADEL's; uniqueness is not. */
export function renameApp(app: AppState | undefined, name: string): Decision {
  if (name === "") throw invalidArgument("COMMAND-4m9vS", "Application invalid");
  const current = requireApp(app, "COMMAND-28di9");
  if (current.name === name) throw failedPrecondition("COMMAND-2m8vx", "No changes");
  return decide(
    [event("project", current.projectId, "project.application.changed", { appId: current.id, name })],
    [releaseAppName(current.projectId, current.name), claimAppName(current.projectId, name)],
  );
}

/** Switching to BASIC creates no secret, and switching away keeps the stored hash, as in ZITADEL. */
export function changeApiAuthMethod(app: AppState | undefined, authMethod: ApiAuthMethod): Decision {
  const current = requireApp(app, "COMMAND-2n8uU");
  if (current.authMethod === authMethod) throw failedPrecondition("COMMAND-1m88i", "No changes");
  return decide([
    event("project", current.projectId, "project.application.config.api.changed", { appId: current.id, authMethodType: authMethod }),
  ]);
}

/** Works on JWT and inactive apps too, as ZITADEL's. */
export function changeApiSecret(app: AppState | undefined, hashedSecret: string): Decision {
  const current = requireApp(app, "COMMAND-2g66f");
  return decide([event("project", current.projectId, "project.application.config.api.secret.changed", { appId: current.id, hashedSecret })]);
}

export function deactivateApp(app: AppState | undefined): Decision {
  const current = requireApp(app, "COMMAND-ov9d3");
  if (current.state !== "active") throw failedPrecondition("COMMAND-dsh35", "Application is not active");
  return decide([event("project", current.projectId, "project.application.deactivated", { appId: current.id })]);
}

export function reactivateApp(app: AppState | undefined): Decision {
  const current = requireApp(app, "COMMAND-ov9d3");
  if (current.state !== "inactive") throw failedPrecondition("COMMAND-1n8cM", "Application is not inactive");
  return decide([event("project", current.projectId, "project.application.reactivated", { appId: current.id })]);
}

export function removeApp(app: AppState | undefined): Decision {
  const current = requireApp(app, "COMMAND-0po9s");
  return decide(
    [event("project", current.projectId, "project.application.removed", { appId: current.id })],
    [releaseAppName(current.projectId, current.name)],
  );
}

function requireApp(app: AppState | undefined, errorId: string): AppState {
  if (!app) throw notFound(errorId, "Application doesn't exist");
  return app;
}
