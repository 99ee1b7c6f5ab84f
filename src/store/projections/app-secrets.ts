import type { QueryCreator } from "kysely";
import { zitadelSecretId } from "../../domain/app-secret.js";
import type { StoredEvent } from "../../domain/events.js";
import type { Projection } from "../projector.js";
import type { Database } from "../schema.js";
import { createdBy } from "./row-metadata.js";
import { deleteWhere, insertRow } from "./row-statements.js";

/**
 * The secrets of API apps: ZITADEL's one secret (AddAPIApp's, or RegenerateAPIClientSecret's, which
 * replaces them all) and keygate's added ones. Rows of removed apps and projects go with the app rows
 * (foreign key cascade).
 */
export const appSecretsProjection: Projection = {
  name: "app_secrets",
  tables: ["app_secrets"],
  handlers: {
    "project.application.config.api.added": (db, event) => {
      const p = event.payload;
      return p.hashedSecret === undefined ? [] : [insertSecret(db, event, p.appId, { id: zitadelSecretId(event.sequence), hash: p.hashedSecret, lastFour: p.lastFour })];
    },
    "project.application.config.api.secret.changed": (db, event) => {
      const p = event.payload;
      return [
        deleteWhere(db, "app_secrets", { instance_id: event.instanceId, app_id: p.appId }),
        insertSecret(db, event, p.appId, { id: zitadelSecretId(event.sequence), hash: p.hashedSecret, lastFour: p.lastFour }),
      ];
    },
    "keygate.app.secret.added": (db, event) => {
      const p = event.payload;
      return [insertSecret(db, event, p.appId, { id: p.secretId, hash: p.hashedSecret, lastFour: p.lastFour, expiration: p.expirationDate })];
    },
    "keygate.app.secret.removed": (db, event) => [deleteWhere(db, "app_secrets", { instance_id: event.instanceId, app_id: event.payload.appId, id: event.payload.secretId })],
  },
};

function insertSecret(db: QueryCreator<Database>, event: StoredEvent, appId: string, secret: { id: string; hash: string; lastFour: string | undefined; expiration?: string }) {
  return insertRow(db, "app_secrets", {
    ...createdBy(event),
    app_id: appId,
    id: secret.id,
    project_id: event.aggregateId,
    owner: event.owner,
    hash: secret.hash,
    // Events written before keygate recorded it have none.
    last_four: secret.lastFour ?? "",
    expiration: secret.expiration ?? null,
  });
}
