/**
 * The console's pages for keygate's own app features, in Chromium (see console.test.ts): the
 * new-app wizard (org, then name/version/description, then a read-only review with Back, Cancel
 * and Create), an app's page (its one-time secret, description and labels, secrets, roles), and
 * the org's page's project description and labels.
 * What the page did is checked through keygate's API with node clients, never through the page.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Browser, Page } from "playwright-core";
import { embeddedBackend } from "../support/backends.js";
import { eventCountOf } from "../support/auth-fixtures.js";
import { launchChromium } from "../support/chromium.js";
import { consoleArtifacts, openConsole, signIn, waitForValue } from "../support/console-page.js";
import { startAdminSession, type AdminSession } from "../support/keygate-server.js";
import { managementClient, type ManagementClient } from "../support/management-client.js";
import { basicAuth, postForm } from "../support/oauth-fixtures.js";
import { keygateV1Client } from "../support/keygate-v1-client.js";
import { AppService } from "../../src/gen/keygate/v1/apps_pb.js";
import { ProjectService } from "../../src/gen/keygate/v1/projects_pb.js";
import { AppAccessService } from "../../src/gen/keygate/v1/app_roles_pb.js";
import { AppSecretService } from "../../src/gen/keygate/v1/app_secrets_pb.js";
import { APIAuthMethodType } from "../../src/gen/zitadel/app_pb.js";
import { testClock } from "../support/test-clock.js";

let session: AdminSession;
/** How far keygate's clock (the one secrets expire by) runs ahead of the real one. */
const clock = testClock();
let browser: Browser;
/** A second org, which the admin (IAM_OWNER) reaches with its id in x-zitadel-orgid. */
let otherOrg: { id: string; name: string; admin: ManagementClient };
let projectId: string;

beforeAll(async () => {
  // Chromium starts in processes of its own, meanwhile keygate's embedded database in this one.
  const launched = launchChromium().then((started) => (browser = started));
  session = await startAdminSession(embeddedBackend(), {}, { now: clock.now });
  await launched;
  const { id } = await session.admin.addOrg({ name: "Other org" });
  otherOrg = { id, name: "Other org", admin: managementClient(session.keygate.url, session.keygate.adminToken, id) };
  projectId = (await session.admin.addProject({ name: "Wizard project" })).id;
  await session.admin.addProject({ name: "Second project" });
  await otherOrg.admin.addProject({ name: "Other project" });
});

afterAll(async () => {
  await browser?.close();
  await session?.keygate.dispose();
});

/** keygate.v1's AppService as the admin, in its own org or in `orgId`'s. */
const appsApi = (orgId?: string) => keygateV1Client(AppService, session.keygate.url, session.keygate.adminToken, orgId);

const projectsApi = () => keygateV1Client(ProjectService, session.keygate.url, session.keygate.adminToken);
const secretsApi = () => keygateV1Client(AppSecretService, session.keygate.url, session.keygate.adminToken);
const accessApi = () => keygateV1Client(AppAccessService, session.keygate.url, session.keygate.adminToken);

/** A BASIC app made over ZITADEL's v1 API (its secret is its first in keygate.v1's list), and its page's address. */
async function v1App(name: string): Promise<{ appId: string; clientId: string; clientSecret: string; address: string }> {
  const made = await session.admin.addAPIApp({ projectId, name, authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC });
  return { ...made, address: `#/orgs/${session.orgId}/projects/${projectId}/apps/${made.appId}` };
}

/** Signs in and opens the page at `address`, waiting for the app's name as its heading. */
async function openAppPage(page: Page, address: string, name: string): Promise<void> {
  await signIn(page, session.keygate.adminToken);
  await page.locator("#org-name").waitFor();
  await page.goto(`${session.keygate.url}/console/${address}`);
  await page.getByRole("heading", { name, exact: true }).waitFor();
}

const inConsole = (run: (page: Page) => Promise<void>, expectedErrors: RegExp[] = []) => openConsole(browser, session.keygate.url, run, expectedErrors);

