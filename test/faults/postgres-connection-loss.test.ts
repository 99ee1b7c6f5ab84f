import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Code, ConnectError } from "@connectrpc/connect";
import { clientsFor } from "../ops/ops-support.js";
import { spawnKeygate, type KeygateProcess } from "../support/keygate-process.js";
import { onServer } from "../support/database-templates.js";
import { startThrowawayPostgres, type ThrowawayPostgres } from "../support/throwaway-postgres.js";
import { missingProjects, startWriteLoad, type WriteTally } from "./support/write-load.js";

/** keygate on Postgres as a process, its database on a throwaway cluster that the tests terminate, restart and lock out. */
describe("Postgres connections that drop, a restarted server, a database that refuses connections", () => {
  const database = `keygate_faults_${randomBytes(4).toString("hex")}`;
  const token = randomBytes(32).toString("base64url");
  let postgres: ThrowawayPostgres;
  let keygate: KeygateProcess;
  let baseUrl: string;
  let dataDir: string;

  beforeAll(async () => {
    postgres = await startThrowawayPostgres({ crashSafeCommits: true });
    await onServer(postgres.url, `CREATE DATABASE ${database}`);
    const url = new URL(postgres.url);
    url.pathname = `/${database}`;
    dataDir = await mkdtemp(join(tmpdir(), "keygate-faults-"));
    keygate = spawnKeygate({ DATABASE_URL: url.toString(), KEYGATE_DATA_DIR: dataDir, KEYGATE_ADMIN_TOKEN: token, KEYGATE_MASTERKEY: randomBytes(16).toString("hex"), KEYGATE_LOG_LEVEL: "info" });
    baseUrl = `http://127.0.0.1:${await keygate.listening()}`;
  });
  afterAll(async () => {
    await keygate?.stop("SIGKILL");
    await postgres?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const onPostgres = (statement: string) => onServer(postgres.url, statement);
  const terminateBackends = () => onPostgres(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${database}' AND pid <> pg_backend_pid()`);

  /** Keygate lived through it, answered only OK or Unavailable, and lost no acknowledged write. */
  async function expectSurvived(tally: WriteTally) {
    expect(keygate.child.exitCode).toBeNull();
    const codes = Object.keys(tally.failures);
    expect(codes.filter((key) => !/ (Unavailable|503)$/.test(key))).toEqual([]);
    expect(await missingProjects(baseUrl, token, tally.acknowledged)).toEqual([]);
    expect(keygate.lines.filter((line) => line.msg === "internal error")).toEqual([]);
  }

  test("backends terminated again and again under concurrent writers: the process lives, calls fail Unavailable, later calls succeed", async () => {
    const load = startWriteLoad(baseUrl, token);
    await load.acknowledgedMore(20);
    for (let round = 0; round < 8; round++) {
      await terminateBackends();
      await new Promise((r) => setTimeout(r, 50 + round * 40));
    }
    await load.acknowledgedMore(20);
    const tally = await load.stop();
    await expectSurvived(tally);
    expect(keygate.lines.some((line) => line.msg === "database unavailable; the call was answered Unavailable")).toBe(true);
  });

  test("a restart of the Postgres server under concurrent writers: Unavailable while it is down, then writes go on without a keygate restart", async () => {
    const load = startWriteLoad(baseUrl, token);
    await load.acknowledgedMore(20);
    await postgres.restart("fast");
    await load.acknowledgedMore(20);
    await postgres.restart("immediate");
    await load.acknowledgedMore(20);
    const tally = await load.stop();
    await expectSurvived(tally);
    expect(Object.keys(tally.failures).length).toBeGreaterThan(0);
  });

  test("a database that refuses connections: gRPC 14, REST 503, /ready 503; then it recovers on its own", async () => {
    const { clients, close } = clientsFor(baseUrl, token);
    try {
      await onPostgres(`ALTER DATABASE ${database} ALLOW_CONNECTIONS false`);
      await terminateBackends();

      const grpc = await clients.grpc.addProject({ name: "refused" }).then(
        () => undefined,
        (error: unknown) => ConnectError.from(error),
      );
      expect(grpc?.code).toBe(Code.Unavailable);
      expect(grpc?.rawMessage).toBe("the database is unavailable; try again");
      const rest = await fetch(`${baseUrl}/management/v1/projects/_search`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: "{}" });
      expect([rest.status, ((await rest.json()) as { code: number }).code]).toEqual([503, Code.Unavailable]);
      const ready = await fetch(`${baseUrl}/ready`);
      expect([ready.status, await ready.json()]).toEqual([503, { status: "not ready", reason: "database unreachable" }]);

      await onPostgres(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`);
      expect((await fetch(`${baseUrl}/ready`)).status).toBe(200);
      expect((await clients.connect.addProject({ name: "after the outage" })).id).toMatch(/^\d+$/);
      expect(keygate.child.exitCode).toBeNull();
    } finally {
      await onPostgres(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`).catch(() => {});
      close();
    }
  });
});
