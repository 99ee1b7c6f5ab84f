import { createAppsPanel } from "./apps.js";
import { createConsoleClients } from "./client.js";
import { byId } from "./dom.js";
import { attempt, clearMessages } from "./messages.js";
import { createProjectsPanel } from "./projects.js";
import { createRolesPanel } from "./roles.js";
import { clearSession, loadSession, saveSession } from "./session.js";
import type { Session } from "./session.js";

/*
 * The console: sign in with a token, pick the organization, then work on the
 * projects and API apps of that organization. Every call is a gRPC-Web call
 * of the services SDKs use: ManagementService for the organization, ZITADEL's
 * v2 ProjectService for its projects and their roles, ApplicationService for
 * the apps.
 */

// The credentials calls use; saved to sessionStorage only once keygate accepted them.
let credentials: Session | undefined;

const clients = createConsoleClients(() => credentials);
const client = clients.management;
const apps = createAppsPanel(clients.applications);
const roles = createRolesPanel(clients.projects);
const projects = createProjectsPanel(clients.projects, (project) => {
  void apps.show(project);
  void roles.show(project);
});

const signInSection = byId("sign-in");
const workspace = byId("workspace");
const whoami = byId("whoami");

function showSignIn(): void {
  credentials = undefined;
  workspace.hidden = true;
  whoami.hidden = true;
  signInSection.hidden = false;
  apps.clear();
  roles.clear();
  byId<HTMLInputElement>("token").focus();
}

/** Tries the credentials with GetMyOrg; on success they are kept and the workspace opens. */
async function enter(session: Session): Promise<void> {
  credentials = session;
  try {
    const { org } = await client.getMyOrg({});
    saveSession(session);
    byId("org-name").textContent = org?.name ?? "";
    byId("org-id").textContent = org?.id ?? "";
    byId("whoami-org").textContent = org?.name ?? "";
    signInSection.hidden = true;
    workspace.hidden = false;
    whoami.hidden = false;
    apps.clear();
    roles.clear();
    await projects.load(org?.id ?? "");
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
