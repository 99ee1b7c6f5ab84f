/**
 * The run's temporary files in memory where the machine has room for them: a directory on the tmpfs
 * at /dev/shm becomes TMPDIR for the test processes and the processes they start. Each database test
 * file copies the embedded template (about a thousand files) and runs PGlite on the copy; on this
 * machine's ext4 the copy alone cost 0.2 s of CPU, on tmpfs 0.04 s. Where there is no such tmpfs, it
 * is small (a container's default /dev/shm is 64 MB) or mounted noexec (the packaged Chromium runs
 * from the temp dir), the run keeps the system's temporary directory.
 */
import { chmod, mkdtemp, readFile, rm, statfs } from "node:fs/promises";
import { join } from "node:path";

const SHARED_MEMORY = "/dev/shm";
/** The most the suite holds at once is well under this (data dirs of about 40 MB, a few per worker). */
const ROOM_NEEDED = 4 * 1024 ** 3;

/** Whether /dev/shm is a tmpfs that lets programs run from it, with ROOM_NEEDED free. */
async function sharedMemoryUsable(): Promise<boolean> {
  if (process.platform !== "linux") return false;
  const mounts = await readFile("/proc/mounts", "utf8").catch(() => "");
  const mount = mounts.split("\n").findLast((line) => line.split(" ")[1] === SHARED_MEMORY)?.split(" ");
  if (mount?.[2] !== "tmpfs" || mount[3]!.split(",").includes("noexec")) return false;
  const { bavail, bsize } = await statfs(SHARED_MEMORY);
  return bavail * bsize >= ROOM_NEEDED;
}

/** Makes TMPDIR a new directory in memory when it can be; returns how to undo that. */
export async function useMemoryTmpdir(): Promise<(() => Promise<void>) | undefined> {
  if (!(await sharedMemoryUsable())) return undefined;
  const dir = await mkdtemp(join(SHARED_MEMORY, "keygate-test-"));
  // As /tmp is: the throwaway cluster, run as root, runs as another user and keeps its files here.
  await chmod(dir, 0o1777);
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  return async () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    await rm(dir, { recursive: true, force: true });
  };
}
