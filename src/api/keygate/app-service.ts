import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { AppSchema, type AppService } from "../../gen/keygate/v1/apps_pb.js";
import { APP_LIST_KEY, type KeygateAppView } from "../../store/queries/keygate-app-queries.js";
import { actorOf, callerOf } from "../call-context.js";
import type { ServiceDeps } from "../services/service-deps.js";
import type { KeygatePermissions } from "./keygate-permissions.js";
import { keysetWindow, listIdentity, pageResult } from "./page-request.js";
import { readFields } from "./read-fields.js";

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
    ...readFields(view.details),
  });

/** keygate.v1.AppService: apps with keygate's metadata. */
export function appService({ queries }: ServiceDeps): Partial<ServiceImpl<typeof AppService>> {
  return {
    async getApp(req, ctx) {
      return { app: appMessage(await queries.as(actorOf(ctx)).getKeygateApp(req.projectId, req.appId)) };
    },

    async listApps(req, ctx) {
      const { actor, projectScope } = callerOf(ctx);
      const list = listIdentity("apps", actor.orgId, req.projectId);
      const page = await queries
        .as(actor)
        .listKeygateApps({ projectId: req.projectId || undefined, projectScope }, keysetWindow(req, list, APP_LIST_KEY.length));
      return { apps: page.result.map(appMessage), ...pageResult(page, list) };
    },
  };
}
