import type { ProjectRole } from "../../src/gen/zitadel/project/v2/query_pb.js";
import type { ProjectRef } from "./apps.js";
import type { ProjectClient } from "./client.js";
import { byId, h } from "./dom.js";
import { attempt, showNotice } from "./messages.js";

export interface RolesPanel {
  show(project: ProjectRef): Promise<void>;
  clear(): void;
}

/** The roles one project defines for its users (ZITADEL's project roles): list and add. */
export function createRolesPanel(client: ProjectClient): RolesPanel {
  const rows = byId("role-rows");
  const form = byId<HTMLFormElement>("role-form");
  const keyInput = byId<HTMLInputElement>("role-key");
  const nameInput = byId<HTMLInputElement>("role-display-name");
  const groupInput = byId<HTMLInputElement>("role-group");
  let project: ProjectRef | undefined;

  const row = (role: ProjectRole) =>
    h("tr", {}, h("td", {}, h("code", { className: "mono" }, role.key)), h("td", {}, role.displayName), h("td", {}, role.group));

  async function load(): Promise<void> {
    if (project === undefined) return;
    const { projectRoles } = await client.listProjectRoles({ projectId: project.id, pagination: { limit: 500, asc: true } });
    rows.replaceChildren(...projectRoles.map(row));
    if (projectRoles.length === 0) rows.replaceChildren(h("tr", {}, h("td", { colSpan: 3, className: "hint" }, "No roles yet.")));
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (project === undefined) return;
    const projectId = project.id;
    const roleKey = keyInput.value.trim();
    const group = groupInput.value.trim();
    void attempt(form.querySelector("button") ?? undefined, async () => {
      await client.addProjectRole({ projectId, roleKey, displayName: nameInput.value.trim(), ...(group === "" ? {} : { group }) });
      form.reset();
      await load();
      showNotice(`Role ${roleKey} added.`);
    });
  });

  return {
    async show(selected) {
      project = selected;
      await attempt(undefined, load);
    },
    clear() {
      project = undefined;
      rows.replaceChildren();
    },
  };
}
