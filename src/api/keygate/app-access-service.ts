import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { AppAccessSchema, AppAccessTokenType, type AppAccessService } from "../../gen/keygate/v1/app_roles_pb.js";
import { AccessTokenType } from "../../domain/user.js";
import type { AppAccessView } from "../../store/queries/app-access-queries.js";
import { actorOf } from "../call-context.js";
import type { ServiceDeps } from "../services/service-deps.js";
import type { KeygatePermissions } from "./keygate-permissions.js";

export const APP_ACCESS_PERMISSIONS: KeygatePermissions<typeof AppAccessService> = {
  getAppAccess: { permission: "project.app.read", checkField: "projectId" },
  addAppRoles: { permission: "project.app.write", checkField: "projectId" },
  removeAppRole: { permission: "project.app.write", checkField: "projectId" },
  setAppClientCredentials: { permission: "project.app.write", checkField: "projectId" },
};

const appAccessMessage = (view: AppAccessView) =>
  create(AppAccessSchema, {
    projectId: view.projectId,
    appId: view.appId,
    clientCredentials: view.clientCredentials,
    accessTokenType: view.accessTokenType === AccessTokenType.Jwt ? AppAccessTokenType.JWT : AppAccessTokenType.BEARER,
    roles: view.roles.map((role) => ({ key: role.key, displayName: role.displayName, group: role.group, assignmentDate: timestampFromDate(role.assignedAt) })),
    changeDate: timestampFromDate(view.details.changeDate),
    sequence: BigInt(view.details.sequence),
  });

/** The token type a request names; a number outside the enum is refused by validation before this. */
const tokenTypeOf = (type: AppAccessTokenType) => (type === AppAccessTokenType.JWT ? AccessTokenType.Jwt : AccessTokenType.Bearer);

/**
 * keygate.v1.AppAccessService: the roles an API app holds and its client credentials setting. Every
 * write answers the app's access as it is after the write (read in the caller's org, so another
 * org's app is NotFound before anything is written: the command itself finds no app there).
 */
export function appAccessService({ commands, queries }: ServiceDeps): Partial<ServiceImpl<typeof AppAccessService>> {
  const accessAfter = async (ctx: HandlerContext, projectId: string, appId: string) => ({
    access: appAccessMessage(await queries.as(actorOf(ctx)).getAppAccess(projectId, appId)),
  });
  return {
    async getAppAccess(req, ctx) {
      return accessAfter(ctx, req.projectId, req.appId);
    },
    async addAppRoles(req, ctx) {
      await commands.as(actorOf(ctx)).addAppRoles(req.projectId, req.appId, req.roleKeys);
      return accessAfter(ctx, req.projectId, req.appId);
    },
    async removeAppRole(req, ctx) {
      await commands.as(actorOf(ctx)).removeAppRole(req.projectId, req.appId, req.roleKey);
      return accessAfter(ctx, req.projectId, req.appId);
    },
    async setAppClientCredentials(req, ctx) {
      await commands.as(actorOf(ctx)).setAppClientCredentials(req.projectId, req.appId, { enabled: req.enabled, accessTokenType: tokenTypeOf(req.accessTokenType) });
      return accessAfter(ctx, req.projectId, req.appId);
    },
  };
}
