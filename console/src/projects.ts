import { ProjectFieldName, ProjectOrganizationIDFilter_Type, ProjectState, type Project } from "../../src/gen/zitadel/project/v2/query_pb.js";
import type { ProjectRef } from "./apps.js";
import type { ProjectClient } from "./client.js";
import { byId, h } from "./dom.js";
import { attempt, showNotice } from "./messages.js";

export interface ProjectsPanel {
  /** Lists the projects of the organization `orgId` again. */
  load(orgId: string): Promise<void>;
}

/**
 * The project list and the create form, through ZITADEL's v2 ProjectService: the projects the
 * organization owns, and new ones made in it. Choosing a project hands it to `onSelect`.
 */
export function createProjectsPanel(client: ProjectClient, onSelect: (project: ProjectRef) => void): ProjectsPanel {
  const list = byId<HTMLUListElement>("project-list");
  const empty = byId("projects-empty");
  const form = byId<HTMLFormElement>("project-form");
  const nameInput = byId<HTMLInputElement>("project-name");
  let orgId = "";
  let selectedId = "";

  function render(projects: Project[]): void {
    empty.hidden = projects.length > 0;
    list.replaceChildren(
      ...projects.map((project) => {
        const button = h(
          "button",
          { type: "button", className: project.projectId === selectedId ? "project selected" : "project" },
          h("span", { className: "project-name" }, project.name),
          project.state === ProjectState.INACTIVE ? h("span", { className: "badge" }, "inactive") : "",
        );
        button.addEventListener("click", () => {
          selectedId = project.projectId;
          list.querySelectorAll(".project").forEach((b) => b.classList.toggle("selected", b === button));
          onSelect({ id: project.projectId, name: project.name, orgId });
        });
        return h("li", {}, button);
      }),
    );
  }

  async function load(ofOrg: string): Promise<void> {
    orgId = ofOrg;
    const { projects } = await client.listProjects({
      filters: [{ filter: { case: "organizationIdFilter", value: { organizationId: orgId, type: ProjectOrganizationIDFilter_Type.OWNED } } }],
      sortingColumn: ProjectFieldName.ID,
      pagination: { limit: 500, asc: true },
    });
    render(projects);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const name = nameInput.value.trim();
    void attempt(form.querySelector("button") ?? undefined, async () => {
      const { projectId } = await client.createProject({ organizationId: orgId, name });
      nameInput.value = "";
      selectedId = projectId;
      await load(orgId);
      onSelect({ id: projectId, name, orgId });
      showNotice(`Project ${name} created.`);
    });
  });

  return { load };
}
