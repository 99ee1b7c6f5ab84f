import type { Projection } from "../projector.js";

export const instancesProjection: Projection = {
  name: "instances",
  tables: ["instances"],
  handlers: {
    "instance.added": (db, event) => [db.insertInto("instances").values({ id: event.aggregateId, name: event.payload.name, creation_date: event.createdAt })],
  },
};
