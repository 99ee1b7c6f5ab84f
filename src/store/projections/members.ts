import type { QueryCreator } from "kysely";
import type { AggregateType, StoredEvent } from "../../domain/events.js";
import type { Projection, ProjectionHandlers } from "../projector.js";
import type { Database } from "../schema.js";
import { changedBy, createdBy } from "./row-metadata.js";
import { deleteWhere, insertRow, updateWhere } from "./row-statements.js";

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
    "project.removed": (db, event) => [deleteWhere(db, "members", membershipsOf(event))],
    "user.removed": (db, event) => [deleteWhere(db, "members", { instance_id: event.instanceId, user_id: event.aggregateId })],
  },
};

function memberHandlers(aggregate: MemberAggregate): ProjectionHandlers {
  return {
    [`${aggregate}.member.added`]: (db: QueryCreator<Database>, event: MemberEvent) => [
      insertRow(db, "members", {
        ...createdBy(event),
        aggregate_type: aggregate,
        aggregate_id: event.aggregateId,
        user_id: event.payload.userId,
        owner: event.owner,
        roles: event.payload.roles,
      }),
    ],
    [`${aggregate}.member.changed`]: (db: QueryCreator<Database>, event: MemberEvent) => [
      updateWhere(db, "members", { ...changedBy(event), roles: event.payload.roles }, { ...membershipsOf(event), user_id: event.payload.userId }),
    ],
    [`${aggregate}.member.removed`]: (db: QueryCreator<Database>, event: StoredEvent & { payload: { userId: string } }) => [
      deleteWhere(db, "members", { ...membershipsOf(event), user_id: event.payload.userId }),
    ],
  };
}

/** The key of every membership in the event's aggregate. */
const membershipsOf = (event: StoredEvent) => ({ instance_id: event.instanceId, aggregate_type: event.aggregateType, aggregate_id: event.aggregateId });
