import { open, readFile, unlink } from "node:fs/promises";

/** A second process on the embedded data dir: it must not start (two engines on one dir lose writes). */
export class DataDirInUseError extends Error {
  override readonly name = "DataDirInUseError";
}

/**
 * Takes the lock of an embedded data dir: a file beside it (`<dir>.lock`) holding this process's pid,
 * created only if absent. PGlite does not lock its dir, and two engines on one dir each overwrite
 * what the other wrote. A lock whose process is gone (killed, crashed, or a pid that is now this
 * process, as after a container restart) is stale and taken over. Resolves with the unlock.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const path = `${dataDir}.lock`;
  if (heldHere.has(path)) throw inUse(path, process.pid);
  for (let attempt = 0; ; attempt++) {
    try {
      const file = await open(path, "wx", 0o600);
      try {
        await file.writeFile(`${process.pid}\n`);
      } finally {
        await file.close();
      }
      heldHere.add(path);
      return () => unlockIfOurs(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (attempt > 0) throw inUse(path, await holderOf(path));
    }
    const holder = await holderOf(path);
    if (holder !== undefined && holder !== process.pid && isRunning(holder)) throw inUse(path, holder);
    // Stale: its process is gone. Another starter racing for it finds the new lock on its retry.
    await unlink(path).catch(() => {});
  }
}

/** The locks this process holds: its own pid in a lock file it does not hold means a previous life. */
const heldHere = new Set<string>();

async function holderOf(path: string): Promise<number | undefined> {
  const text = await readFile(path, "utf8").catch(() => "");
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Signal 0 checks that a process exists without touching it; EPERM means it exists under another user. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function inUse(path: string, holder: number | undefined): DataDirInUseError {
  const who = holder === undefined ? "another process" : `process ${holder}`;
  return new DataDirInUseError(
    `the embedded data dir ${path.slice(0, -".lock".length)} is in use by ${who} (lock file ${path}); stop that process or set another KEYGATE_DATA_DIR`,
  );
}

async function unlockIfOurs(path: string): Promise<void> {
  if (!heldHere.delete(path)) return;
  if ((await holderOf(path)) === process.pid) await unlink(path).catch(() => {});
}