/** The wizard's fields (labels that other, hidden pages share are looked up inside it). */
const wizard = (page: Page) => page.locator("#wizard");
const field = (page: Page, label: "Name" | "Version" | "Description") => wizard(page).getByLabel(label);
// A select's name includes its chosen option's text, so the selects are found by id.
const orgSelect = (page: Page) => page.locator("#wizard-org");
const projectSelect = (page: Page) => page.locator("#wizard-project");

/** Waits until the wizard shows that step (marked current in its step list), and checks it is the only one. */
async function expectStep(page: Page, step: "Organization" | "Name and version" | "Review"): Promise<void> {
  await page.locator('#wizard-steps [aria-current="step"]', { hasText: step }).waitFor();
  expect(await page.locator('#wizard-steps [aria-current="step"]').allTextContents()).toEqual([step]);
}

/** Steps 1 and 2 filled and Next pressed on each: the wizard shows its review. */
async function throughToReview(page: Page, app: { orgId: string; project: string; name: string; version: string; description: string }): Promise<void> {
  await page.goto(`${session.keygate.url}/console/#/apps/new?org=${app.orgId}`);
  await expectStep(page, "Organization");
  await page.locator("#wizard-project option", { hasText: app.project }).waitFor({ state: "attached" });
  await projectSelect(page).selectOption({ label: app.project });
  await page.getByRole("button", { name: "Next" }).click();
  await fillDetails(page, app);
  await page.getByRole("button", { name: "Next" }).click();
  await expectStep(page, "Review");
}

/** Whether keygate takes `secret` as the client secret of `clientId`: introspection authenticates the caller first. */
async function secretWorks(clientId: string, secret: string): Promise<boolean> {
  const answer = await postForm(session.keygate.url, "/oauth/v2/introspect", { token: "not-a-token" }, basicAuth(clientId, secret));
  return answer.status === 200;
}

async function fillDetails(page: Page, details: { name: string; version: string; description: string }): Promise<void> {
  await field(page, "Name").fill(details.name);
  await field(page, "Version").fill(details.version);
  await field(page, "Description").fill(details.description);
}

/** The review's terms and values, in order. */
async function reviewed(page: Page): Promise<string[][]> {
  const terms = await page.locator("#wizard-review dt").allTextContents();
  const values = await page.locator("#wizard-review dd").allTextContents();
  return terms.map((term, i) => [term, values[i]]);
}

