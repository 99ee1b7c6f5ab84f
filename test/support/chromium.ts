/**
 * A headless Chromium for the browser tests: Debian's /usr/bin/chromium when installed, else the
 * binary the registry package @sparticuz/chromium ships, so that `npm ci && npm test` needs no browser
 * on the machine. The package unpacks its binary into the temp dir on first use; the global setup has
 * it done once, before anything else (see packagedChromium), and names the executable in the
 * environment for the test workers (two workers unpacking at once would run a half-written binary).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { cachedDirectory, packageVersion } from "./test-cache.js";

export const CHROMIUM_ENV = "KEYGATE_TEST_CHROMIUM";

const systemChromium = "/usr/bin/chromium";
// The flags that work on these machines: no sandbox as root, no GPU, and no background
// connections, which the closed network would refuse.
const chromiumArgs = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/**
 * Unpacks the packaged Chromium into `dir`. The package unpacks into TMPDIR, so TMPDIR names `dir`
 * meanwhile: nothing else may run then.
 */
async function unpackChromium(dir: string): Promise<void> {
  const { default: packaged } = await import("@sparticuz/chromium");
  const tmpdir = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  try {
    await packaged.executablePath();
  } finally {
    if (tmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmpdir;
  }
}

/**
 * The packaged Chromium, unpacked once per version of the package into the tests' cache
 * (test-cache.ts) rather than into each run's own temp dir (memory-tmpdir.ts): unpacking costs about
 * 1.3 CPU-seconds and 1.1 s of the setup.
 */
async function packagedChromium(): Promise<string> {
  return join(await cachedDirectory(`chromium-${await packageVersion("@sparticuz/chromium")}`, unpackChromium), "chromium");
}

/** The machine's Chromium, else the packaged one, unpacked (for the global setup, before anything else). */
export async function chromiumExecutable(): Promise<string> {
  return existsSync(systemChromium) ? systemChromium : packagedChromium();
}

export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  const executablePath = process.env[CHROMIUM_ENV];
  if (!executablePath) throw new Error("no Chromium: run the tests through the global setup (npm test)");
  return chromium.launch({ executablePath, headless: true, args: [...chromiumArgs, ...extraArgs] });
}
