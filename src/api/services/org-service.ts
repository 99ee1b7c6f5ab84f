import { notFound } from "../../domain/errors.js";
import { actorOf } from "../call-context.js";
import { addedDetails, readDetails } from "../details.js";
import type { ManagementPart, ServiceDeps } from "./service-deps.js";

export function orgService({ queries, commands, instanceDomain }: ServiceDeps): ManagementPart {
  return {
    healthz: () => ({}),

    async getMyOrg(_req, ctx) {
      const org = await queries.as(actorOf(ctx)).findOrg();
      if (!org) throw notFound("QUERY-bdWeq", "Organisation not found");
      return { org: { id: org.id, name: org.name, state: org.state, primaryDomain: org.primaryDomain, details: readDetails(org.details) } };
    },

    async addOrg(req, ctx) {
      const { id, details } = await commands.as(actorOf(ctx)).addOrg(req.name, instanceDomain);
      return { id, details: addedDetails(details) };
    },
  };
}
