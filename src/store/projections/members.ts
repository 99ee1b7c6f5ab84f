import type { QueryCreator } from "kysely";
import type { AggregateType, StoredEvent } from "../../domain/events.js";
import type { Projection, ProjectionHandlers } from "../projector.js";
import type { Database } from "../schema.js";
import { changedBy, createdBy } from "./row-metadata.js";

type MemberAggregate = Extract<AggregateType, "instance" | "org" | "project">;
type MemberEvent = StoredEvent & { payload: { userId: string; roles: string[] } };

/** Memberships of users in the instance, orgs and projects, with their roles. */
export const membersProjection: Projection = {
  name: "members",
  tables: ["members"],
  handlers: {
    ...memberHandlers("instance"),
    ...memberHandlers("org"),
    ...memberHandlers("project"),
    "project.removed": (db, event) => [memberRows(db, event)],
    "user.removed": (db, event) => [db.deleteFrom("members").where("instance_id", "=", event.instanceId).where("user_id", "=", event.aggregateId)],
  },
};

function memberHandlers(aggregate: MemberAggregate): ProjectionHandlers {
  return {
    [`${aggregate}.member.added`]: (db: QueryCreator<Database>, event: MemberEvent) => [
      db.insertInto("members").values({
        ...createdBy(event),
        aggregate_type: aggregate,
        aggregate_id: event.aggregateId,
        user_id: event.payload.userId,
        owner: event.owner,
        roles: event.payload.roles,
      }),
    ],
    [`${aggregate}.member.changed`]: (db: QueryCreator<Database>, event: MemberEvent) => [
      db
        .updateTable("members")
        .set({ ...changedBy(event), roles: event.payload.roles })
        .where("instance_id", "=", event.instanceId)
        .where("aggregate_type", "=", aggregate)
        .where("aggregate_id", "=", event.aggregateId)
        .where("user_id", "=", event.payload.userId),
    ],
    [`${aggregate}.member.removed`]: (db: QueryCreator<Database>, event: StoredEvent & { payload: { userId: string } }) => [
      memberRows(db, event).where("user_id", "=", event.payload.userId),
    ],
  };
}

function memberRows(db: QueryCreator<Database>, event: StoredEvent) {
  return db
    .deleteFrom("members")
    .where("instance_id", "=", event.instanceId)
    .where("aggregate_type", "=", event.aggregateType)
    .where("aggregate_id", "=", event.aggregateId);
}
