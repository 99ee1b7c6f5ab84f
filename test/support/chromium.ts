/**
 * A headless Chromium for the browser tests: Debian's /usr/bin/chromium when installed, else the
 * binary the registry package @sparticuz/chromium ships, so that `npm ci && npm test` needs no browser
 * on the machine. The package unpacks its binary into the temp dir on first use; the global setup has
 * it done once, before anything else (see packagedChromium), and names the executable in the
 * environment for the test workers (two workers unpacking at once would run a half-written binary).
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { TEST_CACHE } from "./test-cache.js";

export const CHROMIUM_ENV = "KEYGATE_TEST_CHROMIUM";

const systemChromium = "/usr/bin/chromium";
// The flags that work on these machines: no sandbox as root, no GPU, and no background
// connections, which the closed network would refuse.
const chromiumArgs = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/**
 * The packaged Chromium, unpacked once per version of the package into the tests' cache rather than
 * into each run's own temp dir (memory-tmpdir.ts): unpacking costs about 1.3 CPU-seconds and 1.1 s of
 * the setup. The package unpacks into TMPDIR, so TMPDIR names the cache while it does: nothing else
 * may run meanwhile. Unpacked aside and renamed, so that a run started meanwhile sees it whole or not at all.
 */
async function packagedChromium(): Promise<string> {
  const packageJson = fileURLToPath(new URL("../../node_modules/@sparticuz/chromium/package.json", import.meta.url));
  const { version } = JSON.parse(await readFile(packageJson, "utf8")) as { version: string };
  const dir = join(TEST_CACHE, `chromium-${version}`);
  const executable = join(dir, "chromium");
  if (existsSync(executable)) return executable;
  const { default: packaged } = await import("@sparticuz/chromium");
  const partial = `${dir}.${process.pid}`;
  await mkdir(partial, { recursive: true });
  const tmpdir = process.env.TMPDIR;
  process.env.TMPDIR = partial;
  try {
    await packaged.executablePath();
    await rename(partial, dir);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    // Another run renamed its copy into place first: it is the same.
    if (!existsSync(executable)) throw error;
  } finally {
    if (tmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmpdir;
  }
  return executable;
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
