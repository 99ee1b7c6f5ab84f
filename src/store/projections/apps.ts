import type { Transaction, Updateable } from "kysely";
import type { StoredEvent } from "../../domain/events.js";
import type { Projection } from "../projector.js";
import type { AppApiConfigsTable, Database } from "../schema.js";
import { ACTIVE, createdBy, INACTIVE, updateRow } from "./row-metadata.js";

/** Apps and their API configs; every app event, config events included, moves the app row's sequence. */
export const appsProjection: Projection = {
  name: "apps",
  tables: ["app_api_configs", "apps"],
  handlers: {
    "project.application.added": async (tx, event) => {
      await tx
        .insertInto("apps")
        .values({ ...createdBy(event), id: event.payload.appId, project_id: event.aggregateId, owner: event.owner, name: event.payload.name, state: ACTIVE })
        .execute();
    },
    "project.application.changed": (tx, event) => updateRow(tx, "apps", event, event.payload.appId, { name: event.payload.name }),
    "project.application.deactivated": (tx, event) => updateRow(tx, "apps", event, event.payload.appId, { state: INACTIVE }),
    "project.application.reactivated": (tx, event) => updateRow(tx, "apps", event, event.payload.appId, { state: ACTIVE }),
    "project.application.removed": async (tx, event) => {
      await tx.deleteFrom("apps").where("instance_id", "=", event.instanceId).where("id", "=", event.payload.appId).execute();
    },
    "project.application.config.api.added": async (tx, event) => {
      const p = event.payload;
      await tx
        .insertInto("app_api_configs")
        .values({ instance_id: event.instanceId, app_id: p.appId, client_id: p.clientId, client_secret_hash: p.hashedSecret ?? null, auth_method: p.authMethodType ?? 0 })
        .execute();
      await updateRow(tx, "apps", event, p.appId, {});
    },
    "project.application.config.api.changed": async (tx, event) => {
      await updateConfig(tx, event, event.payload.appId, { auth_method: event.payload.authMethodType });
    },
    "project.application.config.api.secret.changed": async (tx, event) => {
      await updateConfig(tx, event, event.payload.appId, { client_secret_hash: event.payload.hashedSecret });
    },
    "project.removed": async (tx, event) => {
      await tx.deleteFrom("apps").where("instance_id", "=", event.instanceId).where("project_id", "=", event.aggregateId).execute();
    },
  },
};


async function updateConfig(tx: Transaction<Database>, event: StoredEvent, appId: string, values: Updateable<AppApiConfigsTable>): Promise<void> {
  await tx.updateTable("app_api_configs").set(values).where("instance_id", "=", event.instanceId).where("app_id", "=", appId).execute();
  await updateRow(tx, "apps", event, appId, {});
}
