/**
 * The console in a real browser: Chromium (the machine's, else the one a dev
 * dependency ships, see support/chromium.ts), driven by playwright-core,
 * against a real keygate serving the built console (npm test builds it first,
 * in pretest). Screenshots go to test-artifacts/ for a human to look at.
 * The tests of the served files need no browser, so only the browser's own
 * tests start one.
 */
import { existsSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Code, ConnectError } from "@connectrpc/connect";
import type { Browser, Page } from "playwright-core";
import { APIAuthMethodType, AppState } from "../../src/gen/zitadel/app_pb.js";
import { defaultConsoleDir } from "../../src/server/console-routes.js";
import { embeddedBackend } from "../support/backends.js";
import { launchChromium } from "../support/chromium.js";
import { consoleArtifacts as artifacts, createProject, openConsole as openBrowserConsole, signIn, waitForValue } from "../support/console-page.js";
import { startTestKeygate, type TestKeygate } from "../support/keygate-server.js";
import { managementClient, type ManagementClient } from "../support/management-client.js";

let keygate: TestKeygate;
let browser: Browser;
let admin: ManagementClient;

beforeAll(async () => {
  if (!existsSync(`${defaultConsoleDir}/index.html`)) {
    throw new Error(`the console is not built in ${defaultConsoleDir}: run npm run build:console (npm test does it in pretest)`);
  }
  keygate = await startTestKeygate(embeddedBackend());
  admin = managementClient(keygate.url, keygate.adminToken);
});

afterAll(async () => {
  await browser?.close();
  await keygate?.dispose();
});

/** The console of the test's keygate, in a fresh browser profile. */
const openConsole = (run: (page: Page) => Promise<void>) => openBrowserConsole(browser, keygate.url, run);

async function addApp(page: Page, name: string, method: "BASIC" | "PRIVATE_KEY_JWT"): Promise<void> {
  await page.getByLabel("New API app name").fill(name);
  await page.getByLabel("Authentication method").selectOption(method);
  await page.getByRole("button", { name: "Add API app" }).click();
}

const appRow = (page: Page, name: string) => page.locator("#app-rows tr", { hasText: name });

/** The app of that name in keygate, read with a node client (Connect), not through the page. */
async function appNamed(projectName: string, appName: string) {
  const { result: projects } = await admin.listProjects({});
  const project = projects.find((p) => p.name === projectName);
  expect(project).toBeDefined();
  const { result: apps } = await admin.listApps({ projectId: project!.id });
  const app = apps.find((a) => a.name === appName);
  expect(app).toBeDefined();
  return { projectId: project!.id, appId: app!.id };
}