describe("the new-app wizard", () => {
  test("started from an org's page has the org and project preset; Back keeps what was entered; Cancel creates nothing", async () => {
    await inConsole(async (page) => {
      const called: string[] = [];
      page.on("request", (request) => called.push(new URL(request.url()).pathname));
      await signIn(page, session.keygate.adminToken);
      await page.getByRole("button", { name: "Wizard project" }).click();
      await page.locator("#apps-title", { hasText: "Apps of Wizard project" }).waitFor();
      const eventsBefore = await eventCountOf(session.keygate, session.orgId);

      await page.getByRole("link", { name: "New API app" }).click();
      await page.getByRole("heading", { name: "New API app" }).waitFor();
      await expectStep(page, "Organization");
      expect(await orgSelect(page).inputValue()).toBe(session.orgId);
      await waitForValue(page, "#wizard-project", (value) => value === projectId);
      expect(await page.locator("#wizard-project option:checked").textContent()).toBe("Wizard project");

      await page.getByRole("button", { name: "Next" }).click();
      await expectStep(page, "Name and version");
      await fillDetails(page, { name: "portal-app", version: "2.1", description: "Pays the invoices" });
      await page.getByRole("button", { name: "Next" }).click();
      await expectStep(page, "Review");
      const { org } = await session.admin.getMyOrg({});
      const review = [
        ["Organization", `${org!.name} (${session.orgId})`],
        ["Project", "Wizard project"],
        ["Name", "portal-app"],
        ["Version", "2.1"],
        ["Description", "Pays the invoices"],
      ];
      expect(await reviewed(page)).toEqual(review);
      // The review is read only: no field to type into.
      expect(await page.locator("#wizard-step-review input, #wizard-step-review textarea, #wizard-step-review select").count()).toBe(0);
      await page.screenshot({ path: `${consoleArtifacts}console-wizard-review.png`, fullPage: true });

      // Back twice and forward again: every value is still there.
      await page.getByRole("button", { name: "Back" }).click();
      await expectStep(page, "Name and version");
      expect([await field(page, "Name").inputValue(), await field(page, "Version").inputValue(), await field(page, "Description").inputValue()]).toEqual([
        "portal-app",
        "2.1",
        "Pays the invoices",
      ]);
      await page.getByRole("button", { name: "Back" }).click();
      await expectStep(page, "Organization");
      expect(await projectSelect(page).inputValue()).toBe(projectId);
      await page.getByRole("button", { name: "Next" }).click();
      await field(page, "Version").fill("2.2");
      await page.getByRole("button", { name: "Next" }).click();
      expect(await reviewed(page)).toEqual(review.map(([term, value]) => [term, term === "Version" ? "2.2" : value]));

      // Cancel: back on the org's page, and nothing was written.
      await page.getByRole("button", { name: "Cancel" }).click();
      await page.locator("#apps-title", { hasText: "Apps of Wizard project" }).waitFor({ state: "visible" });
      expect(new URL(page.url()).hash).toBe("#/");
      expect((await session.admin.listApps({ projectId })).result.map((app) => app.name)).not.toContain("portal-app");
      expect(await eventCountOf(session.keygate, session.orgId)).toBe(eventsBefore);
      expect(called.filter((path) => /Create|Add|Update/.test(path))).toEqual([]);

      // Opened again, from the top bar (no org of its own): nothing chosen, nothing left over.
      await page.getByRole("link", { name: "New app", exact: true }).click();
      await expectStep(page, "Organization");
      expect(await orgSelect(page).inputValue()).toBe("");
      await orgSelect(page).selectOption(session.orgId);
      await projectSelect(page).selectOption({ label: "Wizard project" });
      await page.getByRole("button", { name: "Next" }).click();
      expect(await field(page, "Name").inputValue()).toBe("");
      expect(await field(page, "Version").inputValue()).toBe("");
    });
  });

  test("step 1 needs an org and a project; another org is looked up by its id and lists its own projects", async () => {
    await inConsole(async (page) => {
      await signIn(page, session.keygate.adminToken);
      await page.locator("#org-name").waitFor();
      await page.goto(`${session.keygate.url}/console/#/apps/new`);
      await page.getByRole("heading", { name: "New API app" }).waitFor();
      // Nothing chosen: Next stays on step 1.
      await page.getByRole("button", { name: "Next" }).click();
      await expectStep(page, "Organization");

      await page.getByLabel("Another organization ID").fill(otherOrg.id);
      await page.getByRole("button", { name: "Look up" }).click();
      await waitForValue(page, "#wizard-org", (value) => value === otherOrg.id);
      await page.locator("#wizard-project option", { hasText: "Other project" }).waitFor({ state: "attached" });
      expect(await page.locator("#wizard-project option:not([disabled])").allTextContents()).toEqual(["Other project"]);
      await orgSelect(page).selectOption(session.orgId);
      await page.locator("#wizard-project option", { hasText: "Second project" }).waitFor({ state: "attached" });
      // The own org's projects, by name (another test may have added one), and not the other org's.
      const own = await page.locator("#wizard-project option:not([disabled])").allTextContents();
      expect(own).toEqual([...own].sort());
      expect(own).toEqual(expect.arrayContaining(["Second project", "Wizard project"]));
      expect(own).not.toContain("Other project");
      // Still no project chosen: Next stays.
      await page.getByRole("button", { name: "Next" }).click();
      await expectStep(page, "Organization");

      // An org id keygate does not know is refused in words, and not added.
      await page.getByLabel("Another organization ID").fill("no-such-org");
      await page.getByRole("button", { name: "Look up" }).click();
      await page.getByRole("alert").waitFor();
      expect(await page.locator("#wizard-org option:not([disabled])").count()).toBe(2);
    }, [/Failed to load resource/]);
  });

  test("Create opens the new app's page with its secret, shown once: gone after navigating away and back, and after a reload", async () => {
    await inConsole(async (page) => {
      await signIn(page, session.keygate.adminToken);
      await page.locator("#org-name").waitFor();
      await throughToReview(page, { orgId: otherOrg.id, project: "Other project", name: "made-by-wizard", version: "1.0", description: "Made in the console" });
      await page.getByRole("button", { name: "Create" }).click();

      await page.getByRole("heading", { name: "made-by-wizard", exact: true }).waitFor();
      await page.getByText("You will not see this again.").waitFor();
      const secret = await page.getByLabel("Client secret").inputValue();
      const clientId = (await page.locator("#app-client-id").textContent()) ?? "";
      const route = /^#\/orgs\/(\d+)\/projects\/(\d+)\/apps\/(\d+)$/.exec(new URL(page.url()).hash);
      expect(route?.[1]).toBe(otherOrg.id);
      const [, , projectId, appId] = route!;
      const { app } = await appsApi(otherOrg.id).getApp({ projectId, appId });
      expect(app).toMatchObject({ name: "made-by-wizard", version: "1.0", description: "Made in the console", clientId, orgId: otherOrg.id });
      expect(await secretWorks(clientId, secret)).toBe(true);
      await page.getByRole("button", { name: "Copy" }).click();
      await page.getByRole("button", { name: /^(Copied|Press Ctrl\+C)$/ }).waitFor();
      await page.screenshot({ path: `${consoleArtifacts}console-new-app-secret.png`, fullPage: true });

      // Away and back again: the page is there, the secret is not.
      await page.getByRole("link", { name: "← Projects and apps" }).click();
      await page.locator("#workspace").waitFor({ state: "visible" });
      await page.goBack();
      await page.getByRole("heading", { name: "made-by-wizard", exact: true }).waitFor();
      await page.locator("#app-facts").getByText(clientId).waitFor();
      expect(await page.locator("#client-secret").count()).toBe(0);
      expect(await page.content()).not.toContain(secret);
      await page.reload();
      await page.getByRole("heading", { name: "made-by-wizard", exact: true }).waitFor();
      expect(await page.locator("#client-secret").count()).toBe(0);
      expect(await page.evaluate("JSON.stringify({ ...sessionStorage })")).not.toContain(secret);
    });
  });

  test("a refusal of Create naming a field of step 2 goes back to it, under that field; nothing is made", async () => {
    await inConsole(async (page) => {
      await signIn(page, session.keygate.adminToken);
      await page.locator("#org-name").waitFor();
      await throughToReview(page, { orgId: session.orgId, project: "Second project", name: "too-long-version", version: "v".repeat(201), description: "" });
      expect(await reviewed(page)).toContainEqual(["Description", "—"]);
      await page.getByRole("button", { name: "Create" }).click();
      await expectStep(page, "Name and version");
      const version = field(page, "Version");
      await version.and(page.locator('[aria-invalid="true"]')).waitFor();
      const message = page.locator(`#${await version.getAttribute("aria-describedby")}`);
      expect(await message.textContent()).toMatch(/^Invalid argument: .*version/i);
      expect(await page.locator("#error").isHidden()).toBe(true);
      const { apps } = await appsApi().listApps({});
      expect(apps.map((app) => app.name)).not.toContain("too-long-version");

      // Fixed and sent again: the message goes, the app is made.
      await version.fill("3");
      await page.getByRole("button", { name: "Next" }).click();
      expect(await page.locator(".field-error").count()).toBe(0);
      await page.getByRole("button", { name: "Create" }).click();
      await page.getByRole("heading", { name: "too-long-version", exact: true }).waitFor();
    });
  });
});

