import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where the tests keep what they make once and reuse between runs (RSA key pairs, the embedded
 * templates, the packaged Chromium): under node_modules/.cache, where tools keep their caches, so
 * that `npm ci` starts it afresh.
 */
export const TEST_CACHE = fileURLToPath(new URL("../../node_modules/.cache/keygate-test/", import.meta.url));

/** The installed version of the package `name`, for the keys of what is made from it. */
export async function packageVersion(name: string): Promise<string> {
  const packageJson = fileURLToPath(new URL(`../../node_modules/${name}/package.json`, import.meta.url));
  return (JSON.parse(await readFile(packageJson, "utf8")) as { version: string }).version;
}

/** Whether process `pid` still runs (one of another user's answers EPERM). */
function running(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether `entry` is one that a running process is making (`<name>.<pid>`, see cachedDirectory). */
const beingMade = (entry: string): boolean => running(Number(/\.(\d+)$/.exec(entry)?.[1]));

/** Removes the cache's entries that `unwanted` names, but none that a running process is making. */
export async function removeFromCache(unwanted: (entry: string) => boolean): Promise<void> {
  const entries = await readdir(TEST_CACHE).catch(() => []);
  const removed = entries.filter((entry) => unwanted(entry) && !beingMade(entry));
  await Promise.all(removed.map((entry) => rm(join(TEST_CACHE, entry), { recursive: true, force: true })));
}

/**
 * The cache's directory `name`, made by `make` (into the empty directory it is given) unless it is
 * there. Made aside, at a name of this process's own, and renamed into place: a run started meanwhile
 * sees it whole or not at all, and of two runs making it, the first to rename wins (they make the same).
 */
export async function cachedDirectory(name: string, make: (dir: string) => Promise<unknown>): Promise<string> {
  const dir = join(TEST_CACHE, name);
  if (existsSync(dir)) return dir;
  // What a run that is gone left aside while making it.
  await removeFromCache((entry) => entry.startsWith(`${name}.`));
  const partial = `${dir}.${process.pid}`;
  // Left by a run that is gone and had this process's pid: it counts as being made, so remove it here.
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  try {
    await make(partial);
    await rename(partial, dir);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    if (!existsSync(dir)) throw error;
  }
  return dir;
}
