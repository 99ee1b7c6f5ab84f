import type { Transaction } from "kysely";
import type { AggregateType, StoredEvent } from "../../domain/events.js";
import type { Projection, ProjectionHandlers } from "../projector.js";
import type { Database } from "../schema.js";
import { changedBy, createdBy } from "./row-metadata.js";

type MemberAggregate = Extract<AggregateType, "instance" | "org" | "project">;

/** Memberships of users in the instance, orgs and projects, with their roles. */
export const membersProjection: Projection = {
  name: "members",
  tables: ["members"],
  handlers: {
    ...memberHandlers("instance"),
    ...memberHandlers("org"),
    ...memberHandlers("project"),
    "project.removed": async (tx, event) => {
      await memberRows(tx, event).execute();
    },
    "user.removed": async (tx, event) => {
      await tx.deleteFrom("members").where("instance_id", "=", event.instanceId).where("user_id", "=", event.aggregateId).execute();
    },
  },
};

function memberHandlers(aggregate: MemberAggregate): ProjectionHandlers {
  return {
    [`${aggregate}.member.added`]: async (tx: Transaction<Database>, event: StoredEvent & { payload: { userId: string; roles: string[] } }) => {
      await tx
        .insertInto("members")
        .values({
          ...createdBy(event),
          aggregate_type: aggregate,
          aggregate_id: event.aggregateId,
          user_id: event.payload.userId,
          owner: event.owner,
          roles: event.payload.roles,
        })
        .execute();
    },
    [`${aggregate}.member.changed`]: async (tx: Transaction<Database>, event: StoredEvent & { payload: { userId: string; roles: string[] } }) => {
      await tx
        .updateTable("members")
        .set({ ...changedBy(event), roles: event.payload.roles })
        .where("instance_id", "=", event.instanceId)
        .where("aggregate_type", "=", aggregate)
        .where("aggregate_id", "=", event.aggregateId)
        .where("user_id", "=", event.payload.userId)
        .execute();
    },
    [`${aggregate}.member.removed`]: async (tx: Transaction<Database>, event: StoredEvent & { payload: { userId: string } }) => {
      await memberRows(tx, event).where("user_id", "=", event.payload.userId).execute();
    },
  };
}

function memberRows(tx: Transaction<Database>, event: StoredEvent) {
  return tx
    .deleteFrom("members")
    .where("instance_id", "=", event.instanceId)
    .where("aggregate_type", "=", event.aggregateType)
    .where("aggregate_id", "=", event.aggregateId);
}
