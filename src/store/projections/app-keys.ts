import { ApiAuthMethod } from "../../domain/app.js";
import type { Projection } from "../projector.js";
import { createdBy } from "./row-metadata.js";
import { deleteWhere, insertRow, updateWhere } from "./row-statements.js";

/** Keys of JWT apps. Rows of removed apps and projects go with the app rows (foreign key cascade). */
export const appKeysProjection: Projection = {
  name: "app_keys",
  tables: ["app_keys"],
  handlers: {
    "project.application.oidc.key.added": (db, event) => {
      const p = event.payload;
      return [
        insertRow(db, "app_keys", {
          ...createdBy(event),
          id: p.keyId,
          project_id: event.aggregateId,
          app_id: p.applicationId,
          owner: event.owner,
          client_id: p.clientId,
          type: p.type,
          expiration: p.expirationDate,
          public_key: p.publicKey,
          enabled: true,
        }),
      ];
    },
    "project.application.oidc.key.removed": (db, event) => [deleteWhere(db, "app_keys", { instance_id: event.instanceId, id: event.payload.keyId })],
    // Keys are hidden while their app is BASIC and reappear when it switches back to JWT.
    "project.application.config.api.changed": (db, event) => [
      updateWhere(db, "app_keys", { enabled: event.payload.authMethodType === ApiAuthMethod.PrivateKeyJwt }, { instance_id: event.instanceId, app_id: event.payload.appId }),
    ],
  },
};
