import { AppState, type App } from "../../src/gen/keygate/v1/apps_pb.js";
import { inOrg, type KeygateAppClient } from "./client.js";
import { byId, h } from "./dom.js";
import { attempt } from "./messages.js";
import { createMetadataForm } from "./metadata-form.js";
import { revealSecret } from "./reveal.js";

/** Which app a page shows: keygate.v1 acts in the org named, so the org is part of it. */
export interface AppAddress {
  orgId: string;
  projectId: string;
  appId: string;
}

/** A part of the page that shows something of the app (its secrets, its roles). */
export interface AppSection {
  show(app: App): Promise<void>;
}

export interface AppPage {
  show(address: AppAddress): Promise<void>;
  /** The secret of an app just created, for its page to show once, the next time it opens. */
  revealOnce(appId: string, clientSecret: string): void;
  /** Called when another page opens: the one-time secret goes with the page. */
  leave(): void;
}

/**
 * An app's details page: what it is, what describes it (about form), and its
 * sections. An app just made by the wizard shows its client secret here, once:
 * the secret is held in memory until the page shows it, and dropped when the
 * page is left, so neither going back nor a reload shows it again.
 */
export function createAppPage(client: KeygateAppClient, sections: AppSection[]): AppPage {
  const title = byId("app-title");
  const facts = byId("app-facts");
  const reveal = byId("app-reveal");
  const about = createMetadataForm<App>(
    "about",
    true,
    async (app, changes) => (await client.updateApp({ projectId: app.projectId, appId: app.id, ...changes }, inOrg(app.orgId))).app,
    (app) => renderFacts(app),
  );
  let pendingSecret: { appId: string; clientSecret: string } | undefined;
  // Counts the page's openings and leavings, so an answer for a page already left shows nothing.
  let visit = 0;

  function renderFacts(app: App): void {
    title.textContent = app.name;
    const active = app.state === AppState.ACTIVE;
    const shown: [string, Node | string][] = [
      ["Client ID", h("code", { id: "app-client-id", className: "mono" }, app.clientId)],
      ["Version", app.version === "" ? "—" : app.version],
      ["State", h("span", { className: active ? "badge ok" : "badge" }, active ? "active" : "inactive")],
      ["Project", h("code", { className: "mono" }, app.projectId)],
      ["Organization", h("code", { className: "mono" }, app.orgId)],
    ];
    facts.replaceChildren(...shown.flatMap(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]));
  }

  return {
    async show(address) {
      const secret = pendingSecret?.appId === address.appId ? pendingSecret.clientSecret : undefined;
      pendingSecret = undefined;
      const thisVisit = ++visit;
      title.textContent = "";
      facts.replaceChildren();
      reveal.replaceChildren();
      await attempt(undefined, async () => {
        const { app } = await client.getApp({ projectId: address.projectId, appId: address.appId }, inOrg(address.orgId));
        if (app === undefined || thisVisit !== visit) return;
        renderFacts(app);
        if (secret !== undefined) revealSecret(reveal, { name: app.name, clientId: app.clientId, clientSecret: secret });
        about.show(app);
        await Promise.all(sections.map((section) => section.show(app)));
      });
    },
    revealOnce(appId, clientSecret) {
      pendingSecret = { appId, clientSecret };
    },
    leave() {
      visit++;
      pendingSecret = undefined;
      reveal.replaceChildren();
    },
  };
}
