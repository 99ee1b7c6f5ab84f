import type { NewSecret } from "./app-secret.js";
import { decide, type Decision } from "./decision.js";
import { alreadyExists, failedPrecondition, invalidArgument, notFound, UNIQUE_CONSTRAINT_ERROR_ID } from "./errors.js";
import { event } from "./events.js";
import type { LifecycleState, ProjectState } from "./project.js";
import { checkMetadataChange, namesAnything, type AppMetadataChange } from "./object-metadata.js";
import { claimAppId, claimAppName, releaseAppName } from "./unique-constraints.js";

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
  /** Whether the caller chose `appId` (v2's application_id) rather than keygate generating it. */
  chosenId?: boolean;
  clientId: string;
  name: string;
  authMethod: ApiAuthMethod;
  /** Only for BASIC apps: the secret generated for it (its hash and last four characters). */
  secret?: NewSecret;
  /** keygate.v1's metadata, set with the app (nothing of it is written if any field is refused). */
  metadata?: AppMetadataChange;
}

/**
 * An inactive project still takes new apps, as in ZITADEL; a missing one is a precondition failure.
 * An id the caller chose must not be any app's in the instance (`idTaken`), nor be claimed by a
 * concurrent create: a retried create answers AlreadyExists and never makes a second app.
 */
export function addApiApp(project: ProjectState | undefined, app: NewApiApp, idTaken = false): Decision {
  if (!project) throw failedPrecondition("COMMAND-EbFMN", "Project not found");
  if (app.name === "") throw invalidArgument("PROJECT-Bff2g", "Application invalid");
  if (idTaken) throw appIdTaken();
  if (app.metadata) checkMetadataChange(app.metadata);
  const config = {
    appId: app.appId,
    clientId: app.clientId,
    ...(app.secret === undefined ? {} : { hashedSecret: app.secret.hash, lastFour: app.secret.lastFour }),
    ...(app.authMethod === ApiAuthMethod.Basic ? {} : { authMethodType: app.authMethod }),
  };
  return decide(
    [
      event("project", project.id, "project.application.added", { appId: app.appId, name: app.name }),
      event("project", project.id, "project.application.config.api.added", config),
      ...(app.metadata && namesAnything(app.metadata) ? [metadataSet(project.id, app.appId, app.metadata)] : []),
    ],
    app.chosenId ? [claimAppId(app.appId), claimAppName(project.id, app.name)] : [claimAppName(project.id, app.name)],
  );
}

export const appIdTaken = () => alreadyExists(UNIQUE_CONSTRAINT_ERROR_ID, "Application already exists");

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

/**
 * v2's update: the name and the auth method, each only if given and different from what the app
 * has, in one command. Nothing to change decides no events (v2 then answers the last change date).
 */
export function updateApiApp(app: AppState | undefined, change: { name?: string; authMethod?: ApiAuthMethod }): Decision {
  const current = requireApp(app, "COMMAND-28di9");
  const renamed = change.name !== undefined && change.name !== current.name ? change.name : undefined;
  const authMethod = change.authMethod !== undefined && change.authMethod !== current.authMethod ? change.authMethod : undefined;
  return decide(
    [
      ...(renamed === undefined ? [] : [event("project", current.projectId, "project.application.changed", { appId: current.id, name: renamed })]),
      ...(authMethod === undefined
        ? []
        : [event("project", current.projectId, "project.application.config.api.changed", { appId: current.id, authMethodType: authMethod })]),
    ],
    renamed === undefined ? [] : [releaseAppName(current.projectId, current.name), claimAppName(current.projectId, renamed)],
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

/** Works on JWT and inactive apps too, as ZITADEL's; the new secret replaces all the app's secrets (see app-secret.ts). */
export function changeApiSecret(app: AppState | undefined, secret: NewSecret): Decision {
  const current = requireApp(app, "COMMAND-2g66f");
  return decide([
    event("project", current.projectId, "project.application.config.api.secret.changed", { appId: current.id, hashedSecret: secret.hash, lastFour: secret.lastFour }),
  ]);
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

const metadataSet = (projectId: string, appId: string, change: AppMetadataChange) =>
  event("project", projectId, "project.application.keygate.metadata.set", { appId, ...change });

/** keygate.v1's update: the fields named replace the app's; naming none decides no event. */
export function describeApp(app: AppState | undefined, change: AppMetadataChange): Decision {
  const current = requireApp(app, "COMMAND-kgD4a");
  checkMetadataChange(change);
  return decide(namesAnything(change) ? [metadataSet(current.projectId, current.id, change)] : []);
}

function requireApp(app: AppState | undefined, errorId: string): AppState {
  if (!app) throw notFound(errorId, "Application doesn't exist");
  return app;
}
