import type { Transaction, Updateable } from "kysely";
import type { StoredEvent } from "../../domain/events.js";
import type { Projection } from "../projector.js";
import type { Database, UsersTable } from "../schema.js";
import { ACTIVE, changedBy, createdBy, INACTIVE } from "./row-metadata.js";

/** Machine users and their personal access tokens (stored as digests only). */
export const usersProjection: Projection = {
  name: "users",
  tables: ["personal_access_tokens", "users"],
  handlers: {
    "user.machine.added": async (tx, event) => {
      const p = event.payload;
      await tx
        .insertInto("users")
        .values({ ...createdBy(event), id: event.aggregateId, owner: event.owner, user_name: p.userName, name: p.name, description: p.description ?? "", state: ACTIVE })
        .execute();
    },
    "user.machine.changed": async (tx, event) => {
      const p = event.payload;
      await updateUser(tx, event, {
        ...(p.name === undefined ? {} : { name: p.name }),
        ...(p.description === undefined ? {} : { description: p.description }),
      });
    },
    "user.deactivated": (tx, event) => updateUser(tx, event, { state: INACTIVE }),
    "user.reactivated": (tx, event) => updateUser(tx, event, { state: ACTIVE }),
    "user.removed": async (tx, event) => {
      await tx.deleteFrom("personal_access_tokens").where("instance_id", "=", event.instanceId).where("user_id", "=", event.aggregateId).execute();
      await tx.deleteFrom("users").where("instance_id", "=", event.instanceId).where("id", "=", event.aggregateId).execute();
    },
    "user.personal.access.token.added": async (tx, event) => {
      const p = event.payload;
      await tx
        .insertInto("personal_access_tokens")
        .values({ ...createdBy(event), id: p.tokenId, user_id: event.aggregateId, owner: event.owner, token_digest: p.tokenDigest, expiration: p.expiration })
        .execute();
    },
    "user.personal.access.token.removed": async (tx, event) => {
      await tx.deleteFrom("personal_access_tokens").where("instance_id", "=", event.instanceId).where("id", "=", event.payload.tokenId).execute();
    },
  },
};

async function updateUser(tx: Transaction<Database>, event: StoredEvent, values: Updateable<UsersTable>): Promise<void> {
  await tx
    .updateTable("users")
    .set({ ...values, ...changedBy(event) })
    .where("instance_id", "=", event.instanceId)
    .where("id", "=", event.aggregateId)
    .execute();
}
