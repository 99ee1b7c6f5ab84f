import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type { ApiAuthMethod } from "../../domain/app.js";
import {
  ApplicationSchema,
  ApplicationType,
  type ApplicationSearchFilter,
  type ApplicationKeySearchFilter,
} from "../../gen/zitadel/application/v2/application_pb.js";
import type { ApplicationService } from "../../gen/zitadel/application/v2/application_service_pb.js";
import type { AppKeyCondition, AppKeySortColumn, AppKeyView } from "../../store/queries/app-key-queries.js";
import type { AppCondition, AppSortColumn, AppView } from "../../store/queries/app-queries.js";
import type { TextMatch } from "../../store/queries/list-options.js";
import type { ServiceDeps } from "../services/service-deps.js";
import { apiApps } from "./api-apps.js";
import { onlyApiApps } from "./api-apps-only.js";
import { pageOptions, paginationOf } from "./pagination.js";

/** The proto enums and the domain's share ZITADEL's numbers. */
const authMethod = (value: number) => value as ApiAuthMethod;

const applicationMessage = (view: AppView): MessageInitShape<typeof ApplicationSchema> => ({
  applicationId: view.id,
  projectId: view.projectId,
  name: view.name,
  state: view.state,
  creationDate: timestampFromDate(view.details.creationDate),
  changeDate: timestampFromDate(view.details.changeDate),
  configuration: { case: "apiConfiguration", value: { clientId: view.clientId, authMethodType: view.authMethod as number } },
});

const keyMessage = (view: AppKeyView) => ({
  keyId: view.id,
  applicationId: view.appId,
  projectId: view.projectId,
  organizationId: view.details.resourceOwner,
  creationDate: timestampFromDate(view.details.creationDate),
  expirationDate: timestampFromDate(view.expiration),
});

function appCondition({ filter }: ApplicationSearchFilter): AppCondition {
  switch (filter.case) {
    case "projectIdFilter":
      return { kind: "project", projectId: filter.value.projectId };
    case "nameFilter":
      return { kind: "name", query: { value: filter.value.name, match: filter.value.method as number as TextMatch } };
    case "stateFilter":
      return { kind: "state", state: filter.value };
    case "typeFilter":
      return { kind: "type", type: filter.value === ApplicationType.API ? "api" : filter.value === ApplicationType.OIDC ? "oidc" : "saml" };
    case "clientIdFilter":
      return { kind: "clientId", clientId: filter.value.clientId };
    default:
      // entityIdFilter: SAML apps only, and keygate has none. (An unset filter is refused by validation.)
      return { kind: "nothing" };
  }
}

function keyCondition({ filter }: ApplicationKeySearchFilter): AppKeyCondition {
  switch (filter.case) {
    case "applicationIdFilter":
      return { kind: "app", appId: filter.value.applicationId };
    case "projectIdFilter":
      return { kind: "project", projectId: filter.value.projectId };
    default:
      return { kind: "org", orgId: filter.value?.organizationId ?? "" };
  }
}

/** zitadel.application.v2.ApplicationService over the same store as v1 (see api-apps.ts). */
export function applicationService(deps: ServiceDeps): ServiceImpl<typeof ApplicationService> {
  const apps = apiApps(deps);
  return {
    async createApplication(req, ctx) {
      const type = req.applicationType;
      if (type.case === "oidcConfiguration") throw onlyApiApps("OIDC");
      if (type.case === "samlConfiguration") throw onlyApiApps("SAML");
      const added = await apps.create(ctx, req.projectId, {
        name: req.name,
        authMethod: authMethod(type.value?.authMethodType ?? 0),
        ...(req.applicationId === "" ? {} : { appId: req.applicationId }),
      });
      return {
        applicationId: added.appId,
        creationDate: timestampFromDate(added.details.date),
        applicationType: { case: "apiConfiguration", value: { clientId: added.clientId, clientSecret: added.clientSecret ?? "" } },
      };
    },

    async updateApplication(req, ctx) {
      const type = req.applicationType;
      if (type.case === "oidcConfiguration") throw onlyApiApps("OIDC");
      if (type.case === "samlConfiguration") throw onlyApiApps("SAML");
      const changeDate = await apps.update(ctx, req.projectId, req.applicationId, {
        ...(req.name.trim() === "" ? {} : { name: req.name }),
        ...(type.case === "apiConfiguration" ? { authMethod: authMethod(type.value.authMethodType) } : {}),
      });
      return { changeDate: timestampFromDate(changeDate) };
    },

    async getApplication(req, ctx) {
      return { application: create(ApplicationSchema, applicationMessage(await apps.get(ctx, req.applicationId))) };
    },

    async deleteApplication(req, ctx) {
      return { deletionDate: timestampFromDate(await apps.remove(ctx, req.projectId, req.applicationId)) };
    },
    async deactivateApplication(req, ctx) {
      return { deactivationDate: timestampFromDate(await apps.deactivate(ctx, req.projectId, req.applicationId)) };
    },
    async reactivateApplication(req, ctx) {
      return { reactivationDate: timestampFromDate(await apps.reactivate(ctx, req.projectId, req.applicationId)) };
    },
    async generateClientSecret(req, ctx) {
      const { clientSecret, date } = await apps.regenerateSecret(ctx, req.projectId, req.applicationId);
      return { clientSecret, creationDate: timestampFromDate(date) };
    },

    async listApplications(req, ctx) {
      const options = pageOptions(req.pagination);
      const page = await apps.list(ctx, req.filters.map(appCondition), req.sortingColumn as number as AppSortColumn, options);
      return { applications: page.result.map(applicationMessage), pagination: paginationOf(page, options) };
    },

    async createApplicationKey(req, ctx) {
      const expiration = req.expirationDate ? timestampDate(req.expirationDate) : undefined;
      const added = await apps.addKey(ctx, req.projectId, req.applicationId, expiration);
      return { keyId: added.id, creationDate: timestampFromDate(added.details.date), keyDetails: new TextEncoder().encode(added.keyDetails) };
    },
    async deleteApplicationKey(req, ctx) {
      return { deletionDate: timestampFromDate(await apps.removeKey(ctx, req.keyId, { appId: req.applicationId, projectId: req.projectId })) };
    },
    async getApplicationKey(req, ctx) {
      const key = await apps.getKey(ctx, req.keyId, {});
      return { keyId: key.id, creationDate: timestampFromDate(key.details.creationDate), expirationDate: timestampFromDate(key.expiration) };
    },
    async listApplicationKeys(req, ctx) {
      const options = pageOptions(req.pagination);
      const page = await apps.listKeys(ctx, req.filters.map(keyCondition), req.sortingColumn as number as AppKeySortColumn, options);
      return { keys: page.result.map(keyMessage), pagination: paginationOf(page, options) };
    },
  };
}
