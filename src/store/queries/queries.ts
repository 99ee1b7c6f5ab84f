import type { Kysely } from "kysely";
import type { MemberTarget } from "../../domain/member.js";
import type { Actor } from "../event-store.js";
import type { Database } from "../schema.js";
import type { ReadScope } from "../../domain/authorization.js";
import { listAppKeysPaged, listAppSecrets } from "./app-credential-queries.js";
import { getAppAccess } from "./app-access-queries.js";
import { getAppKey, listAppKeys, listKeysInScope, type AppKeyCondition, type AppKeySortColumn } from "./app-key-queries.js";
import { getKeygateApp, listKeygateApps, type KeygateAppFilter } from "./keygate-app-queries.js";
import { getKeygateProject, listKeygateProjects, type KeygateProjectFilter } from "./keygate-project-queries.js";
import type { KeysetWindow } from "./keyset.js";
import { getApp, listApps, listAppsInScope, type AppCondition, type AppSortColumn } from "./app-queries.js";
import { findActiveUser, findTokenOwner, membershipsIn, membershipsOf, orgExists } from "./auth-queries.js";
import { listAppChanges, type ChangeQuery } from "./change-queries.js";
import type { ListOptions, TextQuery } from "./list-options.js";
import { findMachineKey, findMachineUserByClientId, findMachineUserById } from "./machine-credential-queries.js";
import { getMachineKey, listMachineKeys } from "./machine-key-queries.js";
import { listMembers, listUserMemberships, type MembershipFilter } from "./member-queries.js";
import { locateApp, locateAppKey, locateProject } from "./instance-lookups.js";
import { findOrg } from "./org-queries.js";
import { getProject, listProjects, listProjectsInScope, type ProjectCondition, type ProjectFilter, type ProjectSortColumn } from "./project-queries.js";
import { listProjectRoles, type ProjectRoleFilter, type ProjectRoleSort } from "./project-role-queries.js";
import { getUser, listPersonalAccessTokens, listUsers, type UserFilter } from "./user-queries.js";

/**
 * The read side as the api layer sees it (ZITADEL's `query.Queries`): the database stays in here.
 * The lookups that find the caller are instance-wide; everything else is read through `as(actor)`,
 * bound once per call to the caller's instance and org context.
 */
export class Queries {
  constructor(private readonly db: Kysely<Database>) {}

  /** Binding costs one small object: the call's reads share the database and the caller's scope. */
  as(actor: Actor): CallerQueries {
    return new CallerQueries(this.db, actor.instanceId, actor.orgId);
  }

  findTokenOwner(digest: string, now: Date) {
    return findTokenOwner(this.db, digest, now);
  }
  findActiveUser(userId: string) {
    return findActiveUser(this.db, userId);
  }
  orgExists(instanceId: string, orgId: string) {
    return orgExists(this.db, instanceId, orgId);
  }
  membershipsIn(instanceId: string, userId: string, orgId: string) {
    return membershipsIn(this.db, instanceId, userId, orgId);
  }
  membershipsOf(instanceId: string, userId: string) {
    return membershipsOf(this.db, instanceId, userId);
  }

  /** Service users' credentials, for the token endpoint (see machine-credential-queries.ts). */
  findMachineUserByClientId(clientId: string) {
    return findMachineUserByClientId(this.db, clientId);
  }
  findMachineUserById(userId: string) {
    return findMachineUserById(this.db, userId);
  }
  findMachineKey(userId: string, keyId: string) {
    return findMachineKey(this.db, userId, keyId);
  }

  /** Where objects live, whatever the caller's org (the v2 services act in the org found). */
  locateProject(instanceId: string, projectId: string) {
    return locateProject(this.db, instanceId, projectId);
  }
  locateApp(instanceId: string, appId: string) {
    return locateApp(this.db, instanceId, appId);
  }
  locateAppKey(instanceId: string, keyId: string) {
    return locateAppKey(this.db, instanceId, keyId);
  }

  /** The v2 lists: across the orgs and projects of a caller's read scope. */
  listAppsInScope(instanceId: string, scope: ReadScope, conditions: readonly AppCondition[], sortBy: AppSortColumn, options: ListOptions) {
    return listAppsInScope(this.db, instanceId, scope, conditions, sortBy, options);
  }
  listKeysInScope(instanceId: string, scope: ReadScope, conditions: readonly AppKeyCondition[], sortBy: AppKeySortColumn, options: ListOptions) {
    return listKeysInScope(this.db, instanceId, scope, conditions, sortBy, options);
  }  listProjectsInScope(instanceId: string, scope: ReadScope, conditions: readonly ProjectCondition[], sortBy: ProjectSortColumn, options: ListOptions) {
    return listProjectsInScope(this.db, instanceId, scope, conditions, sortBy, options);
  }

}

