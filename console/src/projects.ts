import type { Project } from "../../src/gen/zitadel/project_pb.js";
import { ProjectState } from "../../src/gen/zitadel/project_pb.js";
import type { ManagementClient } from "./client.js";
import { byId, h } from "./dom.js";
import { attempt, showNotice } from "./messages.js";

export interface ProjectsPanel {
  /** Lists the organization's projects again. */
  load(): Promise<void>;
}

/** The project list and the create form; choosing a project hands it to `onSelect`. */
export function createProjectsPanel(client: ManagementClient, onSelect: (project: Project) => void): ProjectsPanel {
  const list = byId<HTMLUListElement>("project-list");
  const empty = byId("projects-empty");
  const form = byId<HTMLFormElement>("project-form");
  const nameInput = byId<HTMLInputElement>("project-name");
  let selectedId = "";

  function render(projects: Project[]): void {
    empty.hidden = projects.length > 0;
    list.replaceChildren(
      ...projects.map((project) => {
        const button = h(
          "button",
          { type: "button", className: project.id === selectedId ? "project selected" : "project" },
          h("span", { className: "project-name" }, project.name),
          project.state === ProjectState.INACTIVE ? h("span", { className: "badge" }, "inactive") : "",
        );
        button.addEventListener("click", () => {
          selectedId = project.id;
          list.querySelectorAll(".project").forEach((b) => b.classList.toggle("selected", b === button));
          onSelect(project);
        });
        return h("li", {}, button);
      }),
    );
  }

  async function load(): Promise<void> {
    const { result } = await client.listProjects({ query: { limit: 500, asc: true } });
    render(result);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const name = nameInput.value.trim();
    void attempt(form.querySelector("button") ?? undefined, async () => {
      const { id } = await client.addProject({ name });
      nameInput.value = "";
      selectedId = id;
      await load();
      const { project } = await client.getProjectByID({ id });
      if (project !== undefined) onSelect(project);
      showNotice(`Project ${name} created.`);
    });
  });

  return { load };
}
