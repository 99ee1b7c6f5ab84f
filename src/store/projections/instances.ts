import type { Projection } from "../projector.js";
import { insertRow } from "./row-statements.js";

export const instancesProjection: Projection = {
  name: "instances",
  tables: ["instances"],
  handlers: {
    "instance.added": (db, event) => [insertRow(db, "instances", { id: event.aggregateId, name: event.payload.name, creation_date: event.createdAt })],
  },
};
