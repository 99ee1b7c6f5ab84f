import type { Projection } from "../projector.js";
import { deleteWhere, insertRow } from "./row-statements.js";

/**
 * Tokens API apps obtained for themselves. As with service users' tokens, a row goes with what it
 * was issued on: the app or its project removed, the secret or key it was issued with removed (a
 * regenerated secret replaces them all, so it ends every secret token of the app), the app's auth method switched, or its client credentials grant
 * turned off (turning it on again does not bring them back); a token its app revoked goes too (the
 * session's `oidc_session.access_token.revoked`, as a service user's token is revoked). A deactivated app's tokens are refused
 * by the apps table's state; the roles a token shows are read when it is introspected.
 */
export const appAccessTokensProjection: Projection = {
  name: "app_access_tokens",
  tables: ["app_access_tokens"],
  handlers: {
    "keygate.app.token.added": (db, event) => {
      const p = event.payload;
      return [
        insertRow(db, "app_access_tokens", {
          instance_id: event.instanceId,
          // The token's own issue time (its `iat`), not the commit's, which may fall in the next second.
          creation_date: p.authTime,
          change_date: event.createdAt,
          sequence: event.sequence,
          id: event.aggregateId,
          app_id: p.appId,
          project_id: p.projectId,
          owner: event.owner,
          client_id: p.clientID,
          audience: p.audience,
          scopes: p.scope,
          auth_method: p.authMethods.includes("private_key") ? "key" : "secret",
          token_type: p.tokenType,
          token_digest: p.tokenDigest,
          key_id: p.keyID,
          secret_id: p.secretID,
          expiration: p.expiration,
        }),
      ];
    },
    "oidc_session.access_token.revoked": (db, event) => [deleteWhere(db, "app_access_tokens", { instance_id: event.instanceId, id: event.aggregateId })],
    "project.application.removed": (db, event) => [deleteWhere(db, "app_access_tokens", { instance_id: event.instanceId, app_id: event.payload.appId })],
    "project.removed": (db, event) => [deleteWhere(db, "app_access_tokens", { instance_id: event.instanceId, project_id: event.aggregateId })],
    "project.application.config.api.secret.changed": (db, event) => [
      deleteWhere(db, "app_access_tokens", { instance_id: event.instanceId, app_id: event.payload.appId, auth_method: "secret" }),
    ],
    "project.application.config.api.changed": (db, event) => [deleteWhere(db, "app_access_tokens", { instance_id: event.instanceId, app_id: event.payload.appId })],
    "keygate.app.secret.removed": (db, event) => [
      deleteWhere(db, "app_access_tokens", { instance_id: event.instanceId, app_id: event.payload.appId, secret_id: event.payload.secretId }),
    ],
    "project.application.oidc.key.removed": (db, event) => [deleteWhere(db, "app_access_tokens", { instance_id: event.instanceId, key_id: event.payload.keyId })],
    "keygate.app.client_credentials.set": (db, event) =>
      event.payload.enabled ? [] : [deleteWhere(db, "app_access_tokens", { instance_id: event.instanceId, app_id: event.payload.appId })],
  },
};
