import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { isExpired } from "../../domain/app-secret.js";
import type { AppSecretService } from "../../gen/keygate/v1/app_secrets_pb.js";
import { KEY_LIST_KEY, SECRET_LIST_KEY, type AppKeyItem, type AppSecretItem } from "../../store/queries/app-credential-queries.js";
import { actorOf } from "../call-context.js";
import type { ServiceDeps } from "../services/service-deps.js";
import type { KeygatePermissions } from "./keygate-permissions.js";
import { keysetWindow, listIdentity, pageResult } from "./page-request.js";

export const APP_SECRET_PERMISSIONS: KeygatePermissions<typeof AppSecretService> = {
  addAppSecret: { permission: "project.app.write", checkField: "projectId" },
  listAppSecrets: { permission: "project.app.read", checkField: "projectId" },
  removeAppSecret: { permission: "project.app.write", checkField: "projectId" },
  listAppKeys: { permission: "project.app.read", checkField: "projectId" },
};

/**
 * keygate.v1.AppSecretService: an API app's secrets (several live at once, for rotation without
 * downtime) and its keys. `now` is the clock secrets expire by, the OAuth endpoints' own, so that
 * the list's `expired` and authentication agree.
 */
export function appSecretService({ queries, commands, now }: ServiceDeps): ServiceImpl<typeof AppSecretService> {
  return {
    async addAppSecret(req, ctx) {
      const expiration = req.expirationDate ? timestampDate(req.expirationDate) : undefined;
      const at = now();
      const added = await commands.as(actorOf(ctx)).addAppSecret(req.projectId, req.appId, { expiration, now: at });
      const secret: AppSecretItem = {
        id: added.secretId,
        creationDate: added.details.date,
        sequence: added.details.sequence,
        lastFour: added.clientSecret.slice(-4),
        ...(expiration ? { expiration } : {}),
      };
      return { secret: secretMessage(secret, at), clientSecret: added.clientSecret };
    },

    async listAppSecrets(req, ctx) {
      const actor = actorOf(ctx);
      const list = listIdentity("app secrets", actor.orgId, req.projectId, req.appId);
      const page = await queries.as(actor).listAppSecrets(req.projectId, req.appId, keysetWindow(req, list, SECRET_LIST_KEY.length));
      const at = now();
      return { secrets: page.result.map((secret) => secretMessage(secret, at)), ...pageResult(page, list) };
    },

    async removeAppSecret(req, ctx) {
      const details = await commands.as(actorOf(ctx)).removeAppSecret(req.projectId, req.appId, req.secretId);
      return { changeDate: timestampFromDate(details.date), sequence: BigInt(details.sequence) };
    },

    async listAppKeys(req, ctx) {
      const actor = actorOf(ctx);
      const list = listIdentity("app keys", actor.orgId, req.projectId, req.appId);
      const page = await queries.as(actor).listAppKeysPaged(req.projectId, req.appId, keysetWindow(req, list, KEY_LIST_KEY.length));
      const at = now();
      return { keys: page.result.map((key) => keyMessage(key, at)), ...pageResult(page, list) };
    },
  };
}

function secretMessage(secret: AppSecretItem, now: Date) {
  return {
    id: secret.id,
    creationDate: timestampFromDate(secret.creationDate),
    ...(secret.expiration ? { expirationDate: timestampFromDate(secret.expiration) } : {}),
    expired: isExpired(secret, now),
    lastFour: secret.lastFour,
    ...(secret.lastUsed ? { lastUsed: timestampFromDate(secret.lastUsed) } : {}),
    sequence: BigInt(secret.sequence),
  };
}

function keyMessage(key: AppKeyItem, now: Date) {
  return {
    id: key.id,
    creationDate: timestampFromDate(key.creationDate),
    expirationDate: timestampFromDate(key.expiration),
    expired: key.expiration.getTime() <= now.getTime(),
    sequence: BigInt(key.sequence),
  };
}
