import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { sql } from "kysely";
import { databaseTarget, openDatabase, startEmbeddedEarly } from "../../src/store/database.js";

/** main starts the embedded database before loading the rest of keygate, and opens it afterwards. */
describe("an embedded database started early", () => {
  const dirs: string[] = [];
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), "keygate-early-"));
    dirs.push(dir);
    return dir;
  };
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  test("a Postgres target is left as it is: its connections open on first use", () => {
    const target = databaseTarget({ databaseUrl: "postgres://db/keygate", poolSize: 3, dbConnectTimeoutMs: 5000, preparedStatements: true, dataDir: "/unused", embeddedFsync: true });
    expect(startEmbeddedEarly(target)).toBe(target);
  });

  // The test of a new data dir's initdb as keygate's first start runs it (durable, as main starts it):
  // the other embedded tests start from copies of the run's templates (database-templates.ts).
  test("opens on the engine already starting, in the config's data dir", async () => {
    const dataDir = await tempDir();
    const target = startEmbeddedEarly(databaseTarget({ databaseUrl: undefined, poolSize: 1, dbConnectTimeoutMs: 5000, preparedStatements: true, dataDir, embeddedFsync: true }));
    expect(target).toMatchObject({ kind: "embedded", dataDir: `${dataDir}/db`, starting: expect.any(Promise) });
    expect(startEmbeddedEarly(target)).toBe(target);
    const opened = await openDatabase(target);
    try {
      const { rows } = await sql<{ shared_buffers: string }>`SHOW shared_buffers`.execute(opened.db);
      // Smaller than initdb's 128MB, which PGlite would zero at every start.
      expect(rows).toEqual([{ shared_buffers: "32MB" }]);
      expect(existsSync(`${dataDir}/db/PG_VERSION`)).toBe(true);
    } finally {
      await opened.db.destroy();
    }
  });

  test("a start that fails is reported where the target is opened", async () => {
    const file = join(await tempDir(), "not-a-directory");
    await writeFile(file, "");
    const target = startEmbeddedEarly({ kind: "embedded", dataDir: `${file}/db` });
    // Meanwhile the failure must not surface as an unhandled rejection (that would end the process).
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(openDatabase(target)).rejects.toThrow(/ENOTDIR|not a directory/);
  });
});
