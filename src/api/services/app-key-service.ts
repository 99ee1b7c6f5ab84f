import { timestampDate } from "@bufbuild/protobuf/wkt";
import { actorOf } from "../call-context.js";
import { addedDetails, changedDetails, listDetails, listOptions } from "../details.js";
import { keyMessage } from "../key-message.js";
import type { ManagementPart, ServiceDeps } from "./service-deps.js";

export function appKeyService({ queries, commands }: ServiceDeps): ManagementPart {
  return {
    async addAppKey(req, ctx) {
      const expiration = req.expirationDate ? timestampDate(req.expirationDate) : undefined;
      const added = await commands.as(actorOf(ctx)).addAppKey(req.projectId, req.appId, expiration);
      return { id: added.id, keyDetails: new TextEncoder().encode(added.keyDetails), details: addedDetails(added.details) };
    },

    async getAppKey(req, ctx) {
      return { key: keyMessage(await queries.as(actorOf(ctx)).getAppKey(req.projectId, req.appId, req.keyId)) };
    },

    async listAppKeys(req, ctx) {
      const page = await queries.as(actorOf(ctx)).listAppKeys(req.projectId, req.appId, listOptions(req.query));
      return { details: listDetails(page), result: page.result.map(keyMessage) };
    },

    async removeAppKey(req, ctx) {
      return { details: changedDetails(await commands.as(actorOf(ctx)).removeAppKey(req.projectId, req.appId, req.keyId)) };
    },
  };
}
