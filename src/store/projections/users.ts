import type { Projection } from "../projector.js";
import { ACTIVE, createdBy, INACTIVE, updateRow } from "./row-metadata.js";
import { deleteWhere, insertRow } from "./row-statements.js";

/** Machine users and their personal access tokens (stored as digests only). */
export const usersProjection: Projection = {
  name: "users",
  tables: ["personal_access_tokens", "users"],
  handlers: {
    "user.machine.added": (db, event) => {
      const p = event.payload;
      return [
        insertRow(db, "users", { ...createdBy(event), id: event.aggregateId, owner: event.owner, user_name: p.userName, name: p.name, description: p.description ?? "", state: ACTIVE }),
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
      deleteWhere(db, "personal_access_tokens", { instance_id: event.instanceId, user_id: event.aggregateId }),
      deleteWhere(db, "users", { instance_id: event.instanceId, id: event.aggregateId }),
    ],
    "user.personal.access.token.added": (db, event) => {
      const p = event.payload;
      return [
        insertRow(db, "personal_access_tokens", { ...createdBy(event), id: p.tokenId, user_id: event.aggregateId, owner: event.owner, token_digest: p.tokenDigest, expiration: p.expiration }),
      ];
    },
    "user.personal.access.token.removed": (db, event) => [deleteWhere(db, "personal_access_tokens", { instance_id: event.instanceId, id: event.payload.tokenId })],
  },
};
