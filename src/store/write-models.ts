import type { Kysely } from "kysely";
import type { ClientCredential, CredentialState } from "../domain/access-token.js";
import type { AppKeyState } from "../domain/app-key.js";
import type { AppSecretsState } from "../domain/app-secret.js";
import type { AppAccessState } from "../domain/app-access.js";
import type { AppCredential, AppCredentialState } from "../domain/app-access-token.js";
import type { ApiAuthMethod, AppState } from "../domain/app.js";
import type { MemberState, MemberTarget } from "../domain/member.js";
import type { LifecycleState, ProjectState } from "../domain/project.js";
import type { AggregateType } from "../domain/events.js";
import type { ProjectRoleState } from "../domain/project-role.js";
import type { MachineKeyState } from "../domain/machine-key.js";
import type { AccessTokenType, MachineUserState, UserState } from "../domain/user.js";
import { precompile, rowsOf } from "./precompiled.js";
import { ACTIVE } from "./projections/row-metadata.js";
import { findAppRoleKeys } from "./queries/app-token-queries.js";
import { findProjectRow } from "./queries/project-queries.js";
import type { Database } from "./schema.js";

/**
 * The state commands decide on, read from the projections inside the command's transaction after
 * the aggregate is locked (projections move in the same transaction as the events, so they are
 * exact). Reading one row instead of replaying a project's history keeps writes flat in project
 * size. Everything is confined to the acting org: another org's objects do not exist here.
 */
export interface Scope {
  /** The command's transaction (or the database, for checks made before a command's transaction). */
  tx: Kysely<Database>;
  instanceId: string;
  orgId: string;
}

const lifecycle = (state: number): LifecycleState => (state === ACTIVE ? "active" : "inactive");

export interface ProjectSnapshot extends ProjectState {
  sequence: number;
  changeDate: Date;
}

export async function loadProject({ tx, instanceId, orgId }: Scope, projectId: string): Promise<ProjectSnapshot | undefined> {
  const row = await findProjectRow(tx, instanceId, orgId, projectId);
  if (!row) return undefined;
  return {
    id: row.id,
    owner: row.owner,
    name: row.name,
    state: lifecycle(row.state),
    settings: {
      projectRoleAssertion: row.project_role_assertion,
      projectRoleCheck: row.project_role_check,
      hasProjectCheck: row.has_project_check,
      privateLabelingSetting: row.private_labeling_setting,
    },
    sequence: row.sequence,
    changeDate: row.change_date,
  };
}

/** A role of a project of the org, by its exact key. */
export async function loadProjectRole({ tx, instanceId, orgId }: Scope, projectId: string, key: string): Promise<ProjectRoleState | undefined> {
  const row = await tx
    .selectFrom("project_roles")
    .select(["key", "display_name", "role_group"])
    .where("instance_id", "=", instanceId)
    .where("owner", "=", orgId)
    .where("project_id", "=", projectId)
    .where("key", "=", key)
    .executeTakeFirst();
  return row && { key: row.key, displayName: row.display_name, group: row.role_group };
}

export async function loadApiApp({ tx, instanceId, orgId }: Scope, projectId: string, appId: string): Promise<AppState | undefined> {
  const row = await tx
    .selectFrom("apps")
    .innerJoin("app_api_configs", (join) => join.onRef("app_api_configs.instance_id", "=", "apps.instance_id").onRef("app_api_configs.app_id", "=", "apps.id"))
    .select(["apps.id", "apps.project_id", "apps.name", "apps.state", "app_api_configs.client_id", "app_api_configs.auth_method"])
    .where("apps.instance_id", "=", instanceId)
    .where("apps.owner", "=", orgId)
    .where("apps.project_id", "=", projectId)
    .where("apps.id", "=", appId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    state: lifecycle(row.state),
    clientId: row.client_id,
    authMethod: row.auth_method as ApiAuthMethod,
  };
}

/** An API app with the ids of its secrets, expired ones included (AddAppSecret and RemoveAppSecret decide on them). */
export async function loadAppSecrets(scope: Scope, projectId: string, appId: string): Promise<AppSecretsState | undefined> {
  const [app, rows] = await Promise.all([
    loadApiApp(scope, projectId, appId),
    scope.tx.selectFrom("app_secrets").select("id").where("instance_id", "=", scope.instanceId).where("owner", "=", scope.orgId).where("app_id", "=", appId).execute(),
  ]);
  return app && { app, secretIds: rows.map((row) => row.id) };
}

