/**
 * A headless Chromium for the browser tests: Debian's /usr/bin/chromium when installed, else the
 * binary the registry package @sparticuz/chromium ships (unpacked to the temp dir on first use), so
 * that `npm ci && npm test` needs no browser on the machine.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

const systemChromium = "/usr/bin/chromium";
// The flags that work on these machines: no sandbox as root, no GPU, and no background
// connections, which the closed network would refuse.
const chromiumArgs = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

async function chromiumExecutable(): Promise<string> {
  if (existsSync(systemChromium)) return systemChromium;
  const { default: packaged } = await import("@sparticuz/chromium");
  return packaged.executablePath();
}

export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: await chromiumExecutable(), headless: true, args: [...chromiumArgs, ...extraArgs] });
}