describe("an app's page", () => {
  test("shows and edits the description, labels and contacts; a malformed label is refused under its field and changes nothing", async () => {
    const { app: made } = await appsApi().createApp({ projectId, name: "described", version: "1", description: "Before", labels: { team: "payments" } });
    const address = `#/orgs/${session.orgId}/projects/${projectId}/apps/${made!.id}`;
    await inConsole(async (page) => {
      await signIn(page, session.keygate.adminToken);
      await page.locator("#org-name").waitFor();
      await page.goto(`${session.keygate.url}/console/${address}`);
      await page.getByRole("heading", { name: "described", exact: true }).waitFor();
      const about = page.locator("#about-form");
      expect(await about.getByLabel("Description").inputValue()).toBe("Before");
      expect(await about.getByLabel("Labels").inputValue()).toBe("team=payments");
      // Nothing on this page offers to rename the app.
      expect(await page.locator("#app-page").getByLabel("Name").count()).toBe(0);

      await about.getByLabel("Description").fill("After");
      await about.getByLabel("Labels").fill("team=payments\nenv=prod");
      await about.getByLabel("Owner contacts").fill("ops@example.com");
      await about.getByRole("button", { name: "Save" }).click();
      await page.getByText("described saved.").waitFor();
      const saved = (await appsApi().getApp({ projectId, appId: made!.id })).app;
      expect(saved).toMatchObject({ description: "After", labels: { team: "payments", env: "prod" }, ownerContacts: ["ops@example.com"], version: "1" });
      // Saved again unchanged: no call, and the page says so.
      await about.getByRole("button", { name: "Save" }).click();
      await page.getByText("Nothing changed, so nothing was saved.").waitFor();
      expect((await appsApi().getApp({ projectId, appId: made!.id })).app?.sequence).toBe(saved?.sequence);

      await about.getByLabel("Description").fill("Not saved");
      await about.getByLabel("Labels").fill("team=payments\nbad key!=x");
      await about.getByRole("button", { name: "Save" }).click();
      const labels = about.getByLabel("Labels");
      await labels.and(page.locator('[aria-invalid="true"]')).waitFor();
      const message = page.locator(`#${await labels.getAttribute("aria-describedby")}`);
      expect(await message.textContent()).toMatch(/^Invalid argument: .*label/i);
      expect(await page.locator("#error").isHidden()).toBe(true);
      await page.screenshot({ path: `${consoleArtifacts}console-app-label-error.png`, fullPage: true });
      expect((await appsApi().getApp({ projectId, appId: made!.id })).app).toMatchObject({ description: "After", labels: { team: "payments", env: "prod" } });
      // The org's page lists it under its project, linked to this page.
      await page.getByRole("link", { name: "← Projects and apps" }).click();
      await page.getByRole("button", { name: "Wizard project" }).click();
      await page.getByRole("link", { name: "described" }).click();
      expect(new URL(page.url()).hash).toBe(address);
    });
  });

  test("lists secrets masked; adds one (shown once) and one with an expiry; a past expiry is refused under its field; removes one", async () => {
    const app = await v1App("rotating");
    await inConsole(async (page) => {
      let confirmRemoval = false;
      page.on("dialog", (dialog) => void (confirmRemoval ? dialog.accept() : dialog.dismiss()));
      await openAppPage(page, app.address, "rotating");
      const rows = page.locator("#secret-rows tr");
      await rows.first().getByText(`••••${app.clientSecret.slice(-4)}`).waitFor();
      expect(await rows.count()).toBe(1);
      expect(await rows.first().locator("td").allTextContents()).toEqual([`••••${app.clientSecret.slice(-4)}`, expect.any(String), "never", "never", "live", "Remove"]);

      // A second secret, no expiry: shown once, listed by its last four, and it works beside the first.
      await page.getByRole("button", { name: "Add secret" }).click();
      await page.getByText("You will not see this again.").waitFor();
      const second = await page.getByLabel("Client secret").inputValue();
      await rows.nth(1).waitFor();
      expect(await rows.nth(1).locator("td").first().textContent()).toBe(`••••${second.slice(-4)}`);
      expect([await secretWorks(app.clientId, app.clientSecret), await secretWorks(app.clientId, second)]).toEqual([true, true]);
      expect(await page.locator("#secret-rows").textContent()).not.toContain(second);

      // An expiry in the past is refused under the field, and adds nothing.
      const expires = page.locator("#secret-form").getByLabel("Expires");
      await expires.fill("2020-01-01T00:00");
      await page.getByRole("button", { name: "Add secret" }).click();
      await expires.and(page.locator('[aria-invalid="true"]')).waitFor();
      const message = page.locator(`#${await expires.getAttribute("aria-describedby")}`);
      expect(await message.textContent()).toMatch(/^Invalid argument: .*expiration_date/);
      expect((await secretsApi().listAppSecrets({ projectId, appId: app.appId })).secrets).toHaveLength(2);

      // One in the future: listed with its expiry.
      await expires.fill("2099-06-01T12:00");
      await page.getByRole("button", { name: "Add secret" }).click();
      await rows.nth(2).waitFor();
      expect(await page.locator(".field-error").count()).toBe(0);
      expect(await rows.nth(2).locator("td").nth(2).textContent()).toContain("2099");
      const listed = (await secretsApi().listAppSecrets({ projectId, appId: app.appId })).secrets;
      expect(listed.map((secret) => secret.expirationDate !== undefined)).toEqual([false, false, true]);
      await page.screenshot({ path: `${consoleArtifacts}console-app-secrets.png`, fullPage: true });

      // Remove the first: declined, nothing happens; confirmed, it stops working and leaves the list.
      const removeFirst = page.getByRole("button", { name: `Remove secret ••••${app.clientSecret.slice(-4)}` });
      await removeFirst.click();
      expect(await secretWorks(app.clientId, app.clientSecret)).toBe(true);
      confirmRemoval = true;
      await removeFirst.click();
      await page.getByText(`The secret ending in ${app.clientSecret.slice(-4)} was removed.`).waitFor();
      expect(await rows.count()).toBe(2);
      expect([await secretWorks(app.clientId, app.clientSecret), await secretWorks(app.clientId, second)]).toEqual([false, true]);

      // One that expires in two hours (the browser's local time), then keygate's clock three hours on:
      // listed as expired after a reload, and it no longer works; the second, used, shows its last use.
      const inTwoHours = await page.evaluate(
        "(() => { const d = new Date(Date.now() + 2 * 3600e3); d.setMinutes(d.getMinutes() - d.getTimezoneOffset()); return d.toISOString().slice(0, 16); })()",
      );
      await expires.fill(String(inTwoHours));
      await page.getByRole("button", { name: "Add secret" }).click();
      await rows.nth(2).waitFor();
      const third = await page.getByLabel("Client secret").inputValue();
      expect(await secretWorks(app.clientId, third)).toBe(true);
      clock.advance(3 * 3600e3);
      try {
        await page.reload();
        const thirdRow = rows.filter({ hasText: `••••${third.slice(-4)}` });
        await thirdRow.getByText("expired").waitFor();
        expect(await secretWorks(app.clientId, third)).toBe(false);
        const secondRow = rows.filter({ hasText: `••••${second.slice(-4)}` });
        expect(await secondRow.locator("td").nth(3).textContent()).not.toBe("never");
        expect(await secondRow.getByText("live").count()).toBe(1);
        expect(await page.locator("#client-secret").count()).toBe(0);
      } finally {
        clock.reset();
      }
    });
  });

  test("assigns and removes project roles; a role the project no longer has is refused under the role field", async () => {
    const app = await v1App("role-holder");
    for (const [roleKey, displayName] of [["reader", "Reader"], ["writer", "Writer"], ["gone", "Gone soon"]]) {
      await session.admin.addProjectRole({ projectId, roleKey, displayName });
    }
    const held = async () => ((await accessApi().getAppAccess({ projectId, appId: app.appId })).access?.roles ?? []).map((role) => role.key);
    await inConsole(async (page) => {
      await openAppPage(page, app.address, "role-holder");
      const rows = page.locator("#app-role-rows tr");
      await rows.getByText("No roles.").waitFor();
      const role = page.getByLabel("Project role to assign");
      await page.locator("#app-role-select option", { hasText: "reader" }).waitFor({ state: "attached" });
      await role.selectOption("reader");
      await page.getByRole("button", { name: "Assign role" }).click();
      await rows.getByText("reader", { exact: true }).waitFor();
      expect(await rows.first().locator("td").allTextContents()).toEqual(["reader", "Reader", "Remove"]);
      expect(await held()).toEqual(["reader"]);
      // A held role is no longer offered.
      expect(await page.locator("#app-role-select option:not([disabled])").allTextContents()).toEqual(["writer (Writer)", "gone (Gone soon)"]);

      // Taken from the project behind the page's back: the assignment is refused, naming the role field.
      await session.admin.removeProjectRole({ projectId, roleKey: "gone" });
      await role.selectOption("gone");
      await page.getByRole("button", { name: "Assign role" }).click();
      await role.and(page.locator('[aria-invalid="true"]')).waitFor();
      expect(await page.locator(`#${await role.getAttribute("aria-describedby")}`).textContent()).toMatch(/^Failed precondition: .*role_keys/);
      expect(await held()).toEqual(["reader"]);

      await role.selectOption("writer");
      await page.getByRole("button", { name: "Assign role" }).click();
      await rows.getByText("writer", { exact: true }).waitFor();
      expect(await held()).toEqual(["reader", "writer"]);
      await page.getByRole("button", { name: "Remove role reader" }).click();
      await page.getByText("Role reader removed from role-holder").waitFor();
      expect(await rows.allTextContents()).toEqual(["writerWriterRemove"]);
      expect(await held()).toEqual(["writer"]);

      // The client credentials grant: off until turned on.
      const grant = page.getByLabel("Obtains its own access tokens");
      expect(await grant.isChecked()).toBe(false);
      await grant.check();
      await page.getByText("role-holder may now obtain tokens").waitFor();
      expect((await accessApi().getAppAccess({ projectId, appId: app.appId })).access?.clientCredentials).toBe(true);
      await page.screenshot({ path: `${consoleArtifacts}console-app-roles.png`, fullPage: true });
    });
  });
});

