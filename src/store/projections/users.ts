import type { Projection } from "../projector.js";
import { ACTIVE, createdBy, INACTIVE, updateRow } from "./row-metadata.js";
import { deleteWhere, insertRow } from "./row-statements.js";

/**
 * Machine users with their secrets (hashes only), keys (public keys only) and personal access tokens
 * (digests only). A user's secret events change its row, as in ZITADEL's users projection; its
 * keys and tokens are rows of their own.
 */
export const usersProjection: Projection = {
  name: "users",
  tables: ["machine_keys", "personal_access_tokens", "users"],
  handlers: {
    "user.machine.added": (db, event) => {
      const p = event.payload;
      return [
        insertRow(db, "users", {
          ...createdBy(event),
          id: event.aggregateId,
          owner: event.owner,
          user_name: p.userName,
          name: p.name,
          description: p.description ?? "",
          state: ACTIVE,
          access_token_type: p.accessTokenType ?? 0,
        }),
      ];
    },
    "user.machine.changed": (db, event) => {
      const p = event.payload;
      return [
        updateRow(db, "users", event, event.aggregateId, {
          ...(p.name === undefined ? {} : { name: p.name }),
          ...(p.description === undefined ? {} : { description: p.description }),
          ...(p.accessTokenType === undefined ? {} : { access_token_type: p.accessTokenType }),
        }),
      ];
    },
    "user.deactivated": (db, event) => [updateRow(db, "users", event, event.aggregateId, { state: INACTIVE })],
    "user.reactivated": (db, event) => [updateRow(db, "users", event, event.aggregateId, { state: ACTIVE })],
    "user.removed": (db, event) => [
      deleteWhere(db, "machine_keys", { instance_id: event.instanceId, user_id: event.aggregateId }),
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
    "user.machine.secret.set": (db, event) => [updateRow(db, "users", event, event.aggregateId, { secret_hash: event.payload.hashedSecret })],
    "user.machine.secret.removed": (db, event) => [updateRow(db, "users", event, event.aggregateId, { secret_hash: null })],
    "user.machine.key.added": (db, event) => {
      const p = event.payload;
      return [
        insertRow(db, "machine_keys", {
          ...createdBy(event),
          id: p.keyId,
          user_id: event.aggregateId,
          owner: event.owner,
          type: p.type,
          expiration: p.expirationDate,
          public_key: p.publicKey,
        }),
      ];
    },
    "user.machine.key.removed": (db, event) => [deleteWhere(db, "machine_keys", { instance_id: event.instanceId, id: event.payload.keyId })],
  },
};
