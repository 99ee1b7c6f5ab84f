import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ApiAuthMethod } from "../../domain/app.js";
import { AppSchema } from "../../gen/zitadel/app_pb.js";
import type { AppView } from "../../store/queries/app-queries.js";
import type { TextMatch } from "../../store/queries/list-options.js";
import { actorOf } from "../call-context.js";
import { eventTypeKey, localizedEventType } from "../change-messages.js";
import { addedDetails, changedDetails, countOf, listDetails, listOptions, readDetails } from "../details.js";
import type { ManagementPart, ServiceDeps } from "./service-deps.js";

const appMessage = (view: AppView) =>
  create(AppSchema, {
    id: view.id,
    name: view.name,
    state: view.state,
    details: readDetails(view.details),
    config: { case: "apiConfig", value: { clientId: view.clientId, authMethodType: view.authMethod as number } },
  });

/** The proto enum and the domain enum share ZITADEL's numbers. */
const authMethod = (value: number) => value as ApiAuthMethod;

export function appService({ queries, commands }: ServiceDeps): ManagementPart {
  return {
    async addAPIApp(req, ctx) {
      const added = await commands.as(actorOf(ctx)).addApiApp(req.projectId, { name: req.name, authMethod: authMethod(req.authMethodType) });
      return { appId: added.appId, clientId: added.clientId, clientSecret: added.clientSecret ?? "", details: addedDetails(added.details) };
    },

    async getAppByID(req, ctx) {
      return { app: appMessage(await queries.as(actorOf(ctx)).getApp(req.projectId, req.appId)) };
    },

    async listApps(req, ctx) {
      const names = req.queries.flatMap(({ query }) =>
        query.case === "nameQuery" ? [{ value: query.value.name, match: query.value.method as number as TextMatch }] : [],
      );
      const page = await queries.as(actorOf(ctx)).listApps(req.projectId, names, listOptions(req.query));
      return { details: listDetails(page), result: page.result.map(appMessage) };
    },

    async listAppChanges(req, ctx) {
      const query = { sequence: countOf(req.query?.sequence ?? 0n), limit: req.query?.limit ?? 0, asc: req.query?.asc ?? false };
      const changes = await queries.as(actorOf(ctx)).listAppChanges(req.projectId, req.appId, query);
      return {
        result: changes.map((change) => ({
          changeDate: timestampFromDate(change.changeDate),
          eventType: { key: eventTypeKey(change.eventType), localizedMessage: localizedEventType(change.eventType) },
          sequence: BigInt(change.sequence),
          editorId: change.editorId,
          resourceOwnerId: change.resourceOwnerId,
        })),
      };
    },

    async updateApp(req, ctx) {
      return { details: changedDetails(await commands.as(actorOf(ctx)).renameApp(req.projectId, req.appId, req.name)) };
    },
    async updateAPIAppConfig(req, ctx) {
      return { details: changedDetails(await commands.as(actorOf(ctx)).changeApiAuthMethod(req.projectId, req.appId, authMethod(req.authMethodType))) };
    },
    async regenerateAPIClientSecret(req, ctx) {
      const { clientSecret, details } = await commands.as(actorOf(ctx)).regenerateApiSecret(req.projectId, req.appId);
      return { clientSecret, details: changedDetails(details) };
    },
    async deactivateApp(req, ctx) {
      return { details: changedDetails(await commands.as(actorOf(ctx)).deactivateApp(req.projectId, req.appId)) };
    },
    async reactivateApp(req, ctx) {
      return { details: changedDetails(await commands.as(actorOf(ctx)).reactivateApp(req.projectId, req.appId)) };
    },
    async removeApp(req, ctx) {
      return { details: changedDetails(await commands.as(actorOf(ctx)).removeApp(req.projectId, req.appId)) };
    },
  };
}
