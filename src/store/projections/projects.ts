import type { Projection } from "../projector.js";
import { ACTIVE, createdBy, INACTIVE, updateRow } from "./row-metadata.js";

export const projectsProjection: Projection = {
  name: "projects",
  tables: ["projects"],
  handlers: {
    "project.added": async (tx, event) => {
      const p = event.payload;
      await tx
        .insertInto("projects")
        .values({
          ...createdBy(event),
          id: event.aggregateId,
          owner: event.owner,
          name: p.name,
          state: ACTIVE,
          project_role_assertion: p.projectRoleAssertion ?? false,
          project_role_check: p.projectRoleCheck ?? false,
          has_project_check: p.hasProjectCheck ?? false,
          private_labeling_setting: p.privateLabelingSetting ?? 0,
        })
        .execute();
    },
    "project.changed": async (tx, event) => {
      const p = event.payload;
      await updateRow(tx, "projects", event, event.aggregateId, {
        ...(p.name === undefined ? {} : { name: p.name }),
        ...(p.projectRoleAssertion === undefined ? {} : { project_role_assertion: p.projectRoleAssertion }),
        ...(p.projectRoleCheck === undefined ? {} : { project_role_check: p.projectRoleCheck }),
        ...(p.hasProjectCheck === undefined ? {} : { has_project_check: p.hasProjectCheck }),
        ...(p.privateLabelingSetting === undefined ? {} : { private_labeling_setting: p.privateLabelingSetting }),
      });
    },
    "project.deactivated": (tx, event) => updateRow(tx, "projects", event, event.aggregateId, { state: INACTIVE }),
    "project.reactivated": (tx, event) => updateRow(tx, "projects", event, event.aggregateId, { state: ACTIVE }),
    "project.removed": async (tx, event) => {
      await tx.deleteFrom("projects").where("instance_id", "=", event.instanceId).where("id", "=", event.aggregateId).execute();
    },
  },
};
