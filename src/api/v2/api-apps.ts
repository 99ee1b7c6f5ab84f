import type { HandlerContext } from "@connectrpc/connect";
import type { ApiAuthMethod } from "../../domain/app.js";
import { failedPrecondition, notFound } from "../../domain/errors.js";
import type { AppKeyCondition, AppKeySortColumn } from "../../store/queries/app-key-queries.js";
import type { AppCondition, AppSortColumn } from "../../store/queries/app-queries.js";
import type { ListOptions } from "../../store/queries/list-options.js";
import type { ServiceDeps } from "../services/service-deps.js";
import { ResourceAccess } from "./resource-access.js";

/** The errors of an object that does not exist, or that is in an org the caller has no part in. */
const projectNotFound = () => failedPrecondition("COMMAND-EbFMN", "Project not found");
const appNotFound = (id: string) => () => notFound(id, "Application doesn't exist");
const appNotExisting = () => notFound("QUERY-pCP8P", "Errors.App.NotExisting");
const appForKeyNotFound = () => failedPrecondition("COMMAND-sak25", "Application not found");
const keyNotFound = () => notFound("COMMAND-4m77G", "Application key not found");
const keyNotExisting = () => notFound("QUERY-Dgr3g", "Errors.AuthNKey.NotFound");

export interface AppChange {
  name?: string;
  authMethod?: ApiAuthMethod;
}

/**
 * API apps as v2 and v2beta see them: each operation finds the org from the object named, checks the
 * caller's permission there, and runs the same command or query as v1 in that org, so one app is the
 * same app (ids, events, sequence) whichever API made or reads it. The two services only translate
 * their messages to these calls.
 */
export function apiApps(deps: ServiceDeps) {
  const access = new ResourceAccess(deps);
  return {
    async create(ctx: HandlerContext, projectId: string, input: { name: string; authMethod: ApiAuthMethod; appId?: string }) {
      const acting = await access.onProject(ctx, projectId, projectNotFound);
      return acting.commands.addApiApp(projectId, input);
    },

    /** The date of the change, or of the last one when nothing was to change. */
    async update(ctx: HandlerContext, projectId: string, appId: string, change: AppChange): Promise<Date> {
      const acting = await access.onProject(ctx, projectId, appNotFound("COMMAND-28di9"));
      const details = await acting.commands.updateApiApp(projectId, appId, change);
      return details?.date ?? (await acting.queries.getApp(projectId, appId)).details.changeDate;
    },

    async get(ctx: HandlerContext, appId: string) {
      const acting = await access.onApp(ctx, appId, undefined, appNotExisting);
      return acting.queries.getApp(acting.projectId, appId);
    },

    async deactivate(ctx: HandlerContext, projectId: string, appId: string): Promise<Date> {
      const acting = await access.onProject(ctx, projectId, appNotFound("COMMAND-ov9d3"));
      return (await acting.commands.deactivateApp(projectId, appId)).date;
    },

    async reactivate(ctx: HandlerContext, projectId: string, appId: string): Promise<Date> {
      const acting = await access.onProject(ctx, projectId, appNotFound("COMMAND-ov9d3"));
      return (await acting.commands.reactivateApp(projectId, appId)).date;
    },

    async remove(ctx: HandlerContext, projectId: string, appId: string): Promise<Date> {
      const acting = await access.onProject(ctx, projectId, appNotFound("COMMAND-0po9s"));
      return (await acting.commands.removeApp(projectId, appId)).date;
    },

    async regenerateSecret(ctx: HandlerContext, projectId: string, appId: string) {
      const acting = await access.onProject(ctx, projectId, appNotFound("COMMAND-2g66f"));
      const { clientSecret, details } = await acting.commands.regenerateApiSecret(projectId, appId);
      return { clientSecret, date: details.date };
    },

    async list(ctx: HandlerContext, conditions: readonly AppCondition[], sortBy: AppSortColumn, options: ListOptions) {
      const instanceId = access.instanceOf(ctx);
      return deps.queries.listAppsInScope(instanceId, await access.readScope(ctx), conditions, sortBy, options);
    },

    async addKey(ctx: HandlerContext, projectId: string, appId: string, expiration: Date | undefined) {
      const acting = await access.onProject(ctx, projectId, appForKeyNotFound);
      return acting.commands.addAppKey(projectId, appId, expiration);
    },

    async removeKey(ctx: HandlerContext, keyId: string, expected: { appId: string; projectId: string; orgId?: string }): Promise<Date> {
      const acting = await access.onAppKey(ctx, keyId, expected, keyNotFound);
      return (await acting.commands.removeAppKey(acting.projectId, acting.appId, keyId)).date;
    },

    async getKey(ctx: HandlerContext, keyId: string, expected: { appId?: string; projectId?: string; orgId?: string }) {
      const acting = await access.onAppKey(ctx, keyId, expected, keyNotExisting);
      return acting.queries.getAppKey(acting.projectId, acting.appId, keyId);
    },

    async listKeys(ctx: HandlerContext, conditions: readonly AppKeyCondition[], sortBy: AppKeySortColumn, options: ListOptions) {
      const instanceId = access.instanceOf(ctx);
      return deps.queries.listKeysInScope(instanceId, await access.readScope(ctx), conditions, sortBy, options);
    },
  };
}
