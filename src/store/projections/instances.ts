import type { Projection } from "../projector.js";

export const instancesProjection: Projection = {
  name: "instances",
  tables: ["instances"],
  handlers: {
    "instance.added": async (tx, event) => {
      await tx.insertInto("instances").values({ id: event.aggregateId, name: event.payload.name, creation_date: event.createdAt }).execute();
    },
  },
};
