import type { Projection } from "../projector.js";
import { ACTIVE, changedBy, createdBy } from "./row-metadata.js";

export const orgsProjection: Projection = {
  name: "orgs",
  tables: ["orgs"],
  handlers: {
    "org.added": async (tx, event) => {
      await tx
        .insertInto("orgs")
        .values({ ...createdBy(event), id: event.aggregateId, name: event.payload.name, state: ACTIVE, primary_domain: "" })
        .execute();
    },
    "org.domain.primary.set": async (tx, event) => {
      await tx
        .updateTable("orgs")
        .set({ ...changedBy(event), primary_domain: event.payload.domain })
        .where("instance_id", "=", event.instanceId)
        .where("id", "=", event.aggregateId)
        .execute();
    },
  },
};
