import type { Projection } from "../projector.js";
import { ACTIVE, changedBy, createdBy } from "./row-metadata.js";

export const orgsProjection: Projection = {
  name: "orgs",
  tables: ["orgs"],
  handlers: {
    "org.added": (db, event) => [
      db.insertInto("orgs").values({ ...createdBy(event), id: event.aggregateId, name: event.payload.name, state: ACTIVE, primary_domain: "" }),
    ],
    "org.domain.primary.set": (db, event) => [
      db
        .updateTable("orgs")
        .set({ ...changedBy(event), primary_domain: event.payload.domain })
        .where("instance_id", "=", event.instanceId)
        .where("id", "=", event.aggregateId),
    ],
  },
};
