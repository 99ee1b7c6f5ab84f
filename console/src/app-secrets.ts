import { timestampDate, timestampFromDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import type { App } from "../../src/gen/keygate/v1/apps_pb.js";
import type { AppSecret } from "../../src/gen/keygate/v1/app_secrets_pb.js";
import type { AppSection } from "./app-page.js";
import { inOrg, type AppSecretClient } from "./client.js";
import { byId, h } from "./dom.js";
import { attemptForm, type FormField } from "./field-errors.js";
import { attempt, showNotice } from "./messages.js";
import { revealSecret } from "./reveal.js";

/** A date as this browser's locale writes it, to the minute. */
export const shownDate = (timestamp: Timestamp | undefined, otherwise: string): string =>
  timestamp === undefined ? otherwise : timestampDate(timestamp).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

/**
 * An app's secrets (keygate.v1 AppSecretService): several live at once, so a
 * secret is rotated without an outage (add one, switch the consumers, remove
 * the old). Listed masked, by their last four characters; a new one is shown
 * once, like the secret of a new app.
 */
export function createSecretsSection(client: AppSecretClient): AppSection {
  const rows = byId("secret-rows");
  // The page's one reveal box (a new secret replaces the new app's there): one secret on show at a time.
  const reveal = byId("app-reveal");
  const form = byId<HTMLFormElement>("secret-form");
  const expiry = byId<HTMLInputElement>("secret-expiry");
  const fields: FormField[] = [{ control: expiry, names: ["expiration_date", "expiration", "expiry"] }];
  let app: App | undefined;

  async function load(): Promise<void> {
    if (app === undefined) return;
    const { projectId, id: appId, orgId } = app;
    // At most 10 secrets an app: one page holds them all.
    const { secrets } = await client.listAppSecrets({ projectId, appId }, inOrg(orgId));
    rows.replaceChildren(...secrets.map((secret) => row(secret)));
    if (secrets.length === 0) rows.replaceChildren(h("tr", {}, h("td", { colSpan: 6, className: "hint" }, "No secrets.")));
  }

  function row(secret: AppSecret): HTMLTableRowElement {
    // A secret made before keygate kept last fours has none to show.
    const masked = secret.lastFour === "" ? "••••••••" : `••••${secret.lastFour}`;
    const remove = h("button", { type: "button", className: "danger", textContent: "Remove" });
    remove.setAttribute("aria-label", `Remove secret ${masked}`);
    remove.addEventListener("click", () => {
      const current = app;
      if (current === undefined || !window.confirm(`Remove the secret ending in ${secret.lastFour}? Consumers still using it stop working at once.`)) return;
      void attempt(remove, async () => {
        await client.removeAppSecret({ projectId: current.projectId, appId: current.id, secretId: secret.id }, inOrg(current.orgId));
        reveal.replaceChildren();
        await load();
        showNotice(`The secret ending in ${secret.lastFour} was removed.`);
      });
    });
    return h(
      "tr",
      {},
      h("td", {}, h("code", { className: "mono" }, masked)),
      h("td", {}, shownDate(secret.creationDate, "")),
      h("td", {}, shownDate(secret.expirationDate, "never")),
      h("td", {}, shownDate(secret.lastUsed, "never")),
      h("td", {}, h("span", { className: secret.expired ? "badge" : "badge ok" }, secret.expired ? "expired" : "live")),
      h("td", { className: "actions" }, remove),
    );
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const current = app;
    if (current === undefined) return;
    // datetime-local is the browser's local time; keygate takes an instant.
    const expirationDate = expiry.value === "" ? undefined : timestampFromDate(new Date(expiry.value));
    void attemptForm(form.querySelector("button") ?? undefined, fields, async () => {
      const { clientSecret } = await client.addAppSecret({ projectId: current.projectId, appId: current.id, expirationDate }, inOrg(current.orgId));
      form.reset();
      revealSecret(reveal, { name: current.name, clientId: current.clientId, clientSecret });
      reveal.scrollIntoView({ block: "nearest" });
      await load();
    });
  });

  return {
    async show(shown) {
      app = shown;
      form.reset();
      await load();
    },
  };
}
