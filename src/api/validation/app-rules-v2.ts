import type { FieldRule } from "./rules.js";

/**
 * ZITADEL's protoc-gen-validate rules for the requests of zitadel.application.v2.ApplicationService
 * and zitadel.app.v2beta.AppService (the v2beta ones as @zitadel/proto's descriptors carry them).
 */
const id: FieldRule = { minLen: 1, maxLen: 200 };
const name: FieldRule = { minLen: 1, maxLen: 200 };
const upTo200: FieldRule = { maxLen: 200 };

export const APP_FIELD_RULES_V2: Readonly<Record<string, Readonly<Record<string, FieldRule>>>> = {
  "zitadel.application.v2.CreateApplicationRequest": { project_id: id, application_id: upTo200, name },
  "zitadel.application.v2.CreateOIDCApplicationRequest": { response_types: { notIn: [0] } },
  "zitadel.application.v2.CreateSAMLApplicationRequest": { metadata_url: { maxLen: 2048 } },
  "zitadel.application.v2.UpdateApplicationRequest": { application_id: id, project_id: id, name: upTo200 },
  "zitadel.application.v2.UpdateSAMLApplicationConfigurationRequest": { metadata_url: upTo200 },
  "zitadel.application.v2.GetApplicationRequest": { application_id: id },
  "zitadel.application.v2.DeleteApplicationRequest": { application_id: id, project_id: id },
  "zitadel.application.v2.DeactivateApplicationRequest": { application_id: id, project_id: id },
  "zitadel.application.v2.ReactivateApplicationRequest": { application_id: id, project_id: id },
  "zitadel.application.v2.GenerateClientSecretRequest": { application_id: id, project_id: id },
  "zitadel.application.v2.CreateApplicationKeyRequest": { application_id: id, project_id: id },
  "zitadel.application.v2.DeleteApplicationKeyRequest": { key_id: id, application_id: id, project_id: id },
  "zitadel.application.v2.GetApplicationKeyRequest": { key_id: id },
  "zitadel.application.v2.ApplicationSearchFilter": { type_filter: { notIn: [0] } },
  "zitadel.application.v2.ProjectIDFilter": { project_id: id },
  "zitadel.application.v2.ApplicationNameFilter": { name: upTo200 },
  "zitadel.application.v2.ClientIDFilter": { client_id: id },
  "zitadel.application.v2.EntityIDFilter": { entity_id: id },
  "zitadel.application.v2.ApplicationKeyApplicationIDFilter": { application_id: upTo200 },
  "zitadel.application.v2.ApplicationKeyProjectIDFilter": { project_id: id },
  "zitadel.application.v2.ApplicationKeyOrganizationIDFilter": { organization_id: id },

  "zitadel.app.v2beta.CreateApplicationRequest": { project_id: id, id: upTo200, name },
  "zitadel.app.v2beta.CreateSAMLApplicationRequest": { metadata_url: upTo200 },
  "zitadel.app.v2beta.UpdateApplicationRequest": { project_id: id, id, name: upTo200 },
  "zitadel.app.v2beta.UpdateSAMLApplicationConfigurationRequest": { metadata_url: upTo200 },
  "zitadel.app.v2beta.GetApplicationRequest": { id },
  "zitadel.app.v2beta.DeleteApplicationRequest": { project_id: id, id },
  "zitadel.app.v2beta.DeactivateApplicationRequest": { project_id: id, id },
  "zitadel.app.v2beta.ReactivateApplicationRequest": { project_id: id, id },
  "zitadel.app.v2beta.RegenerateClientSecretRequest": { project_id: id, application_id: id },
  "zitadel.app.v2beta.ListApplicationsRequest": { project_id: id },
  "zitadel.app.v2beta.CreateApplicationKeyRequest": { app_id: id, project_id: id },
  "zitadel.app.v2beta.DeleteApplicationKeyRequest": { id, project_id: id, application_id: id, organization_id: upTo200 },
  "zitadel.app.v2beta.GetApplicationKeyRequest": { id, project_id: upTo200, application_id: upTo200, organization_id: upTo200 },
  "zitadel.app.v2beta.ListApplicationKeysRequest": { application_id: id, project_id: id, organization_id: id },
  "zitadel.app.v2beta.ApplicationNameQuery": { name: upTo200 },
};

/** Oneofs that must be set, as `(validate.required) = true` in ZITADEL's protos. */
export const APP_REQUIRED_ONEOFS_V2: readonly string[] = [
  "zitadel.application.v2.CreateApplicationRequest.application_type",
  "zitadel.application.v2.CreateSAMLApplicationRequest.metadata",
  "zitadel.application.v2.ApplicationSearchFilter.filter",
  "zitadel.application.v2.ApplicationKeySearchFilter.filter",
  "zitadel.app.v2beta.CreateApplicationRequest.creation_request_type",
  "zitadel.app.v2beta.CreateSAMLApplicationRequest.metadata",
  "zitadel.app.v2beta.UpdateSAMLApplicationConfigurationRequest.metadata",
  "zitadel.app.v2beta.RegenerateClientSecretRequest.app_type",
  "zitadel.app.v2beta.ApplicationSearchFilter.filter",
];
