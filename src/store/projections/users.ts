import type { Projection } from "../projector.js";
import { ACTIVE, createdBy, INACTIVE, updateRow } from "./row-metadata.js";

/** Machine users and their personal access tokens (stored as digests only). */
export const usersProjection: Projection = {
  name: "users",
  tables: ["personal_access_tokens", "users"],
  handlers: {
    "user.machine.added": (db, event) => {
      const p = event.payload;
      return [
        db
          .insertInto("users")
          .values({ ...createdBy(event), id: event.aggregateId, owner: event.owner, user_name: p.userName, name: p.name, description: p.description ?? "", state: ACTIVE }),
      ];
    },
    "user.machine.changed": (db, event) => {
      const p = event.payload;
      return [
        updateRow(db, "users", event, event.aggregateId, {
          ...(p.name === undefined ? {} : { name: p.name }),
          ...(p.description === undefined ? {} : { description: p.description }),
        }),
      ];
    },
    "user.deactivated": (db, event) => [updateRow(db, "users", event, event.aggregateId, { state: INACTIVE })],
    "user.reactivated": (db, event) => [updateRow(db, "users", event, event.aggregateId, { state: ACTIVE })],
    "user.removed": (db, event) => [
      db.deleteFrom("personal_access_tokens").where("instance_id", "=", event.instanceId).where("user_id", "=", event.aggregateId),
      db.deleteFrom("users").where("instance_id", "=", event.instanceId).where("id", "=", event.aggregateId),
    ],
    "user.personal.access.token.added": (db, event) => {
      const p = event.payload;
      return [
        db
          .insertInto("personal_access_tokens")
          .values({ ...createdBy(event), id: p.tokenId, user_id: event.aggregateId, owner: event.owner, token_digest: p.tokenDigest, expiration: p.expiration }),
      ];
    },
    "user.personal.access.token.removed": (db, event) => [
      db.deleteFrom("personal_access_tokens").where("instance_id", "=", event.instanceId).where("id", "=", event.payload.tokenId),
    ],
  },
};
