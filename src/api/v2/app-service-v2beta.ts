import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type { ApiAuthMethod } from "../../domain/app.js";
import { ApplicationSchema, type ApplicationSearchFilter } from "../../gen/zitadel/app/v2beta/app_pb.js";
import type { AppService } from "../../gen/zitadel/app/v2beta/app_service_pb.js";
import type { ListApplicationKeysRequest } from "../../gen/zitadel/app/v2beta/app_service_pb.js";
import type { AppKeyCondition, AppKeySortColumn, AppKeyView } from "../../store/queries/app-key-queries.js";
import type { AppCondition, AppSortColumn, AppView } from "../../store/queries/app-queries.js";
import type { TextMatch } from "../../store/queries/list-options.js";
import type { ServiceDeps } from "../services/service-deps.js";
import { apiApps } from "./api-apps.js";
import { onlyApiApps } from "./api-apps-only.js";
import { pageOptions, paginationOf } from "./pagination.js";

/** The proto enums and the domain's share ZITADEL's numbers. */
const authMethod = (value: number) => value as ApiAuthMethod;

/** Optional ids of v2beta requests: empty means not given. */
const given = (id: string) => (id === "" ? undefined : id);

const applicationMessage = (view: AppView): MessageInitShape<typeof ApplicationSchema> => ({
  id: view.id,
  name: view.name,
  state: view.state,
  creationDate: timestampFromDate(view.details.creationDate),
  changeDate: timestampFromDate(view.details.changeDate),
  config: { case: "apiConfig", value: { clientId: view.clientId, authMethodType: view.authMethod as number } },
});

const keyMessage = (view: AppKeyView) => ({
  id: view.id,
  applicationId: view.appId,
  projectId: view.projectId,
  organizationId: view.details.resourceOwner,
  creationDate: timestampFromDate(view.details.creationDate),
  expirationDate: timestampFromDate(view.expiration),
});

function appCondition({ filter }: ApplicationSearchFilter): AppCondition {
  switch (filter.case) {
    case "nameFilter":
      return { kind: "name", query: { value: filter.value.name, match: filter.value.method as number as TextMatch } };
    case "stateFilter":
      return { kind: "state", state: filter.value };
    case "apiAppOnly":
      return { kind: "type", type: "api" };
    case "oidcAppOnly":
      return { kind: "type", type: "oidc" };
    default:
      // samlAppOnly. (An unset filter is refused by validation.)
      return { kind: "type", type: "saml" };
  }
}

function keyConditions({ resourceId }: ListApplicationKeysRequest): AppKeyCondition[] {
  switch (resourceId.case) {
    case "applicationId":
      return [{ kind: "app", appId: resourceId.value }];
    case "projectId":
      return [{ kind: "project", projectId: resourceId.value }];
    case "organizationId":
      return [{ kind: "org", orgId: resourceId.value }];
    default:
      return [];
  }
}

/** zitadel.app.v2beta.AppService over the same store as v1 (see api-apps.ts). */
export function appServiceV2beta(deps: ServiceDeps): ServiceImpl<typeof AppService> {
  const apps = apiApps(deps);
  return {
    async createApplication(req, ctx) {
      const type = req.creationRequestType;
      if (type.case === "oidcRequest") throw onlyApiApps("OIDC");
      if (type.case === "samlRequest") throw onlyApiApps("SAML");
      const added = await apps.create(ctx, req.projectId, {
        name: req.name,
        authMethod: authMethod(type.value?.authMethodType ?? 0),
        ...(req.id === "" ? {} : { appId: req.id }),
      });
      return {
        appId: added.appId,
        creationDate: timestampFromDate(added.details.date),
        creationResponseType: { case: "apiResponse", value: { clientId: added.clientId, clientSecret: added.clientSecret ?? "" } },
      };
    },

    async updateApplication(req, ctx) {
      const type = req.updateRequestType;
      if (type.case === "oidcConfigurationRequest") throw onlyApiApps("OIDC");
      if (type.case === "samlConfigurationRequest") throw onlyApiApps("SAML");
      const changeDate = await apps.update(ctx, req.projectId, req.id, {
        ...(req.name.trim() === "" ? {} : { name: req.name }),
        ...(type.case === "apiConfigurationRequest" ? { authMethod: authMethod(type.value.authMethodType) } : {}),
      });
      return { changeDate: timestampFromDate(changeDate) };
    },

    async getApplication(req, ctx) {
      return { app: create(ApplicationSchema, applicationMessage(await apps.get(ctx, req.id))) };
    },

    async deleteApplication(req, ctx) {
      return { deletionDate: timestampFromDate(await apps.remove(ctx, req.projectId, req.id)) };
    },
    async deactivateApplication(req, ctx) {
      return { deactivationDate: timestampFromDate(await apps.deactivate(ctx, req.projectId, req.id)) };
    },
    async reactivateApplication(req, ctx) {
      return { reactivationDate: timestampFromDate(await apps.reactivate(ctx, req.projectId, req.id)) };
    },
    async regenerateClientSecret(req, ctx) {
      if (req.appType.case === "isOidc") throw onlyApiApps("OIDC");
      const { clientSecret, date } = await apps.regenerateSecret(ctx, req.projectId, req.applicationId);
      return { clientSecret, creationDate: timestampFromDate(date) };
    },

    async listApplications(req, ctx) {
      const options = pageOptions(req.pagination);
      const conditions: AppCondition[] = [{ kind: "project", projectId: req.projectId }, ...req.filters.map(appCondition)];
      const page = await apps.list(ctx, conditions, req.sortingColumn as number as AppSortColumn, options);
      return { applications: page.result.map(applicationMessage), pagination: paginationOf(page, options) };
    },

    async createApplicationKey(req, ctx) {
      const expiration = req.expirationDate ? timestampDate(req.expirationDate) : undefined;
      const added = await apps.addKey(ctx, req.projectId, req.appId, expiration);
      return { id: added.id, creationDate: timestampFromDate(added.details.date), keyDetails: new TextEncoder().encode(added.keyDetails) };
    },
    async deleteApplicationKey(req, ctx) {
      const expected = { appId: req.applicationId, projectId: req.projectId, ...(req.organizationId === "" ? {} : { orgId: req.organizationId }) };
      return { deletionDate: timestampFromDate(await apps.removeKey(ctx, req.id, expected)) };
    },
    async getApplicationKey(req, ctx) {
      const expected = { appId: given(req.applicationId), projectId: given(req.projectId), orgId: given(req.organizationId) };
      const key = await apps.getKey(ctx, req.id, expected);
      return { id: key.id, creationDate: timestampFromDate(key.details.creationDate), expirationDate: timestampFromDate(key.expiration) };
    },
    async listApplicationKeys(req, ctx) {
      const options = pageOptions(req.pagination);
      const page = await apps.listKeys(ctx, keyConditions(req), req.sortingColumn as number as AppKeySortColumn, options);
      return { keys: page.result.map(keyMessage), pagination: paginationOf(page, options) };
    },
  };
}
