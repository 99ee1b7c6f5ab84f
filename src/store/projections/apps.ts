import type { QueryCreator, Updateable } from "kysely";
import type { StoredEvent } from "../../domain/events.js";
import type { Projection } from "../projector.js";
import type { AppApiConfigsTable, Database } from "../schema.js";
import { ACTIVE, createdBy, INACTIVE, updateRow } from "./row-metadata.js";
import { metadataColumns } from "./metadata-columns.js";
import { deleteWhere, insertRow, updateWhere } from "./row-statements.js";

/** Apps and their API configs; every app event, config events included, moves the app row's sequence. */
export const appsProjection: Projection = {
  name: "apps",
  tables: ["app_api_configs", "apps"],
  handlers: {
    "project.application.added": (db, event) => [
      insertRow(db, "apps", { ...createdBy(event), id: event.payload.appId, project_id: event.aggregateId, owner: event.owner, name: event.payload.name, state: ACTIVE }),
    ],
    "project.application.changed": (db, event) => [updateRow(db, "apps", event, event.payload.appId, { name: event.payload.name })],
    "project.application.deactivated": (db, event) => [updateRow(db, "apps", event, event.payload.appId, { state: INACTIVE })],
    "project.application.reactivated": (db, event) => [updateRow(db, "apps", event, event.payload.appId, { state: ACTIVE })],
    "project.application.keygate.metadata.set": (db, event) => {
      const p = event.payload;
      return [updateRow(db, "apps", event, p.appId, { ...metadataColumns(p), ...(p.version === undefined ? {} : { version: p.version }) })];
    },
    "project.application.removed": (db, event) => [deleteWhere(db, "apps", { instance_id: event.instanceId, id: event.payload.appId })],
    "project.application.config.api.added": (db, event) => {
      const p = event.payload;
      return [
        insertRow(db, "app_api_configs", { instance_id: event.instanceId, app_id: p.appId, client_id: p.clientId, auth_method: p.authMethodType ?? 0 }),
        updateRow(db, "apps", event, p.appId, {}),
      ];
    },
    "project.application.config.api.changed": (db, event) => updateConfig(db, event, event.payload.appId, { auth_method: event.payload.authMethodType }),
    // Secrets live in app_secrets (app-secrets.ts); their events still move the app row's sequence.
    "project.application.config.api.secret.changed": (db, event) => [updateRow(db, "apps", event, event.payload.appId, {})],
    "keygate.app.secret.added": (db, event) => [updateRow(db, "apps", event, event.payload.appId, {})],
    "keygate.app.secret.removed": (db, event) => [updateRow(db, "apps", event, event.payload.appId, {})],
    "keygate.app.client_credentials.set": (db, event) =>
      updateConfig(db, event, event.payload.appId, { client_credentials: event.payload.enabled, client_credentials_token_type: event.payload.accessTokenType ?? 0 }),
    // A role assigned or taken away is a change of the app (its sequence and change date), as every app event is.
    "keygate.app.role.added": (db, event) => [updateRow(db, "apps", event, event.payload.appId, {})],
    "keygate.app.role.removed": (db, event) => [updateRow(db, "apps", event, event.payload.appId, {})],
    "project.removed": (db, event) => [deleteWhere(db, "apps", { instance_id: event.instanceId, project_id: event.aggregateId })],
  },
};

function updateConfig(db: QueryCreator<Database>, event: StoredEvent, appId: string, values: Updateable<AppApiConfigsTable>) {
  return [updateWhere(db, "app_api_configs", values, { instance_id: event.instanceId, app_id: appId }), updateRow(db, "apps", event, appId, {})];
}
