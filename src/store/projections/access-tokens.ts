import type { Projection } from "../projector.js";
import { changedBy, createdBy } from "./row-metadata.js";
import { deleteWhere, insertRow, updateWhere } from "./row-statements.js";

/**
 * Tokens issued to service users (`oidc_session` aggregates). A revoked token's row goes, and so do
 * the rows of a removed user and those issued with a secret or key that was removed; a new secret
 * removes the one before, so it ends that secret's tokens too (rotating a leaked secret must not
 * leave what was taken with it working). A deactivated user's tokens are refused by the users
 * table's state.
 */
export const accessTokensProjection: Projection = {
  name: "access_tokens",
  tables: ["access_tokens"],
  handlers: {
    "oidc_session.added": (db, event) => {
      const p = event.payload;
      return [
        insertRow(db, "access_tokens", {
          ...createdBy(event),
          // The token's own issue time (its `iat`), not the commit's, which may fall in the next second.
          creation_date: p.authTime,
          id: event.aggregateId,
          user_id: p.userID,
          owner: event.owner,
          client_id: p.clientID,
          audience: p.audience,
          scopes: p.scope,
          auth_method: p.authMethods.includes("private_key") ? "key" : "secret",
        }),
      ];
    },
    "oidc_session.access_token.added": (db, event) => {
      const p = event.payload;
      return [
        updateWhere(
          db,
          "access_tokens",
          { ...changedBy(event), token_type: p.tokenType, token_digest: p.tokenDigest, key_id: p.keyID, expiration: p.expiration },
          { instance_id: event.instanceId, id: event.aggregateId },
        ),
      ];
    },
    "oidc_session.access_token.revoked": (db, event) => [deleteWhere(db, "access_tokens", { instance_id: event.instanceId, id: event.aggregateId })],
    "user.removed": (db, event) => [deleteWhere(db, "access_tokens", { instance_id: event.instanceId, user_id: event.aggregateId })],
    "user.machine.secret.set": (db, event) => [deleteWhere(db, "access_tokens", { instance_id: event.instanceId, user_id: event.aggregateId, auth_method: "secret" })],
    "user.machine.secret.removed": (db, event) => [deleteWhere(db, "access_tokens", { instance_id: event.instanceId, user_id: event.aggregateId, auth_method: "secret" })],
    "user.machine.key.removed": (db, event) => [deleteWhere(db, "access_tokens", { instance_id: event.instanceId, user_id: event.aggregateId, key_id: event.payload.keyId })],
  },
};