/** Reads confined to one caller's org context: another org's objects do not exist here. */
export class CallerQueries {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly instanceId: string,
    private readonly orgId: string,
  ) {}

  findOrg() {
    return findOrg(this.db, this.instanceId, this.orgId);
  }

  getProject(projectId: string) {
    return getProject(this.db, this.instanceId, this.orgId, projectId);
  }
  listProjects(filter: ProjectFilter, options: ListOptions) {
    return listProjects(this.db, this.instanceId, this.orgId, filter, options);
  }

  listProjectRoles(projectId: string, filter: ProjectRoleFilter, options: ListOptions, sort?: ProjectRoleSort) {
    return listProjectRoles(this.db, this.instanceId, this.orgId, projectId, filter, options, sort);
  }

  getApp(projectId: string, appId: string) {
    return getApp(this.db, this.instanceId, this.orgId, projectId, appId);
  }
  listApps(projectId: string, names: TextQuery[], options: ListOptions) {
    return listApps(this.db, this.instanceId, this.orgId, projectId, names, options);
  }
  listAppChanges(projectId: string, appId: string, query: ChangeQuery) {
    return listAppChanges(this.db, this.instanceId, this.orgId, projectId, appId, query);
  }

  getAppAccess(projectId: string, appId: string) {
    return getAppAccess(this.db, this.instanceId, this.orgId, projectId, appId);
  }

  getAppKey(projectId: string, appId: string, keyId: string) {
    return getAppKey(this.db, this.instanceId, this.orgId, projectId, appId, keyId);
  }
  listAppKeys(projectId: string, appId: string, options: ListOptions) {
    return listAppKeys(this.db, this.instanceId, this.orgId, projectId, appId, options);
  }
  /** keygate.v1's lists of an app's credentials, with page tokens. */
  listAppSecrets(projectId: string, appId: string, window: KeysetWindow) {
    return listAppSecrets(this.db, this.instanceId, this.orgId, projectId, appId, window);
  }
  listAppKeysPaged(projectId: string, appId: string, window: KeysetWindow) {
    return listAppKeysPaged(this.db, this.instanceId, this.orgId, projectId, appId, window);
  }

  getUser(userId: string) {
    return getUser(this.db, this.instanceId, this.orgId, userId);
  }
  listUsers(filter: UserFilter, options: ListOptions) {
    return listUsers(this.db, this.instanceId, this.orgId, filter, options);
  }
  listPersonalAccessTokens(userId: string, options: ListOptions) {
    return listPersonalAccessTokens(this.db, this.instanceId, this.orgId, userId, options);
  }
  getMachineKey(userId: string, keyId: string) {
    return getMachineKey(this.db, this.instanceId, this.orgId, userId, keyId);
  }
  listMachineKeys(userId: string, options: ListOptions) {
    return listMachineKeys(this.db, this.instanceId, this.orgId, userId, options);
  }

  listMembers(target: MemberTarget, userIds: string[] | undefined, options: ListOptions) {
    return listMembers(this.db, this.instanceId, this.orgId, target, userIds, options);
  }
  listUserMemberships(userId: string, filters: MembershipFilter[], options: ListOptions) {
    return listUserMemberships(this.db, this.instanceId, this.orgId, userId, filters, options);
  }

  /** keygate.v1's views, metadata included, and its keyset-paged lists. */
  getKeygateApp(projectId: string, appId: string) {
    return getKeygateApp(this.db, this.instanceId, this.orgId, projectId, appId);
  }
  listKeygateApps(filter: KeygateAppFilter, window: KeysetWindow) {
    return listKeygateApps(this.db, this.instanceId, this.orgId, filter, window);
  }
  getKeygateProject(projectId: string) {
    return getKeygateProject(this.db, this.instanceId, this.orgId, projectId);
  }
  listKeygateProjects(filter: KeygateProjectFilter, window: KeysetWindow) {
    return listKeygateProjects(this.db, this.instanceId, this.orgId, filter, window);
  }
}