describe("an org's page", () => {
  test("shows and edits the chosen project's description, labels and contacts; a malformed label is refused under its field", async () => {
    const { project } = await projectsApi().createProject({ name: "Described project", description: "Payments", labels: { team: "payments" } });
    await inConsole(async (page) => {
      await signIn(page, session.keygate.adminToken);
      await page.getByRole("button", { name: "Described project" }).click();
      const about = page.locator("#project-about-form");
      await page.getByRole("heading", { name: "About Described project" }).waitFor();
      expect([await about.getByLabel("Description").inputValue(), await about.getByLabel("Labels").inputValue()]).toEqual(["Payments", "team=payments"]);

      await about.getByLabel("Labels").fill("team=payments\ntier=gold");
      await about.getByLabel("Owner contacts").fill("a@example.com, b@example.com");
      await about.getByRole("button", { name: "Save project" }).click();
      await page.getByText("Described project saved.").waitFor();
      expect((await projectsApi().getProject({ projectId: project!.id })).project).toMatchObject({
        description: "Payments",
        labels: { team: "payments", tier: "gold" },
        ownerContacts: ["a@example.com", "b@example.com"],
      });

      await about.getByLabel("Labels").fill("-bad=x");
      await about.getByRole("button", { name: "Save project" }).click();
      const labels = about.getByLabel("Labels");
      await labels.and(page.locator('[aria-invalid="true"]')).waitFor();
      expect(await page.locator(`#${await labels.getAttribute("aria-describedby")}`).textContent()).toMatch(/^Invalid argument: .*label/i);
      expect((await projectsApi().getProject({ projectId: project!.id })).project?.labels).toEqual({ team: "payments", tier: "gold" });
      await page.screenshot({ path: `${consoleArtifacts}console-project-about.png`, fullPage: true });
    });
  });
});
