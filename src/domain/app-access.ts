import type { AppState } from "./app.js";
import { decide, type Decision } from "./decision.js";
import { alreadyExists, failedPrecondition, invalidArgument, notFound } from "./errors.js";
import { event, type PendingEvent } from "./events.js";
import { AccessTokenType } from "./user.js";

/**
 * What an API app may do on its own (keygate's extension, issue 15 item 3): the project roles it
 * holds and whether it may obtain tokens with the client credentials grant (`clientCredentials`,
 * off until turned on). Both live in the project aggregate with the app, so a command on them and
 * one on the project's roles queue behind the same lock.
 */
export interface AppAccessState {
  app: AppState;
  /** The keys of the project roles the app holds, in the order they were assigned. */
  roleKeys: readonly string[];
  clientCredentials: boolean;
  /** The kind of token the grant issues it: opaque (bearer) or a JWT, as a service user's accessTokenType. */
  accessTokenType: AccessTokenType;
}

/** The client credentials setting as a request sets it. */
export interface ClientCredentialsSetting {
  enabled: boolean;
  accessTokenType: AccessTokenType;
}

/** At most this many keys in one assignment (a project's roles are what an app can hold). */
export const MAX_ROLE_KEYS_PER_CALL = 100;

/**
 * Assigns project roles to an app, all or none: every key must name a role of the app's project
 * (`projectRoleKeys`, the project's roles as they are under the project's lock), appear once in
 * the request and not be held already.
 */
export function addAppRoles(access: AppAccessState | undefined, projectRoleKeys: ReadonlySet<string>, keys: readonly string[]): Decision {
  const current = requireAccess(access);
  if (keys.length === 0) throw invalidArgument("APPACCESS-r01", "role_keys: at least one role key is required");
  if (keys.length > MAX_ROLE_KEYS_PER_CALL) throw invalidArgument("APPACCESS-r02", `role_keys: at most ${MAX_ROLE_KEYS_PER_CALL} keys at once`);
  const held = new Set(current.roleKeys);
  keys.forEach((key, index) => {
    if (key === "") throw invalidArgument("APPACCESS-r03", `role_keys[${index}]: a role key must not be empty`);
    if (keys.indexOf(key) !== index) throw invalidArgument("APPACCESS-r04", `role_keys[${index}]: ${JSON.stringify(key)} is given twice`);
    if (!projectRoleKeys.has(key)) throw failedPrecondition("APPACCESS-r05", `role_keys[${index}]: ${JSON.stringify(key)} is not a role of the app's project`);
    if (held.has(key)) throw alreadyExists("APPACCESS-r06", `role_keys[${index}]: the app holds ${JSON.stringify(key)} already`);
  });
  return decide(keys.map((roleKey) => roleEvent("keygate.app.role.added", current.app, roleKey)));
}

/** Takes one role away from an app; a role it does not hold is NotFound. */
export function removeAppRole(access: AppAccessState | undefined, roleKey: string): Decision {
  const current = requireAccess(access);
  if (roleKey === "") throw invalidArgument("APPACCESS-r07", "role_key: must not be empty");
  if (!current.roleKeys.includes(roleKey)) throw notFound("APPACCESS-r08", `role_key: the app does not hold ${JSON.stringify(roleKey)}`);
  return decide([roleEvent("keygate.app.role.removed", current.app, roleKey)]);
}

/**
 * Turns the client credentials grant on or off and chooses its token type; setting what is set
 * already is FailedPrecondition, as ZITADEL's "No changes". The payload leaves out the bearer type
 * (zero), as ZITADEL's payloads leave out zero values.
 */
export function setAppClientCredentials(access: AppAccessState | undefined, setting: ClientCredentialsSetting): Decision {
  const current = requireAccess(access);
  if (current.clientCredentials === setting.enabled && current.accessTokenType === setting.accessTokenType) {
    throw failedPrecondition("APPACCESS-c01", "client_credentials: no changes");
  }
  return decide([
    event("project", current.app.projectId, "keygate.app.client_credentials.set", {
      appId: current.app.id,
      enabled: setting.enabled,
      ...(setting.accessTokenType === AccessTokenType.Bearer ? {} : { accessTokenType: setting.accessTokenType }),
    }),
  ]);
}

/**
 * The events that take a project role away from the apps holding it, decided with the role's
 * removal under the project's lock, so that no app keeps (or gains) a role the project lost.
 */
export function appRolesOfRemovedProjectRole(projectId: string, roleKey: string, holders: readonly string[]): PendingEvent[] {
  return holders.map((appId) => event("project", projectId, "keygate.app.role.removed", { appId, roleKey }));
}

function roleEvent(type: "keygate.app.role.added" | "keygate.app.role.removed", app: AppState, roleKey: string): PendingEvent {
  return event("project", app.projectId, type, { appId: app.id, roleKey });
}

function requireAccess(access: AppAccessState | undefined): AppAccessState {
  if (!access) throw notFound("COMMAND-2n8uU", "Application doesn't exist");
  return access;
}
