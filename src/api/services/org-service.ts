import { notFound } from "../../domain/errors.js";
import { addOrg } from "../../store/commands/org-commands.js";
import { findOrg } from "../../store/queries/org-queries.js";
import { actorOf } from "../call-context.js";
import { addedDetails, readDetails } from "../details.js";
import type { ManagementPart, ServiceDeps } from "./service-deps.js";

export function orgService(deps: ServiceDeps): ManagementPart {
  return {
    healthz: () => ({}),

    async getMyOrg(_req, ctx) {
      const actor = actorOf(ctx);
      const org = await findOrg(deps.db, actor.instanceId, actor.orgId);
      if (!org) throw notFound("QUERY-bdWeq", "Organisation not found");
      return { org: { id: org.id, name: org.name, state: org.state, primaryDomain: org.primaryDomain, details: readDetails(org.details) } };
    },

    async addOrg(req, ctx) {
      const { id, details } = await addOrg(deps.commands, actorOf(ctx), req.name, deps.instanceDomain);
      return { id, details: addedDetails(details) };
    },
  };
}
