import { createAppPage } from "./app-page.js";
import { createAppRolesSection } from "./app-roles.js";
import { createSecretsSection } from "./app-secrets.js";
import { createAppsPanel } from "./apps.js";
import { createConsoleClients, inOrg } from "./client.js";
import { byId } from "./dom.js";
import { attempt, clearMessages } from "./messages.js";
import { createProjectAbout } from "./project-about.js";
import { createProjectsPanel } from "./projects.js";
import { createRolesPanel } from "./roles.js";
import { hrefOf, navigate, onRoute, parseRoute, type Route } from "./router.js";
import { clearSession, loadSession, rememberOrg, saveSession } from "./session.js";
import type { Session } from "./session.js";
import { createWizard, type NewApp } from "./wizard.js";

/*
 * The console: sign in with a token, pick the organization, then work on the
 * projects and API apps of that organization. Every call is a gRPC-Web call
 * of the services SDKs use: ManagementService for the organization, ZITADEL's
 * v2 ProjectService for its projects and their roles, ApplicationService for
 * the apps; keygate's own AppService (keygate.v1) for what ZITADEL's apps do
 * not have: the wizard's version and description, labels, contacts.
 *
 * Pages (router.ts): the organization's page (#/), the new-app wizard
 * (#/apps/new) and an app's page (#/orgs/…/projects/…/apps/…).
 */

// The credentials calls use; saved to sessionStorage only once keygate accepted them.
let credentials: Session | undefined;

const clients = createConsoleClients(() => credentials);
const client = clients.management;
const apps = createAppsPanel(clients.applications);
const roles = createRolesPanel(clients.projects);
const newAppInOrg = byId<HTMLAnchorElement>("new-app-in-org");
let orgShown = "";
const projectAbout = createProjectAbout(clients.keygateProjects);
const projects = createProjectsPanel(clients.projects, (project) => {
  newAppInOrg.href = hrefOf({ page: "new-app", orgId: orgShown, projectId: project.id });
  void apps.show(project);
  void roles.show(project);
  void projectAbout.show(project);
});
const appPage = createAppPage(clients.keygateApps, [createAppRolesSection(clients.appAccess, clients.projects), createSecretsSection(clients.appSecrets)]);
const wizard = createWizard(clients.management, clients.projects, createApp, () => navigate({ page: "org" }));

/** The wizard's Create: the app's page shows its one-time secret next. */
async function createApp(app: NewApp): Promise<void> {
  const { projectId, name, version, description } = app;
  const { app: made, clientSecret } = await clients.keygateApps.createApp({ projectId, name, version, description }, inOrg(app.orgId));
  if (made === undefined) return;
  appPage.revealOnce(made.id, clientSecret);
  navigate({ page: "app", orgId: made.orgId, projectId: made.projectId, appId: made.id });
}

const signInSection = byId("sign-in");
const workspace = byId("workspace");
const whoami = byId("whoami");
const pages: Record<Route["page"], HTMLElement> = { org: workspace, "new-app": byId("wizard"), app: byId("app-page") };

/** Opens the page of the route; nothing before sign-in (the route waits for it). */
function showPage(route: Route): void {
  if (credentials === undefined || !signInSection.hidden) return;
  clearMessages();
  for (const [page, element] of Object.entries(pages)) element.hidden = page !== route.page;
  if (route.page !== "app") appPage.leave();
  if (route.page === "org") void apps.reload();
  if (route.page === "new-app") void wizard.start(route);
  if (route.page === "app") void appPage.show(route);
}

function showSignIn(): void {
  credentials = undefined;
  for (const element of Object.values(pages)) element.hidden = true;
  appPage.leave();
  whoami.hidden = true;
  signInSection.hidden = false;
  apps.clear();
  roles.clear();
  projectAbout.clear();
  byId<HTMLInputElement>("token").focus();
}

/** Tries the credentials with GetMyOrg; on success they are kept and the workspace opens. */
async function enter(session: Session): Promise<void> {
  credentials = session;
  try {
    const { org } = await client.getMyOrg({});
    saveSession(session);
    orgShown = org?.id ?? "";
    if (org !== undefined) rememberOrg({ id: org.id, name: org.name });
    byId("org-name").textContent = org?.name ?? "";
    byId("org-id").textContent = orgShown;
    byId("whoami-org").textContent = org?.name ?? "";
    newAppInOrg.href = hrefOf({ page: "new-app", orgId: orgShown, projectId: "" });
    signInSection.hidden = true;
    whoami.hidden = false;
    apps.clear();
    roles.clear();
    projectAbout.clear();
    showPage(parseRoute(window.location.hash));
    await projects.load(orgShown);
  } catch (error) {
    credentials = loadSession();
    throw error;
  }
}

const signInForm = byId<HTMLFormElement>("sign-in-form");
signInForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const tokenInput = byId<HTMLInputElement>("token");
  const session = { token: tokenInput.value.trim(), orgId: byId<HTMLInputElement>("sign-in-org").value.trim() };
  void attempt(signInForm.querySelector("button") ?? undefined, async () => {
    await enter(session);
    tokenInput.value = "";
  });
});

const orgForm = byId<HTMLFormElement>("org-form");
orgForm.addEventListener("submit", (event) => {
  event.preventDefault();
  if (credentials === undefined) return;
  const orgInput = byId<HTMLInputElement>("org-input");
  const session = { token: credentials.token, orgId: orgInput.value.trim() };
  void attempt(orgForm.querySelector("button") ?? undefined, async () => {
    await enter(session);
    orgInput.value = "";
  });
});

byId("sign-out").addEventListener("click", () => {
  clearSession();
  clearMessages();
  showSignIn();
});

onRoute(showPage);

// A reload of the tab keeps the session; a new tab starts signed out.
const saved = loadSession();
if (saved === undefined) {
  showSignIn();
} else {
  void attempt(undefined, async () => {
    try {
      await enter(saved);
    } catch (error) {
      clearSession();
      showSignIn();
      throw error;
    }
  });
}