/** An API app with the roles it holds and its client credentials setting. */
export async function loadAppAccess(scope: Scope, projectId: string, appId: string): Promise<AppAccessState | undefined> {
  const [app, config, roles] = await Promise.all([
    loadApiApp(scope, projectId, appId),
    scope.tx.selectFrom("app_api_configs").select(["client_credentials", "client_credentials_token_type"]).where("instance_id", "=", scope.instanceId).where("app_id", "=", appId).executeTakeFirst(),
    findAppRoleKeys(scope.tx, scope.instanceId, appId),
  ]);
  if (!app || !config) return undefined;
  return { app, roleKeys: roles, clientCredentials: config.client_credentials, accessTokenType: config.client_credentials_token_type as AccessTokenType };
}

/** The keys of a project's roles (exact), as an app's role assignment checks them. */
export async function loadProjectRoleKeys({ tx, instanceId, orgId }: Scope, projectId: string): Promise<Set<string>> {
  const rows = await tx.selectFrom("project_roles").select("key").where("instance_id", "=", instanceId).where("owner", "=", orgId).where("project_id", "=", projectId).execute();
  return new Set(rows.map((row) => row.key));
}

/** The apps of a project that hold the role with this exact key. */
export async function loadRoleHolders({ tx, instanceId }: Scope, projectId: string, roleKey: string): Promise<string[]> {
  const rows = await tx
    .selectFrom("app_roles")
    .select("app_id")
    .where("instance_id", "=", instanceId)
    .where("project_id", "=", projectId)
    .where("role_key", "=", roleKey)
    .orderBy("app_id")
    .execute();
  return rows.map((row) => row.app_id);
}

/** Whether an app with this id exists anywhere in the instance (not confined to the acting org). */
export async function appIdTaken({ tx, instanceId }: Scope, appId: string): Promise<boolean> {
  const row = await tx.selectFrom("apps").select("id").where("instance_id", "=", instanceId).where("id", "=", appId).executeTakeFirst();
  return row !== undefined;
}

export async function loadAppKey({ tx, instanceId, orgId }: Scope, projectId: string, appId: string, keyId: string): Promise<AppKeyState | undefined> {
  const row = await tx
    .selectFrom("app_keys")
    .select(["id", "project_id", "app_id"])
    .where("instance_id", "=", instanceId)
    .where("owner", "=", orgId)
    .where("project_id", "=", projectId)
    .where("app_id", "=", appId)
    .where("id", "=", keyId)
    .executeTakeFirst();
  return row && { id: row.id, projectId: row.project_id, appId: row.app_id };
}

/**
 * Whether an aggregate (a user, a project) with this id exists anywhere in the instance, removed ones
 * included: an id, once taken, is never given again (the check is deliberately not confined to the
 * acting org).
 */
export async function aggregateIdTaken({ tx, instanceId }: Scope, type: AggregateType, id: string): Promise<boolean> {
  const row = await tx
    .selectFrom("aggregates")
    .select("aggregate_id")
    .where("instance_id", "=", instanceId)
    .where("aggregate_type", "=", type)
    .where("aggregate_id", "=", id)
    .executeTakeFirst();
  return row !== undefined;
}

export async function loadUser({ tx, instanceId, orgId }: Scope, userId: string): Promise<UserState | undefined> {
  const row = await tx
    .selectFrom("users")
    .select(["id", "owner", "user_name", "state"])
    .where("instance_id", "=", instanceId)
    .where("owner", "=", orgId)
    .where("id", "=", userId)
    .executeTakeFirst();
  return row && { id: row.id, owner: row.owner, userName: row.user_name, state: lifecycle(row.state) };
}

/** A user with what its own commands (secret, update) decide on. */
export async function loadMachineUser({ tx, instanceId, orgId }: Scope, userId: string): Promise<MachineUserState | undefined> {
  const row = await tx
    .selectFrom("users")
    .select(["id", "owner", "user_name", "state", "name", "description", "access_token_type", "secret_hash"])
    .where("instance_id", "=", instanceId)
    .where("owner", "=", orgId)
    .where("id", "=", userId)
    .executeTakeFirst();
  return (
    row && {
      id: row.id,
      owner: row.owner,
      userName: row.user_name,
      state: lifecycle(row.state),
      name: row.name,
      description: row.description,
      accessTokenType: row.access_token_type as AccessTokenType,
      hasSecret: row.secret_hash !== null,
    }
  );
}

