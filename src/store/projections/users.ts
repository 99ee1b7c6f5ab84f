import type { Projection } from "../projector.js";
import { ACTIVE, createdBy, INACTIVE, updateRow } from "./row-metadata.js";

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
      await updateRow(tx, "users", event, event.aggregateId, {
        ...(p.name === undefined ? {} : { name: p.name }),
        ...(p.description === undefined ? {} : { description: p.description }),
      });
    },
    "user.deactivated": (tx, event) => updateRow(tx, "users", event, event.aggregateId, { state: INACTIVE }),
    "user.reactivated": (tx, event) => updateRow(tx, "users", event, event.aggregateId, { state: ACTIVE }),
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
