import { alreadyExists, UNIQUE_CONSTRAINT_ERROR_ID } from "./errors.js";
import type { UniqueConstraintChange } from "./decision.js";

/** The unique constraints ZITADEL keeps, with its types, fields and messages. */
const claim = (type: string, field: string, text: string): UniqueConstraintChange => ({
  action: "add",
  type,
  field,
  clash: () => alreadyExists(UNIQUE_CONSTRAINT_ERROR_ID, text),
});
const release = (type: string, field: string): UniqueConstraintChange => ({ action: "remove", type, field });

const orgNameField = (name: string) => name;
const projectNameField = (orgId: string, name: string) => `${name}${orgId}`;
const appNameField = (projectId: string, name: string) => `${name}:${projectId}`;
const projectRoleField = (projectId: string, key: string) => `${key}:${projectId}`;
const userNameField = (orgId: string, userName: string) => `${userName}${orgId}`;

export const claimOrgName = (name: string) =>
  claim("org_name", orgNameField(name), "Organisation's name or id already taken");
export const claimOrgDomain = (domain: string) => claim("org_domain", domain, "Domain already exists");
export const claimProjectName = (orgId: string, name: string) =>
  claim("project_names", projectNameField(orgId, name), "Project already exists on organization");
export const releaseProjectName = (orgId: string, name: string) => release("project_names", projectNameField(orgId, name));
/** Only ids a caller chose are claimed: generated ids cannot clash. Kept when the project is removed. */
export const claimProjectId = (projectId: string) => claim("project_id", projectId, "Project already exists");
export const claimAppName = (projectId: string, name: string) =>
  claim("appname", appNameField(projectId, name), "Application already exists");
export const releaseAppName = (projectId: string, name: string) => release("appname", appNameField(projectId, name));
export const claimProjectRole = (projectId: string, key: string) =>
  claim("project_role", projectRoleField(projectId, key), "Role already exists");
export const releaseProjectRole = (projectId: string, key: string) => release("project_role", projectRoleField(projectId, key));
/** Only ids a caller chose are claimed: generated ids cannot clash. Kept when the app is removed. */
export const claimAppId = (appId: string) => claim("application_id", appId, "Application already exists");
export const claimUserName = (orgId: string, userName: string) =>
  claim("usernames", userNameField(orgId, userName), "User already exists");
export const releaseUserName = (orgId: string, userName: string) => release("usernames", userNameField(orgId, userName));