/** GET over HTTP/1.1 with the path sent exactly as given (fetch would normalize "..").  */
function rawGet(path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${keygate.url}/`, { path, method: "GET" }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the console's files", () => {
  test("are served at /console/ with their content types, and /console redirects there", async () => {
    const redirect = await rawGet("/console");
    expect([redirect.status, redirect.headers.location]).toEqual([301, "/console/"]);
    const index = await rawGet("/console/");
    expect(index.status).toBe(200);
    expect(index.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(index.headers["content-security-policy"]).toContain("connect-src 'self'");
    expect(index.body).toBe(readFileSync(`${defaultConsoleDir}/index.html`, "utf8"));
    expect((await rawGet("/console/app.js")).headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect((await rawGet("/console/style.css?v=1")).headers["content-type"]).toBe("text/css; charset=utf-8");
  });

  test.each(["/console/../package.json", "/console/%2e%2e/package.json", "/console/..%2fpackage.json", "/console//etc/passwd", "/console/missing.js"])(
    "%s is not a file it serves",
    async (path) => {
      const res = await rawGet(path);
      expect(res.status).toBe(404);
      expect(res.body).not.toContain("keygate@");
      expect(res.body).not.toContain('"devDependencies"');
    },
  );
});

describe("the console in chromium", () => {
  beforeAll(async () => {
    browser = await launchChromium();
  });
  test("signs in with the admin token, creates a project and a BASIC app, shows its secret once", async () => {
    await openConsole(async (page) => {
      const called: string[] = [];
      page.on("request", (request) => called.push(new URL(request.url()).pathname));
      await signIn(page, keygate.adminToken);
      const { org } = await admin.getMyOrg({});
      await page.locator("#org-name", { hasText: org!.name }).waitFor();
      // The token lives in sessionStorage only.
      // (Page code is given as text: the tests are type-checked without the DOM library.)
      expect(await page.evaluate('[sessionStorage.getItem("keygate.token"), localStorage.length]')).toEqual([keygate.adminToken, 0]);

      await createProject(page, "Browser project");
      await addApp(page, "browser-app", "BASIC");
      await page.getByText("You will not see this again.").waitFor();
      const secret = await page.getByLabel("Client secret").inputValue();
      expect(secret).toHaveLength(64);
      await appRow(page, "browser-app").waitFor();
      const shownClientId = await appRow(page, "browser-app").locator("code").textContent();
      await page.screenshot({ path: `${artifacts}console-basic-app.png`, fullPage: true });

      const { projectId, appId } = await appNamed("Browser project", "browser-app");
      const { app } = await admin.getAppByID({ projectId, appId });
      expect(app?.state).toBe(AppState.ACTIVE);
      expect(app?.config.case === "apiConfig" && app.config.value).toMatchObject({
        clientId: shownClientId,
        authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC,
      });

      // A new secret replaces the old one, after a confirmation.
      page.once("dialog", (dialog) => void dialog.accept());
      await page.getByRole("button", { name: "New secret browser-app" }).click();
      await waitForValue(page, "#client-secret", (value) => value !== secret);
      expect(await page.getByLabel("Client secret").inputValue()).toHaveLength(64);

      // Projects, roles and apps go through ZITADEL's v2 services; v1 serves only the org.
      expect(called).toEqual(
        expect.arrayContaining([
          "/zitadel.project.v2.ProjectService/CreateProject",
          "/zitadel.project.v2.ProjectService/ListProjects",
          "/zitadel.project.v2.ProjectService/ListProjectRoles",
          "/zitadel.application.v2.ApplicationService/CreateApplication",
          "/zitadel.application.v2.ApplicationService/GenerateClientSecret",
        ]),
      );
      expect(called.filter((path) => path.startsWith("/zitadel.management.v1.ManagementService/"))).toEqual(
        called.filter((path) => path === "/zitadel.management.v1.ManagementService/GetMyOrg"),
      );
    });
  });

  test("adds a key to a private key JWT app and downloads it; deactivates, reactivates and removes the app", async () => {
    await openConsole(async (page) => {
      let answer: "accept" | "dismiss" = "accept";
      page.on("dialog", (dialog) => void (answer === "accept" ? dialog.accept() : dialog.dismiss()));

      await signIn(page, keygate.adminToken);
      await createProject(page, "Keys project");
      await addApp(page, "jwt-app", "PRIVATE_KEY_JWT");
      await appRow(page, "jwt-app").waitFor();
      const { projectId, appId } = await appNamed("Keys project", "jwt-app");

      await page.getByRole("button", { name: "Add key jwt-app" }).click();
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download key JSON" }).click()]);
      const keyFile = JSON.parse(readFileSync(await download.path(), "utf8")) as Record<string, string>;
      expect(download.suggestedFilename()).toBe(`${keyFile.keyId}.json`);
      expect(keyFile).toMatchObject({ type: "application", appId, key: expect.stringContaining("PRIVATE KEY") });
      expect((await admin.getAppKey({ projectId, appId, keyId: keyFile.keyId })).key?.id).toBe(keyFile.keyId);

      await page.getByRole("button", { name: "Deactivate jwt-app" }).click();
      await appRow(page, "jwt-app").getByText("inactive").waitFor();
      expect((await admin.getAppByID({ projectId, appId })).app?.state).toBe(AppState.INACTIVE);
      await page.getByRole("button", { name: "Reactivate jwt-app" }).click();
      await appRow(page, "jwt-app").getByText("active", { exact: true }).waitFor();
      expect((await admin.getAppByID({ projectId, appId })).app?.state).toBe(AppState.ACTIVE);

      // Declining the confirmation keeps the app; accepting removes it.
      answer = "dismiss";
      await page.getByRole("button", { name: "Remove jwt-app" }).click();
      expect((await admin.getAppByID({ projectId, appId })).app?.state).toBe(AppState.ACTIVE);
      answer = "accept";
      await page.getByRole("button", { name: "Remove jwt-app" }).click();
      await page.getByText("jwt-app removed.").waitFor();
      await appRow(page, "jwt-app").waitFor({ state: "detached" });
      const gone = await admin.getAppByID({ projectId, appId }).then(() => undefined, (e: unknown) => ConnectError.from(e).code);
      expect(gone).toBe(Code.NotFound);
    });
  });

  test("shows a project's roles, made in the console or over v1, and adds one", async () => {
    await openConsole(async (page) => {
      await signIn(page, keygate.adminToken);
      await createProject(page, "Roles project");
      await page.getByText("No roles yet.").waitFor();
      await page.getByLabel("New role key").fill("reader");
      await page.getByLabel("New role display name").fill("Reader");
      await page.getByLabel("New role group").fill("ops");
      await page.getByRole("button", { name: "Add role" }).click();
      await page.locator("#role-rows tr", { hasText: "reader" }).waitFor();

      const { result: projects } = await admin.listProjects({});
      const projectId = projects.find((p) => p.name === "Roles project")!.id;
      expect((await admin.listProjectRoles({ projectId })).result.map((r) => [r.key, r.displayName, r.group])).toEqual([["reader", "Reader", "ops"]]);

      // A role added over v1 shows once the project is chosen again.
      await admin.addProjectRole({ projectId, roleKey: "writer", displayName: "Writer" });
      await page.getByRole("button", { name: "Roles project" }).click();
      await page.locator("#role-rows tr", { hasText: "writer" }).waitFor();
      expect(await page.locator("#role-rows tr").allTextContents()).toEqual(["readerReaderops", "writerWriter"]);
      await page.screenshot({ path: `${artifacts}console-roles.png`, fullPage: true });
    });
  });

  test("a bad token is refused in words, and nothing is stored", async () => {
    await openConsole(async (page) => {
      await signIn(page, "not-a-valid-token");
      const error = page.getByRole("alert");
      await error.waitFor();
      expect(await error.textContent()).toMatch(/^Unauthenticated: the token was not accepted: it is missing, invalid or expired\./);
      expect(await page.locator("#workspace").isHidden()).toBe(true);
      expect(await page.evaluate('sessionStorage.getItem("keygate.token")')).toBeNull();
      await page.screenshot({ path: `${artifacts}console-bad-token.png`, fullPage: true });
    });
  });
});
