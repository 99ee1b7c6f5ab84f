import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import type { DatabaseTarget } from "../../src/store/database.js";
import { postgresBackend } from "../support/backends.js";
import { spawnKeygate, type KeygateProcess } from "../support/keygate-process.js";
import { missingProjects, startWriteLoad } from "./support/write-load.js";

/** keygate processes killed under load, and two processes on one embedded data dir. */
describe("keygate as a process: kill -9 under load, one data dir for two processes", () => {
  const token = randomBytes(32).toString("base64url");
  const started: KeygateProcess[] = [];
  const dirs: string[] = [];
  const postgres = postgresBackend();
  const start = (env: Record<string, string>) => {
    const keygate = spawnKeygate({ KEYGATE_ADMIN_TOKEN: token, KEYGATE_LOG_LEVEL: "info", ...env });
    started.push(keygate);
    return keygate;
  };
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), "keygate-faults-"));
    dirs.push(dir);
    return dir;
  };
  afterAll(async () => {
    await Promise.all(started.map((keygate) => keygate.stop("SIGKILL")));
    await postgres.dispose();
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  /** Writers on every protocol against `first`, then kill -9 mid-load; `next` starts on the same data and must hold every acknowledged write. */
  async function killUnderLoad(first: KeygateProcess, next: () => KeygateProcess) {
    const load = startWriteLoad(`http://127.0.0.1:${await first.listening()}`, token);
    await load.acknowledgedMore(60);
    first.child.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");
    const tally = await load.stop();
    const again = next();
    const missing = await missingProjects(`http://127.0.0.1:${await again.listening()}`, token, tally.acknowledged);
    expect([tally.acknowledged.length >= 60, missing]).toEqual([true, []]);
    // Calls cut off by the kill fail on the client's side (connect's clients call a reset stream Internal); none was answered Internal.
    expect([tally.failures["rest 500"], first.lines.filter((line) => line.msg === "internal error")]).toEqual([undefined, []]);
    return again;
  }

  test("embedded: a second process on the data dir refuses to start, naming the first's pid; rebuild-projections refuses too", async () => {
    const dataDir = await tempDir();
    const first = start({ KEYGATE_DATA_DIR: dataDir });
    await first.listening();
    const second = start({ KEYGATE_DATA_DIR: dataDir });
    expect((await second.exited).code).toBe(1);
    expect(second.stderr + JSON.stringify(second.lines)).toContain(`is in use by process ${first.child.pid}`);
    const rebuilding = spawnKeygate({ KEYGATE_DATA_DIR: dataDir, KEYGATE_LOG_LEVEL: "info" }, ["rebuild-projections"]);
    started.push(rebuilding);
    expect((await rebuilding.exited).code).toBe(1);
    expect(rebuilding.stderr + JSON.stringify(rebuilding.lines)).toContain(`is in use by process ${first.child.pid}`);
    expect(first.child.exitCode).toBeNull();
    await first.stop("SIGTERM");
  });

  test("embedded: kill -9 under concurrent writers loses no acknowledged write; the next start takes over the stale lock", async () => {
    const dataDir = await tempDir();
    const again = await killUnderLoad(start({ KEYGATE_DATA_DIR: dataDir }), () => start({ KEYGATE_DATA_DIR: dataDir }));
    await again.stop("SIGTERM");
  });

  test("Postgres: kill -9 under concurrent writers loses no acknowledged write", async () => {
    const target = (await postgres.create()) as Extract<DatabaseTarget, { kind: "postgres" }>;
    const env = { KEYGATE_DATA_DIR: await tempDir(), DATABASE_URL: target.url, KEYGATE_MASTERKEY: randomBytes(16).toString("hex") };
    const again = await killUnderLoad(start(env), () => start(env));
    await again.stop("SIGTERM");
  });
});
