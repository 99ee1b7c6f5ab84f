import { APIAuthMethodType } from "../../src/gen/zitadel/application/v2/api_pb.js";
import { ApplicationSorting, ApplicationState, type Application } from "../../src/gen/zitadel/application/v2/application_pb.js";
import type { ApplicationClient } from "./client.js";
import { byId, h } from "./dom.js";
import { attempt, showNotice } from "./messages.js";
import { revealKey, revealSecret } from "./reveal.js";
import { hrefOf } from "./router.js";

/** What the panel needs of the project it shows. */
export interface ProjectRef {
  id: string;
  name: string;
  orgId: string;
}

export interface AppsPanel {
  show(project: ProjectRef): Promise<void>;
  /** Lists the shown project's apps again (one may have been made on another page). */
  reload(): Promise<void>;
  clear(): void;
}

const authMethodLabel: Record<APIAuthMethodType, string> = {
  [APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC]: "Basic",
  [APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT]: "Private key JWT",
};

const authMethodOf = (app: Application) =>
  app.configuration.case === "apiConfiguration" ? app.configuration.value.authMethodType : APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC;

/** The apps of one project, through ZITADEL's v2 ApplicationService: list, add, and the per-app actions. */
export function createAppsPanel(client: ApplicationClient): AppsPanel {
  const title = byId("apps-title");
  const hint = byId("apps-hint");
  const body = byId("apps-body");
  const rows = byId("app-rows");
  const reveal = byId("reveal");
  const form = byId<HTMLFormElement>("app-form");
  const nameInput = byId<HTMLInputElement>("app-name");
  const authSelect = byId<HTMLSelectElement>("app-auth");
  let project: ProjectRef | undefined;

  async function load(): Promise<void> {
    if (project === undefined) return;
    const shown = project;
    const projectId = shown.id;
    const { applications } = await client.listApplications({
      filters: [{ filter: { case: "projectIdFilter", value: { projectId } } }],
      sortingColumn: ApplicationSorting.APPLICATION_SORT_BY_ID,
      pagination: { limit: 500, asc: true },
    });
    rows.replaceChildren(...applications.map((app) => row(shown, app)));
    if (applications.length === 0) {
      rows.replaceChildren(h("tr", {}, h("td", { colSpan: 5, className: "hint" }, "No apps yet.")));
    }
  }

  function row(project: ProjectRef, app: Application): HTMLTableRowElement {
    const projectId = project.id;
    const method = authMethodOf(app);
    const active = app.state === ApplicationState.ACTIVE;
    const ids = { projectId, applicationId: app.applicationId };
    const actions: HTMLButtonElement[] = [];
    const action = (label: string, work: () => Promise<void>, style = "") => {
      const button = h("button", { type: "button", className: style, textContent: label });
      button.setAttribute("aria-label", `${label} ${app.name}`);
      button.addEventListener("click", () => void attempt(button, work));
      actions.push(button);
    };
    const confirmed = (question: string) => window.confirm(question);

    if (method === APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC) {
      action("New secret", async () => {
        if (!confirmed(`Generate a new client secret for ${app.name}? The current secret stops working at once.`)) return;
        const { clientSecret } = await client.generateClientSecret(ids);
        revealSecret(reveal, { name: app.name, clientId: clientId(app), clientSecret });
      });
    } else {
      action("Add key", async () => {
        const { keyId, keyDetails } = await client.createApplicationKey(ids);
        revealKey(reveal, app, { id: keyId, json: keyDetails });
      });
    }
    if (active) {
      action("Deactivate", async () => {
        if (!confirmed(`Deactivate ${app.name}? It can no longer authenticate until it is reactivated.`)) return;
        await client.deactivateApplication(ids);
        await load();
        showNotice(`${app.name} deactivated.`);
      });
    } else {
      action("Reactivate", async () => {
        if (!confirmed(`Reactivate ${app.name}? Its credentials work again.`)) return;
        await client.reactivateApplication(ids);
        await load();
        showNotice(`${app.name} reactivated.`);
      });
    }
    action(
      "Remove",
      async () => {
        if (!confirmed(`Remove ${app.name}? This cannot be undone; its secret and keys stop working.`)) return;
        await client.deleteApplication(ids);
        reveal.replaceChildren();
        await load();
        showNotice(`${app.name} removed.`);
      },
      "danger",
    );

    return h(
      "tr",
      {},
      h("td", {}, h("a", { href: hrefOf({ page: "app", orgId: project.orgId, projectId, appId: app.applicationId }) }, app.name)),
      h("td", {}, h("code", { className: "mono" }, clientId(app))),
      h("td", {}, authMethodLabel[method]),
      h("td", {}, h("span", { className: active ? "badge ok" : "badge" }, active ? "active" : "inactive")),
      h("td", { className: "actions" }, ...actions),
    );
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (project === undefined) return;
    const projectId = project.id;
    const name = nameInput.value.trim();
    const authMethodType =
      authSelect.value === "PRIVATE_KEY_JWT"
        ? APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT
        : APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC;
    void attempt(form.querySelector("button") ?? undefined, async () => {
      const added = await client.createApplication({ projectId, name, applicationType: { case: "apiConfiguration", value: { authMethodType } } });
      nameInput.value = "";
      const api = added.applicationType.case === "apiConfiguration" ? added.applicationType.value : undefined;
      if (api !== undefined && api.clientSecret !== "") {
        revealSecret(reveal, { name, clientId: api.clientId, clientSecret: api.clientSecret });
      } else {
        reveal.replaceChildren();
        showNotice(`${name} added. It signs in with a private key JWT: use "Add key" to create its key file.`);
      }
      await load();
    });
  });

  return {
    async show(selected) {
      project = selected;
      title.textContent = `Apps of ${selected.name}`;
      hint.hidden = true;
      body.hidden = false;
      reveal.replaceChildren();
      await attempt(undefined, load);
    },
    reload: () => attempt(undefined, load),
    clear() {
      project = undefined;
      title.textContent = "Apps";
      hint.hidden = false;
      body.hidden = true;
      reveal.replaceChildren();
      rows.replaceChildren();
    },
  };
}

function clientId(app: Application): string {
  return app.configuration.case === "apiConfiguration" ? app.configuration.value.clientId : "";
}
