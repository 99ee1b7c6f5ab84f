import type { Projection } from "../projector.js";
import { changedBy, createdBy } from "./row-metadata.js";
import { deleteWhere, insertRow, updateWhere } from "./row-statements.js";

/** The roles of each project; a role event leaves the project's own row (sequence, change date) as it is, as in ZITADEL. */
export const projectRolesProjection: Projection = {
  name: "project_roles",
  tables: ["project_roles"],
  handlers: {
    "project.role.added": (db, event) => [
      insertRow(db, "project_roles", {
        ...createdBy(event),
        project_id: event.aggregateId,
        key: event.payload.key,
        owner: event.owner,
        display_name: event.payload.displayName ?? "",
        role_group: event.payload.group ?? "",
      }),
    ],
    "project.role.changed": (db, event) => [
      updateWhere(
        db,
        "project_roles",
        { ...changedBy(event), display_name: event.payload.displayName, role_group: event.payload.group },
        { instance_id: event.instanceId, project_id: event.aggregateId, key: event.payload.key },
      ),
    ],
    "project.role.removed": (db, event) => [
      deleteWhere(db, "project_roles", { instance_id: event.instanceId, project_id: event.aggregateId, key: event.payload.key }),
    ],
    "project.removed": (db, event) => [deleteWhere(db, "project_roles", { instance_id: event.instanceId, project_id: event.aggregateId })],
  },
};
