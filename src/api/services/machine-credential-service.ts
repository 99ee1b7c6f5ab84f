import { timestampDate } from "@bufbuild/protobuf/wkt";
import { actorOf } from "../call-context.js";
import { addedDetails, changedDetails, listDetails, listOptions } from "../details.js";
import { keyMessage } from "../key-message.js";
import type { ManagementPart, ServiceDeps } from "./service-deps.js";

/** Service users' credentials: a client secret (client credentials grant) and keys (JWT profile grant). */
export function machineCredentialService({ queries, commands }: ServiceDeps): ManagementPart {
  return {
    async generateMachineSecret(req, ctx) {
      const { clientId, clientSecret, details } = await commands.as(actorOf(ctx)).generateMachineSecret(req.userId);
      return { clientId, clientSecret, details: addedDetails(details) };
    },

    async removeMachineSecret(req, ctx) {
      return { details: changedDetails(await commands.as(actorOf(ctx)).removeMachineSecret(req.userId)) };
    },

    async addMachineKey(req, ctx) {
      const input = {
        expiration: req.expirationDate ? timestampDate(req.expirationDate) : undefined,
        ...(req.publicKey.length > 0 ? { publicKeyPem: new TextDecoder().decode(req.publicKey) } : {}),
      };
      const added = await commands.as(actorOf(ctx)).addMachineKey(req.userId, input);
      return { keyId: added.keyId, keyDetails: new TextEncoder().encode(added.keyDetails ?? ""), details: addedDetails(added.details) };
    },

    async getMachineKeyByIDs(req, ctx) {
      return { key: keyMessage(await queries.as(actorOf(ctx)).getMachineKey(req.userId, req.keyId)) };
    },

    async listMachineKeys(req, ctx) {
      const page = await queries.as(actorOf(ctx)).listMachineKeys(req.userId, listOptions(req.query));
      return { details: listDetails(page), result: page.result.map(keyMessage) };
    },

    async removeMachineKey(req, ctx) {
      return { details: changedDetails(await commands.as(actorOf(ctx)).removeMachineKey(req.userId, req.keyId)) };
    },
  };
}
