import type { FieldRule } from "./rules.js";

/**
 * The length rules of keygate.v1's apps and projects requests, checked as ZITADEL's are (after
 * authentication, PGV's message naming the field). Metadata fields are checked by the domain
 * (object-metadata.ts), which refuses them by their proto names too.
 */
const id: FieldRule = { minLen: 1, maxLen: 200 };
const name: FieldRule = { minLen: 1, maxLen: 200 };
const optionalId: FieldRule = { maxLen: 200 };

export const KEYGATE_FIELD_RULES_V1: Readonly<Record<string, Readonly<Record<string, FieldRule>>>> = {
  "keygate.v1.CreateAppRequest": { project_id: id, name },
  "keygate.v1.GetAppRequest": { project_id: id, app_id: id },
  "keygate.v1.UpdateAppRequest": { project_id: id, app_id: id },
  "keygate.v1.ListAppsRequest": { project_id: optionalId },
  "keygate.v1.CreateProjectRequest": { name },
  "keygate.v1.GetProjectRequest": { project_id: id },
  "keygate.v1.UpdateProjectRequest": { project_id: id },
};
