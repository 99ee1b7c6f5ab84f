import type { ApiAuthMethod } from "../../domain/app.js";
import type { ClientCredentialsSetting } from "../../domain/app-access.js";
import type { MemberTarget } from "../../domain/member.js";
import type { AppMetadataChange, MetadataChange } from "../../domain/object-metadata.js";
import type { ProjectInput, ProjectUpdate } from "../../domain/project.js";
import type { ProjectRoleChanges, ProjectRoleState } from "../../domain/project-role.js";
import type { MachineChanges, NewMachineUser } from "../../domain/user.js";
import type { Actor } from "../event-store.js";
import * as appAccess from "./app-access-commands.js";
import * as apps from "./app-commands.js";
import * as appKeys from "./app-key-commands.js";
import * as appSecrets from "./app-secret-commands.js";
import type { CommandDeps } from "./command-deps.js";
import * as machineCredentials from "./machine-credential-commands.js";
import * as members from "./member-commands.js";
import * as orgs from "./org-commands.js";
import * as projects from "./project-commands.js";
import * as projectRoles from "./project-role-commands.js";
import * as users from "./user-commands.js";

/**
 * The write side as the api layer sees it (ZITADEL's `command.Commands`): the event store, ids and
 * secret hashing stay in here, and every command runs `as(actor)`, bound once per call to the caller.
 */
export class Commands {
  constructor(private readonly deps: CommandDeps) {}

  /** Binding costs one small object holding the dependencies and the caller. */
  as(actor: Actor): CallerCommands {
    return new CallerCommands(this.deps, actor);
  }
}

/** Commands acting as one caller in its org context. */
export class CallerCommands {
  constructor(
    private readonly deps: CommandDeps,
    private readonly actor: Actor,
  ) {}

  addOrg(name: string, instanceDomain: string) {
    return orgs.addOrg(this.deps, this.actor, name, instanceDomain);
  }

  addProject(input: ProjectInput, projectId?: string, metadata?: MetadataChange) {
    return projects.addProject(this.deps, this.actor, input, projectId, metadata);
  }
  /** Undefined when the change names nothing. */
  describeProject(projectId: string, change: MetadataChange) {
    return projects.describeProject(this.deps, this.actor, projectId, change);
  }
  updateProject(projectId: string, input: ProjectUpdate) {
    return projects.updateProject(this.deps, this.actor, projectId, input);
  }
  deactivateProject(projectId: string) {
    return projects.deactivateProject(this.deps, this.actor, projectId);
  }
  reactivateProject(projectId: string) {
    return projects.reactivateProject(this.deps, this.actor, projectId);
  }
  removeProject(projectId: string) {
    return projects.removeProject(this.deps, this.actor, projectId);
  }

  addProjectRoles(projectId: string, roles: readonly ProjectRoleState[]) {
    return projectRoles.addProjectRoles(this.deps, this.actor, projectId, roles);
  }
  changeProjectRole(projectId: string, key: string, changes: ProjectRoleChanges) {
    return projectRoles.changeProjectRole(this.deps, this.actor, projectId, key, changes);
  }
  removeProjectRole(projectId: string, key: string) {
    return projectRoles.removeProjectRole(this.deps, this.actor, projectId, key);
  }

