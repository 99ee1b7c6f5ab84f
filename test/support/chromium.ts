/**
 * A headless Chromium for the browser tests: Debian's /usr/bin/chromium when installed, else the
 * binary the registry package @sparticuz/chromium ships, so that `npm ci && npm test` needs no browser
 * on the machine. The package unpacks its binary into the temp dir on first use; the global setup has
 * it done once, before the test workers start (two workers unpacking at once would run a half-written
 * binary), and names the executable in the environment.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM_ENV = "KEYGATE_TEST_CHROMIUM";

const systemChromium = "/usr/bin/chromium";
// The flags that work on these machines: no sandbox as root, no GPU, and no background
// connections, which the closed network would refuse.
const chromiumArgs = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** The machine's Chromium, else the packaged one, unpacked (for the global setup). */
export async function chromiumExecutable(): Promise<string> {
  if (existsSync(systemChromium)) return systemChromium;
  const { default: packaged } = await import("@sparticuz/chromium");
  return packaged.executablePath();
}

export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  const executablePath = process.env[CHROMIUM_ENV];
  if (!executablePath) throw new Error("no Chromium: run the tests through the global setup (npm test)");
  return chromium.launch({ executablePath, headless: true, args: [...chromiumArgs, ...extraArgs] });
}
