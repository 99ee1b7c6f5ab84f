import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { afterAll, describe, expect, test } from "vitest";
import { sql } from "kysely";
import { openDatabase, type OpenDatabase } from "../../src/store/database.js";
import { DataDirInUseError } from "../../src/store/data-dir-lock.js";
import { copyEmbeddedTemplate } from "../support/database-templates.js";
import { sharedPGliteCode } from "../support/shared-pglite-code.js";

/** The embedded database in a data dir: durable by default, and one process at a time. */
describe("the embedded data dir", () => {
  const dirs: string[] = [];
  /**
   * A migrated data dir, copied from the run's template: no initdb (seconds) per test. The initdb of
   * a new data dir, durable, is tested by embedded-early-start.test.ts.
   */
  const migratedDir = async () => {
    const dir = await copyEmbeddedTemplate();
    dirs.push(dir);
    return dir;
  };
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });
  const code = sharedPGliteCode();

  const fsyncOf = async (opened: OpenDatabase) => (await sql<{ fsync: string }>`SHOW fsync`.execute(opened.db)).rows[0]!.fsync;

  test("flushes commits to disk by default; fsync: false turns it off", async () => {
    const durable = await openDatabase({ kind: "embedded", dataDir: await migratedDir(), code });
    try {
      expect(await fsyncOf(durable)).toBe("on");
      await sql`CREATE TABLE t (n int)`.execute(durable.db);
      await sql`INSERT INTO t VALUES (1)`.execute(durable.db);
    } finally {
      await durable.db.destroy();
    }
    const fast = await openDatabase({ kind: "embedded", dataDir: await migratedDir(), fsync: false, code });
    try {
      expect(await fsyncOf(fast)).toBe("off");
    } finally {
      await fast.db.destroy();
    }
  });

  test("is locked while open: a second open is refused naming the holder's pid; closing unlocks it", async () => {
    const dir = await migratedDir();
    const first = await openDatabase({ kind: "embedded", dataDir: dir, fsync: false, code });
    try {
      // Kysely closes an engine it has used (as keygate always has, by migrating).
      await sql`SELECT 1`.execute(first.db);
      expect(await readFile(`${dir}.lock`, "utf8")).toBe(`${process.pid}\n`);
      const second = openDatabase({ kind: "embedded", dataDir: dir, fsync: false, code });
      await expect(second).rejects.toBeInstanceOf(DataDirInUseError);
      await expect(second).rejects.toThrow(`is in use by process ${process.pid}`);
    } finally {
      await first.db.destroy();
    }
    expect(existsSync(`${dir}.lock`)).toBe(false);
    const again = await openDatabase({ kind: "embedded", dataDir: dir, fsync: false, code });
    await again.db.destroy();
  });

  test("a lock left by a process that is gone is taken over", async () => {
    const dir = await migratedDir();
    const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    await writeFile(`${dir}.lock`, `${gone.stdout}\n`);
    const opened = await openDatabase({ kind: "embedded", dataDir: dir, fsync: false, code });
    try {
      expect(await readFile(`${dir}.lock`, "utf8")).toBe(`${process.pid}\n`);
    } finally {
      await opened.db.destroy();
    }
  });
});
