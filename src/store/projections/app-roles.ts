import type { Projection } from "../projector.js";
import { deleteWhere, insertRow } from "./row-statements.js";

/**
 * The project roles each API app holds. A role the project loses is taken from its apps by events
 * of their own (decided with the role's removal), so only app and project removal clear rows here.
 */
export const appRolesProjection: Projection = {
  name: "app_roles",
  tables: ["app_roles"],
  handlers: {
    "keygate.app.role.added": (db, event) => [
      insertRow(db, "app_roles", {
        instance_id: event.instanceId,
        app_id: event.payload.appId,
        role_key: event.payload.roleKey,
        project_id: event.aggregateId,
        owner: event.owner,
        creation_date: event.createdAt,
        sequence: event.sequence,
      }),
    ],
    "keygate.app.role.removed": (db, event) => [
      deleteWhere(db, "app_roles", { instance_id: event.instanceId, app_id: event.payload.appId, role_key: event.payload.roleKey }),
    ],
    "project.application.removed": (db, event) => [deleteWhere(db, "app_roles", { instance_id: event.instanceId, app_id: event.payload.appId })],
    "project.removed": (db, event) => [deleteWhere(db, "app_roles", { instance_id: event.instanceId, project_id: event.aggregateId })],
  },
};
