import type { Project } from "../../src/gen/keygate/v1/projects_pb.js";
import type { ProjectRef } from "./apps.js";
import { inOrg, type KeygateProjectClient } from "./client.js";
import { byId } from "./dom.js";
import { attempt } from "./messages.js";
import { createMetadataForm } from "./metadata-form.js";

export interface ProjectAbout {
  show(project: ProjectRef): Promise<void>;
  clear(): void;
}

/** The chosen project's description, labels and owner contacts (keygate.v1 ProjectService), shown and edited on the org's page. */
export function createProjectAbout(client: KeygateProjectClient): ProjectAbout {
  const card = byId("project-about");
  const title = byId("project-about-title");
  const form = createMetadataForm<Project>(
    "project-about",
    false,
    async (project, changes) => (await client.updateProject({ projectId: project.id, ...changes }, inOrg(project.orgId))).project,
  );

  return {
    async show(ref) {
      card.hidden = true;
      await attempt(undefined, async () => {
        const { project } = await client.getProject({ projectId: ref.id }, inOrg(ref.orgId));
        if (project === undefined) return;
        title.textContent = `About ${project.name}`;
        form.show(project);
        card.hidden = false;
      });
    },
    clear() {
      card.hidden = true;
    },
  };
}
