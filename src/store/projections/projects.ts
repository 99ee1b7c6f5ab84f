import type { QueryCreator } from "kysely";
import type { StoredEvent } from "../../domain/events.js";
import type { Projection } from "../projector.js";
import type { Database } from "../schema.js";
import { precompile } from "../precompiled.js";
import { ACTIVE, createdBy, INACTIVE, updateRow } from "./row-metadata.js";
import { metadataColumns } from "./metadata-columns.js";
import { deleteWhere, insertRow } from "./row-statements.js";

/** One compiled update for every app event that leaves the app count as it is. */
const appTouched = appsChanged(0);

export const projectsProjection: Projection = {
  name: "projects",
  tables: ["projects"],
  handlers: {
    "project.added": (db, event) => {
      const p = event.payload;
      return [
        insertRow(db, "projects", {
          ...createdBy(event),
          id: event.aggregateId,
          owner: event.owner,
          name: p.name,
          state: ACTIVE,
          project_role_assertion: p.projectRoleAssertion ?? false,
          project_role_check: p.projectRoleCheck ?? false,
          has_project_check: p.hasProjectCheck ?? false,
          private_labeling_setting: p.privateLabelingSetting ?? 0,
        }),
      ];
    },
    "project.changed": (db, event) => {
      const p = event.payload;
      return [
        updateRow(db, "projects", event, event.aggregateId, {
          ...(p.name === undefined ? {} : { name: p.name }),
          ...(p.projectRoleAssertion === undefined ? {} : { project_role_assertion: p.projectRoleAssertion }),
          ...(p.projectRoleCheck === undefined ? {} : { project_role_check: p.projectRoleCheck }),
          ...(p.hasProjectCheck === undefined ? {} : { has_project_check: p.hasProjectCheck }),
          ...(p.privateLabelingSetting === undefined ? {} : { private_labeling_setting: p.privateLabelingSetting }),
        }),
      ];
    },
    "project.keygate.metadata.set": (db, event) => [updateRow(db, "projects", event, event.aggregateId, metadataColumns(event.payload))],
    "project.deactivated": (db, event) => [updateRow(db, "projects", event, event.aggregateId, { state: INACTIVE })],
    "project.reactivated": (db, event) => [updateRow(db, "projects", event, event.aggregateId, { state: ACTIVE })],
    "project.removed": (db, event) => [deleteWhere(db, "projects", { instance_id: event.instanceId, id: event.aggregateId })],
    "project.application.added": appsChanged(1),
    "project.application.removed": appsChanged(-1),
    "project.application.changed": appTouched,
    "project.application.deactivated": appTouched,
    "project.application.reactivated": appTouched,
    "project.application.config.api.added": appTouched,
    "project.application.config.api.changed": appTouched,
    "project.application.config.api.secret.changed": appTouched,
    "project.application.keygate.metadata.set": appTouched,
    "keygate.app.role.added": appTouched,
    "keygate.app.role.removed": appTouched,
    "keygate.app.client_credentials.set": appTouched,
  },
};

/**
 * Keeps the project's app count and latest app event (what an unfiltered ListApps reports without
 * counting); the project's own sequence and change date stay those of its own events.
 */
function appsChanged(countDelta: -1 | 0 | 1) {
  const update = precompile((db, sequence: number, instanceId: string, projectId: string) =>
    db
      .updateTable("projects")
      .set((eb) => ({ apps_sequence: sequence, ...(countDelta === 0 ? {} : { app_count: eb("app_count", "+", countDelta) }) }))
      .where("instance_id", "=", instanceId)
      .where("id", "=", projectId),
  );
  return (db: QueryCreator<Database>, event: StoredEvent) => [update(db, event.sequence, event.instanceId, event.aggregateId)];
}
