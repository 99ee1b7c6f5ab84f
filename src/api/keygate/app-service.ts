import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { ApiAuthMethod } from "../../domain/app.js";
import { parseLabelSelector } from "../../domain/label-selector.js";
import { AppSchema, type AppService } from "../../gen/keygate/v1/apps_pb.js";
import { APP_LIST_KEY, type KeygateAppView } from "../../store/queries/keygate-app-queries.js";
import { actorOf, callerOf } from "../call-context.js";
import type { ServiceDeps } from "../services/service-deps.js";
import type { KeygatePermissions } from "./keygate-permissions.js";
import { keysetWindow, listIdentity, pageResult } from "./page-request.js";
import { createdMetadata, metadataFields, readFields, updatedMetadata } from "./read-fields.js";

export const APP_PERMISSIONS: KeygatePermissions<typeof AppService> = {
  createApp: { permission: "project.app.write", checkField: "projectId" },
  getApp: { permission: "project.app.read", checkField: "projectId" },
  updateApp: { permission: "project.app.write", checkField: "projectId" },
  listApps: { permission: "project.app.read", checkField: "projectId" },
};

export const appMessage = (view: KeygateAppView) =>
  create(AppSchema, {
    id: view.id,
    projectId: view.projectId,
    orgId: view.orgId,
    name: view.name,
    state: view.state,
    clientId: view.clientId,
    version: view.version,
    ...metadataFields(view),
    ...readFields(view.details),
  });

/** keygate.v1.AppService: apps with keygate's metadata. */
export function appService({ queries, commands }: ServiceDeps): ServiceImpl<typeof AppService> {
  return {
    /** The portal's wizard: an app authenticating with a client secret, returned this once. */
    async createApp(req, ctx) {
      const actor = actorOf(ctx);
      // Another org's (or a missing) project is NotFound here, not AddAPIApp's FailedPrecondition.
      await queries.as(actor).getKeygateProject(req.projectId);
      const metadata = { ...createdMetadata(req), ...(req.version === "" ? {} : { version: req.version }) };
      const added = await commands.as(actor).addApiApp(req.projectId, { name: req.name, authMethod: ApiAuthMethod.Basic, metadata });
      return { app: appMessage(await queries.as(actor).getKeygateApp(req.projectId, added.appId)), clientSecret: added.clientSecret ?? "" };
    },

    async getApp(req, ctx) {
      return { app: appMessage(await queries.as(actorOf(ctx)).getKeygateApp(req.projectId, req.appId)) };
    },

    async updateApp(req, ctx) {
      const actor = actorOf(ctx);
      const change = { ...updatedMetadata(req), ...(req.version === undefined ? {} : { version: req.version }) };
      await commands.as(actor).describeApp(req.projectId, req.appId, change);
      return { app: appMessage(await queries.as(actor).getKeygateApp(req.projectId, req.appId)) };
    },

    async listApps(req, ctx) {
      const { actor, projectScope } = callerOf(ctx);
      const selector = parseLabelSelector(req.labelSelector);
      const list = listIdentity("apps", actor.orgId, req.projectId, req.labelSelector);
      const window = keysetWindow(req, list, APP_LIST_KEY.length);
      const page = await queries.as(actor).listKeygateApps({ projectId: req.projectId || undefined, projectScope, selector }, window);
      return { apps: page.result.map(appMessage), ...pageResult(page, list) };
    },
  };
}