  addApiApp(projectId: string, input: { name: string; authMethod: ApiAuthMethod; appId?: string; metadata?: AppMetadataChange }) {
    return apps.addApiApp(this.deps, this.actor, projectId, input);
  }
  /** Undefined when the change names nothing. */
  describeApp(projectId: string, appId: string, change: AppMetadataChange) {
    return apps.describeApp(this.deps, this.actor, projectId, appId, change);
  }
  /** Undefined when nothing changed. */
  updateApiApp(projectId: string, appId: string, change: { name?: string; authMethod?: ApiAuthMethod }) {
    return apps.updateApiApp(this.deps, this.actor, projectId, appId, change);
  }
  renameApp(projectId: string, appId: string, name: string) {
    return apps.renameApp(this.deps, this.actor, projectId, appId, name);
  }
  changeApiAuthMethod(projectId: string, appId: string, authMethod: ApiAuthMethod) {
    return apps.changeApiAuthMethod(this.deps, this.actor, projectId, appId, authMethod);
  }
  regenerateApiSecret(projectId: string, appId: string) {
    return apps.regenerateApiSecret(this.deps, this.actor, projectId, appId);
  }
  deactivateApp(projectId: string, appId: string) {
    return apps.deactivateApp(this.deps, this.actor, projectId, appId);
  }
  reactivateApp(projectId: string, appId: string) {
    return apps.reactivateApp(this.deps, this.actor, projectId, appId);
  }
  removeApp(projectId: string, appId: string) {
    return apps.removeApp(this.deps, this.actor, projectId, appId);
  }

  addAppRoles(projectId: string, appId: string, roleKeys: readonly string[]) {
    return appAccess.addAppRoles(this.deps, this.actor, projectId, appId, roleKeys);
  }
  removeAppRole(projectId: string, appId: string, roleKey: string) {
    return appAccess.removeAppRole(this.deps, this.actor, projectId, appId, roleKey);
  }
  setAppClientCredentials(projectId: string, appId: string, setting: ClientCredentialsSetting) {
    return appAccess.setAppClientCredentials(this.deps, this.actor, projectId, appId, setting);
  }

  addAppKey(projectId: string, appId: string, expiration: Date | undefined) {
    return appKeys.addAppKey(this.deps, this.actor, projectId, appId, expiration);
  }
  removeAppKey(projectId: string, appId: string, keyId: string) {
    return appKeys.removeAppKey(this.deps, this.actor, projectId, appId, keyId);
  }

  addAppSecret(projectId: string, appId: string, input: { expiration: Date | undefined; now: Date }) {
    return appSecrets.addAppSecret(this.deps, this.actor, projectId, appId, input);
  }
  removeAppSecret(projectId: string, appId: string, secretId: string) {
    return appSecrets.removeAppSecret(this.deps, this.actor, projectId, appId, secretId);
  }

  addMachineUser(input: NewMachineUser & { userId?: string }) {
    return users.addMachineUser(this.deps, this.actor, input);
  }
  deactivateUser(userId: string) {
    return users.deactivateUser(this.deps, this.actor, userId);
  }
  reactivateUser(userId: string) {
    return users.reactivateUser(this.deps, this.actor, userId);
  }
  removeUser(userId: string) {
    return users.removeUser(this.deps, this.actor, userId);
  }
  addPersonalAccessToken(userId: string, expiration: Date | undefined) {
    return users.addPersonalAccessToken(this.deps, this.actor, userId, expiration);
  }
  removePersonalAccessToken(userId: string, tokenId: string) {
    return users.removePersonalAccessToken(this.deps, this.actor, userId, tokenId);
  }
  changeMachine(userId: string, changes: MachineChanges) {
    return users.changeMachine(this.deps, this.actor, userId, changes);
  }

  generateMachineSecret(userId: string) {
    return machineCredentials.generateMachineSecret(this.deps, this.actor, userId);
  }
  removeMachineSecret(userId: string) {
    return machineCredentials.removeMachineSecret(this.deps, this.actor, userId);
  }
  addMachineKey(userId: string, input: { expiration: Date | undefined; publicKeyPem?: string }) {
    return machineCredentials.addMachineKey(this.deps, this.actor, userId, input);
  }
  removeMachineKey(userId: string, keyId: string) {
    return machineCredentials.removeMachineKey(this.deps, this.actor, userId, keyId);
  }

  addMember(target: MemberTarget, userId: string, roles: string[]) {
    return members.addMember(this.deps, this.actor, target, userId, roles);
  }
  changeMember(target: MemberTarget, userId: string, roles: string[]) {
    return members.changeMember(this.deps, this.actor, target, userId, roles);
  }
  removeMember(target: MemberTarget, userId: string) {
    return members.removeMember(this.deps, this.actor, target, userId);
  }
}
