import type { Projection } from "../projector.js";
import { ACTIVE, changedBy, createdBy } from "./row-metadata.js";
import { insertRow, updateWhere } from "./row-statements.js";

export const orgsProjection: Projection = {
  name: "orgs",
  tables: ["orgs"],
  handlers: {
    "org.added": (db, event) => [
      insertRow(db, "orgs", { ...createdBy(event), id: event.aggregateId, name: event.payload.name, state: ACTIVE, primary_domain: "" }),
    ],
    "org.domain.primary.set": (db, event) => [
      updateWhere(db, "orgs", { ...changedBy(event), primary_domain: event.payload.domain }, { instance_id: event.instanceId, id: event.aggregateId }),
    ],
  },
};
