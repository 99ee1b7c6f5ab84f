import { AppAccessTokenType, type AppAccess } from "../../src/gen/keygate/v1/app_roles_pb.js";
import type { App } from "../../src/gen/keygate/v1/apps_pb.js";
import type { AppSection } from "./app-page.js";
import { inOrg, type AppAccessClient, type ProjectClient } from "./client.js";
import { byId, h } from "./dom.js";
import { attemptForm, type FormField } from "./field-errors.js";
import { attempt, showNotice } from "./messages.js";

/**
 * The project roles an app holds (keygate.v1 AppAccessService), which its own
 * tokens carry: assign one of the project's roles, remove one. The project's
 * roles come from ZITADEL's v2 ProjectService, as on the org's page.
 */
export function createAppRolesSection(client: AppAccessClient, projects: ProjectClient): AppSection {
  const rows = byId("app-role-rows");
  const form = byId<HTMLFormElement>("app-role-form");
  const select = byId<HTMLSelectElement>("app-role-select");
  const fields: FormField[] = [{ control: select, names: ["role_keys", "role_key"] }];
  const grant = byId<HTMLInputElement>("app-client-credentials");
  const tokenType = byId<HTMLSelectElement>("app-token-type");
  let app: App | undefined;

  function showSetting(access: AppAccess | undefined): void {
    grant.checked = access?.clientCredentials ?? false;
    tokenType.value = String(access?.accessTokenType ?? AppAccessTokenType.BEARER);
    tokenType.disabled = !grant.checked;
  }

  function setGrant(): void {
    const current = app;
    if (current === undefined) return;
    const enabled = grant.checked;
    const accessTokenType = Number(tokenType.value) as AppAccessTokenType;
    void attempt(undefined, async () => {
      try {
        const { access } = await client.setAppClientCredentials({ projectId: current.projectId, appId: current.id, enabled, accessTokenType }, inOrg(current.orgId));
        showSetting(access);
        showNotice(enabled ? `${current.name} may now obtain tokens with its secrets or key.` : `${current.name} no longer obtains tokens itself.`);
      } catch (error) {
        await load(); // show the setting as it is
        throw error;
      }
    });
  }
  grant.addEventListener("change", setGrant);
  tokenType.addEventListener("change", setGrant);

  async function load(): Promise<void> {
    if (app === undefined) return;
    const current = app;
    const [{ access }, { projectRoles }] = await Promise.all([
      client.getAppAccess({ projectId: current.projectId, appId: current.id }, inOrg(current.orgId)),
      projects.listProjectRoles({ projectId: current.projectId, pagination: { limit: 500, asc: true } }),
    ]);
    showSetting(access);
    const roles = access?.roles ?? [];
    rows.replaceChildren(...roles.map((role) => row(current, role.key, role.displayName)));
    if (roles.length === 0) rows.replaceChildren(h("tr", {}, h("td", { colSpan: 3, className: "hint" }, "No roles.")));
    const held = new Set(roles.map((role) => role.key));
    const assignable = projectRoles.filter((role) => !held.has(role.key));
    select.replaceChildren(
      h("option", { value: "", textContent: assignable.length === 0 ? "No other roles in the project" : "Choose a role", disabled: true }),
      ...assignable.map((role) => h("option", { value: role.key, textContent: `${role.key} (${role.displayName})` })),
    );
    select.value = "";
  }

  function row(current: App, key: string, name: string): HTMLTableRowElement {
    const remove = h("button", { type: "button", className: "danger", textContent: "Remove" });
    remove.setAttribute("aria-label", `Remove role ${key}`);
    remove.addEventListener("click", () => {
      void attempt(remove, async () => {
        await client.removeAppRole({ projectId: current.projectId, appId: current.id, roleKey: key }, inOrg(current.orgId));
        await load();
        showNotice(`Role ${key} removed from ${current.name}; tokens issued from now on leave it out.`);
      });
    });
    return h("tr", {}, h("td", {}, h("code", { className: "mono" }, key)), h("td", {}, name), h("td", { className: "actions" }, remove));
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const current = app;
    const roleKey = select.value;
    if (current === undefined || roleKey === "") return;
    void attemptForm(form.querySelector("button") ?? undefined, fields, async () => {
      await client.addAppRoles({ projectId: current.projectId, appId: current.id, roleKeys: [roleKey] }, inOrg(current.orgId));
      await load();
      showNotice(`Role ${roleKey} assigned to ${current.name}.`);
    });
  });

  return {
    async show(shown) {
      app = shown;
      await load();
    },
  };
}
