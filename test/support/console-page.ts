/**
 * Driving the console in Chromium (playwright-core): a fresh profile per test that fails on any
 * script or console error, and the steps most tests begin with. Page code is given as text where it
 * runs in the page: the tests are type-checked without the DOM library.
 */
import { mkdirSync } from "node:fs";
import { expect } from "vitest";
import type { Browser, Page } from "playwright-core";

/** Where screenshots go, for a human to look at. */
export const consoleArtifacts = new URL("../../test-artifacts/", import.meta.url).pathname;
mkdirSync(consoleArtifacts, { recursive: true });

/**
 * Opens the console of the keygate at `baseUrl` (at `hash`, if given) in a fresh browser profile, runs
 * `run`, and fails the test on any page error or console error seen meanwhile. `expectedErrors`
 * names console errors a test causes on purpose (a refused call logs its HTTP status).
 */
export async function openConsole(browser: Browser, baseUrl: string, run: (page: Page) => Promise<void>, expectedErrors: RegExp[] = []): Promise<void> {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  try {
    const page = await context.newPage();
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error" && !expectedErrors.some((pattern) => pattern.test(message.text()))) problems.push(`console error: ${message.text()}`);
    });
    await page.goto(`${baseUrl}/console/`);
    await run(page);
  } finally {
    await context.close();
  }
  expect(problems).toEqual([]);
}

export async function signIn(page: Page, token: string): Promise<void> {
  await page.getByLabel("Personal access token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export async function createProject(page: Page, name: string): Promise<void> {
  await page.getByLabel("New project name").fill(name);
  await page.getByRole("button", { name: "Create project" }).click();
  await page.locator("#apps-title", { hasText: `Apps of ${name}` }).waitFor();
}

/**
 * Waits until the form control at `selector` holds a value that `accepts`, polled from here: the
 * console's CSP (script-src 'self') forbids the eval that page.waitForFunction's polling runs on.
 */
export async function waitForValue(page: Page, selector: string, accepts: (value: string) => boolean, timeoutMs = 10_000): Promise<void> {
  const control = page.locator(selector);
  const deadline = Date.now() + timeoutMs;
  let value = await control.inputValue();
  while (!accepts(value)) {
    if (Date.now() > deadline) throw new Error(`${selector} still holds ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await control.inputValue();
  }
}
