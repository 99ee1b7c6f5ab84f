import type { App } from "../../src/gen/zitadel/app_pb.js";
import { APIAuthMethodType, AppState } from "../../src/gen/zitadel/app_pb.js";
import { KeyType } from "../../src/gen/zitadel/auth_n_key_pb.js";
import type { Project } from "../../src/gen/zitadel/project_pb.js";
import type { ManagementClient } from "./client.js";
import { byId, h } from "./dom.js";
import { attempt, showNotice } from "./messages.js";
import { revealKey, revealSecret } from "./reveal.js";

export interface AppsPanel {
  show(project: Project): Promise<void>;
  clear(): void;
}

const authMethodLabel: Record<APIAuthMethodType, string> = {
  [APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC]: "Basic",
  [APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT]: "Private key JWT",
};

const authMethodOf = (app: App) =>
  app.config.case === "apiConfig" ? app.config.value.authMethodType : APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC;

/** The apps of one project: list, add, and the per-app actions. */
export function createAppsPanel(client: ManagementClient): AppsPanel {
  const title = byId("apps-title");
  const hint = byId("apps-hint");
  const body = byId("apps-body");
  const rows = byId("app-rows");
  const reveal = byId("reveal");
  const form = byId<HTMLFormElement>("app-form");
  const nameInput = byId<HTMLInputElement>("app-name");
  const authSelect = byId<HTMLSelectElement>("app-auth");
  let project: Project | undefined;

  async function load(): Promise<void> {
    if (project === undefined) return;
    const projectId = project.id;
    const { result } = await client.listApps({ projectId, query: { limit: 500, asc: true } });
    rows.replaceChildren(...result.map((app) => row(projectId, app)));
    if (result.length === 0) {
      rows.replaceChildren(h("tr", {}, h("td", { colSpan: 5, className: "hint" }, "No apps yet.")));
    }
  }

  function row(projectId: string, app: App): HTMLTableRowElement {
    const method = authMethodOf(app);
    const active = app.state === AppState.ACTIVE;
    const ids = { projectId, appId: app.id };
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
        const { clientSecret } = await client.regenerateAPIClientSecret(ids);
        revealSecret(reveal, { name: app.name, clientId: clientId(app), clientSecret });
      });
    } else {
      action("Add key", async () => {
        const { id, keyDetails } = await client.addAppKey({ ...ids, type: KeyType.JSON });
        revealKey(reveal, app, { id, json: keyDetails });
      });
    }
    if (active) {
      action("Deactivate", async () => {
        if (!confirmed(`Deactivate ${app.name}? It can no longer authenticate until it is reactivated.`)) return;
        await client.deactivateApp(ids);
        showNotice(`${app.name} deactivated.`);
        await load();
      });
    } else {
      action("Reactivate", async () => {
        if (!confirmed(`Reactivate ${app.name}? Its credentials work again.`)) return;
        await client.reactivateApp(ids);
        showNotice(`${app.name} reactivated.`);
        await load();
      });
    }
    action(
      "Remove",
      async () => {
        if (!confirmed(`Remove ${app.name}? This cannot be undone; its secret and keys stop working.`)) return;
        await client.removeApp(ids);
        reveal.replaceChildren();
        showNotice(`${app.name} removed.`);
        await load();
      },
      "danger",
    );

    return h(
      "tr",
      {},
      h("td", {}, app.name),
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
      const added = await client.addAPIApp({ projectId, name, authMethodType });
      nameInput.value = "";
      if (added.clientSecret !== "") {
        revealSecret(reveal, { name, clientId: added.clientId, clientSecret: added.clientSecret });
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

function clientId(app: App): string {
  return app.config.case === "apiConfig" ? app.config.value.clientId : "";
}