export async function loadMachineKey({ tx, instanceId, orgId }: Scope, userId: string, keyId: string): Promise<MachineKeyState | undefined> {
  const row = await tx
    .selectFrom("machine_keys")
    .select(["id", "user_id"])
    .where("instance_id", "=", instanceId)
    .where("owner", "=", orgId)
    .where("user_id", "=", userId)
    .where("id", "=", keyId)
    .executeTakeFirst();
  return row && { id: row.id, userId: row.user_id };
}

export async function loadPersonalAccessToken({ tx, instanceId, orgId }: Scope, userId: string, tokenId: string): Promise<{ id: string } | undefined> {
  return tx
    .selectFrom("personal_access_tokens")
    .select("id")
    .where("instance_id", "=", instanceId)
    .where("owner", "=", orgId)
    .where("user_id", "=", userId)
    .where("id", "=", tokenId)
    .executeTakeFirst();
}

export async function loadMember({ tx, instanceId }: Scope, target: MemberTarget, userId: string): Promise<MemberState | undefined> {
  const row = await tx
    .selectFrom("members")
    .select(["user_id", "roles"])
    .where("instance_id", "=", instanceId)
    .where("aggregate_type", "=", target.scope)
    .where("aggregate_id", "=", target.aggregateId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return row && { userId: row.user_id, roles: row.roles };
}

// Compiled once: every token issued reads them (see precompiled.ts).
const credentialUser = precompile((db, instanceId: string, userId: string) =>
  db.selectFrom("users").select(["state", "secret_hash"]).where("instance_id", "=", instanceId).where("id", "=", userId),
);
const credentialKey = precompile((db, instanceId: string, userId: string, keyId: string) =>
  db.selectFrom("machine_keys").select("expiration").where("instance_id", "=", instanceId).where("user_id", "=", userId).where("id", "=", keyId),
);

/** The user and the credential a token is about to be issued on, as they are now (any org: the token endpoint acts for the user). */
export async function loadCredentialState({ tx, instanceId }: Omit<Scope, "orgId">, userId: string, credential: ClientCredential): Promise<CredentialState | undefined> {
  const [user] = await rowsOf(tx, credentialUser(tx, instanceId, userId));
  if (!user) return undefined;
  const [key] = credential.kind === "key" ? await rowsOf(tx, credentialKey(tx, instanceId, userId, credential.keyId)) : [];
  return {
    userActive: user.state === ACTIVE,
    ...(user.secret_hash === null ? {} : { secretHash: user.secret_hash }),
    ...(key ? { keyExpiration: key.expiration } : {}),
  };
}

/** An app and the credential its token is about to be issued on, as they are now (any org: the token endpoint acts for the app). */
export async function loadAppCredentialState({ tx, instanceId }: Omit<Scope, "orgId">, appId: string, credential: AppCredential, now: Date): Promise<AppCredentialState | undefined> {
  const [app, secrets] = await Promise.all([
    tx
      .selectFrom("apps")
      .innerJoin("app_api_configs", (join) => join.onRef("app_api_configs.instance_id", "=", "apps.instance_id").onRef("app_api_configs.app_id", "=", "apps.id"))
      .select(["apps.state", "app_api_configs.auth_method", "app_api_configs.client_credentials"])
      .where("apps.instance_id", "=", instanceId)
      .where("apps.id", "=", appId)
      .executeTakeFirst(),
    tx
      .selectFrom("app_secrets")
      .select("id")
      .where("instance_id", "=", instanceId)
      .where("app_id", "=", appId)
      .where((eb) => eb.or([eb("expiration", "is", null), eb("expiration", ">", now)]))
      .execute(),
  ]);
  if (!app) return undefined;
  const key =
    credential.kind === "key"
      ? await tx
          .selectFrom("app_keys")
          .select("expiration")
          .where("instance_id", "=", instanceId)
          .where("app_id", "=", appId)
          .where("id", "=", credential.keyId)
          .where("enabled", "=", true)
          .executeTakeFirst()
      : undefined;
  return {
    active: app.state === ACTIVE,
    clientCredentials: app.client_credentials,
    authMethod: app.auth_method as ApiAuthMethod,
    liveSecretIds: secrets.map((secret) => secret.id),
    ...(key ? { keyExpiration: key.expiration } : {}),
  };
}
