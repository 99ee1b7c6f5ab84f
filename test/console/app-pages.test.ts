/**
 * The console's pages for keygate's own app features, in Chromium (see console.test.ts): the
 * new-app wizard (org, then name/version/description, then a read-only review with Back, Cancel
 * and Create), and an app's page (its one-time secret, description and labels, secrets, roles).
 * What the page did is checked through keygate's API with node clients, never through the page.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { Browser, Page } from "playwright-core";
import { embeddedBackend } from "../support/backends.js";
import { eventCountOf } from "../support/auth-fixtures.js";
import { launchChromium } from "../support/chromium.js";
import { consoleArtifacts, openConsole, signIn } from "../support/console-page.js";
import { startAdminSession, type AdminSession } from "../support/keygate-server.js";
import { managementClient, type ManagementClient } from "../support/management-client.js";

let session: AdminSession;
let browser: Browser;
/** A second org, which the admin (IAM_OWNER) reaches with its id in x-zitadel-orgid. */
let otherOrg: { id: string; name: string; admin: ManagementClient };
let projectId: string;

beforeAll(async () => {
  session = await startAdminSession(embeddedBackend());
  const { id } = await session.admin.addOrg({ name: "Other org" });
  otherOrg = { id, name: "Other org", admin: managementClient(session.keygate.url, session.keygate.adminToken, id) };
  projectId = (await session.admin.addProject({ name: "Wizard project" })).id;
  await session.admin.addProject({ name: "Second project" });
  await otherOrg.admin.addProject({ name: "Other project" });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await session?.keygate.dispose();
});

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
      await page.waitForFunction(`document.querySelector("#wizard-project").value === ${JSON.stringify(projectId)}`);
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
      expect((await session.admin.listApps({ projectId })).result).toEqual([]);
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
      await page.waitForFunction(`document.querySelector("#wizard-org").value === ${JSON.stringify(otherOrg.id)}`);
      await page.locator("#wizard-project option", { hasText: "Other project" }).waitFor({ state: "attached" });
      expect(await page.locator("#wizard-project option:not([disabled])").allTextContents()).toEqual(["Other project"]);
      await orgSelect(page).selectOption(session.orgId);
      await page.locator("#wizard-project option", { hasText: "Second project" }).waitFor({ state: "attached" });
      expect(await page.locator("#wizard-project option:not([disabled])").allTextContents()).toEqual(["Second project", "Wizard project"]);
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
});
