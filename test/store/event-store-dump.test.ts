import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { sql } from "kysely";
import { loadConfig, type Config } from "../../src/config.js";
import { ApiAuthMethod } from "../../src/domain/app.js";
import { APIAuthMethodType } from "../../src/gen/zitadel/app_pb.js";
import { KeyType } from "../../src/gen/zitadel/auth_n_key_pb.js";
import { startKeygate, type Keygate } from "../../src/keygate.js";
import { createLogger } from "../../src/logger.js";
import { addApiApp } from "../../src/store/commands/app-commands.js";
import type { DatabaseTarget } from "../../src/store/database.js";
import { DUMPED_TABLES, DumpImportError, exportEventStore, importEventStore } from "../../src/store/event-store-dump.js";
import { openStore, type Store } from "../../src/store/open-store.js";
import type { Database } from "../../src/store/schema.js";
import { describeEachBackend } from "../support/backends.js";
import { managementClient, type ManagementClient } from "../support/management-client.js";
import { addMachineWithKey, addMachineWithSecret, API_ACCESS, basicAuth, postForm } from "../support/oauth-fixtures.js";
import { snapshot } from "../support/projection-snapshot.js";
import { adminActorOf, commandDepsOf } from "../support/command-deps.js";
import { concurrently } from "../support/concurrently.js";
import { pooledKeyPairs } from "../support/key-pair-pool.js";

const APPS = 1000;
const CONCURRENCY = 8;
const dirs: string[] = [];
// One issuer for the original and the copy, so that tokens issued before the export are the copy's too.
const ISSUER = "http://keygate.dump.test";

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function start(target: DatabaseTarget, adminToken: string): Promise<Keygate> {
  const config: Config = { ...loadConfig({}), port: 0, host: "127.0.0.1", dataDir: await mkdtemp(join(tmpdir(), "keygate-dump-")), adminToken, masterKey: "dump-test-master-key-0123456789a", externalUrl: ISSUER, logLevel: "silent" };
  dirs.push(config.dataDir);
  return startKeygate(config, createLogger("silent"), target, { keyPairs: pooledKeyPairs });
}

/** Every kind of event keygate writes (over the API), then enough apps for a few thousand events. */
async function populate(keygate: Keygate, adminToken: string): Promise<{ projectId: string; appIds: string[]; tokens: string[] }> {
  const admin = managementClient(keygate.url, adminToken);
  const { id: projectId } = await admin.addProject({ name: "dumped" });
  const { id: goneProject } = await admin.addProject({ name: "gone" });
  await admin.updateProject({ id: projectId, name: "dumped-renamed", projectRoleAssertion: true });
  await admin.deactivateProject({ id: goneProject });
  await admin.reactivateProject({ id: goneProject });
  const basic = await admin.addAPIApp({ projectId, name: "basic" });
  const jwt = await admin.addAPIApp({ projectId, name: "jwt", authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT });
  const removedApp = await admin.addAPIApp({ projectId, name: "removed" });
  await admin.updateApp({ projectId, appId: basic.appId, name: "basic-renamed" });
  await admin.regenerateAPIClientSecret({ projectId, appId: basic.appId });
  await admin.deactivateApp({ projectId, appId: basic.appId });
  await admin.reactivateApp({ projectId, appId: basic.appId });
  await admin.updateAPIAppConfig({ projectId, appId: removedApp.appId, authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT });
  const key = await admin.addAppKey({ projectId, appId: jwt.appId, type: KeyType.JSON });
  await admin.addAppKey({ projectId, appId: jwt.appId, type: KeyType.JSON });
  await admin.removeAppKey({ projectId, appId: jwt.appId, keyId: key.id });
  await admin.removeApp({ projectId, appId: removedApp.appId });
  await admin.addAPIApp({ projectId: goneProject, name: "in-gone" });
  await admin.removeProject({ id: goneProject });

  const { userId } = await admin.addMachineUser({ userName: "dumped-ci", name: "Dumped CI" });
  const { userId: goneUser } = await admin.addMachineUser({ userName: "gone-ci", name: "Gone CI" });
  const pat = await admin.addPersonalAccessToken({ userId });
  await admin.addPersonalAccessToken({ userId });
  await admin.removePersonalAccessToken({ userId, tokenId: pat.tokenId });
  await admin.deactivateUser({ id: userId });
  await admin.reactivateUser({ id: userId });
  await admin.addOrgMember({ userId, roles: ["ORG_OWNER_VIEWER"] });
  await admin.updateOrgMember({ userId, roles: ["ORG_OWNER"] });
  await admin.addProjectMember({ projectId, userId, roles: ["PROJECT_OWNER"] });
  await admin.updateProjectMember({ projectId, userId, roles: ["PROJECT_OWNER_VIEWER"] });
  await admin.addProjectMember({ projectId, userId: goneUser, roles: ["PROJECT_OWNER"] });
  await admin.removeUser({ id: goneUser });
  await admin.addOrg({ name: "second org" });
  await admin.addProjectRole({ projectId, roleKey: "reader", displayName: "Reader" });
  await admin.updateProjectRole({ projectId, roleKey: "reader", displayName: "Readers" });
  await admin.bulkAddProjectRoles({ projectId, roles: [{ key: "writer", displayName: "Writer" }, { key: "gone", displayName: "Gone" }] });
  await admin.removeProjectRole({ projectId, roleKey: "gone" });

  // Service user credentials, and tokens issued with them: opaque, and JWT (which makes the
  // instance's signing key, encrypted under the master key).
  const bearer = await addMachineWithSecret(admin);
  const jwtUser = await addMachineWithSecret(admin, { jwt: true });
  const withKey = await addMachineWithKey(admin);
  const removedKey = await admin.addMachineKey({ userId: withKey.userId, type: KeyType.JSON });
  await admin.removeMachineKey({ userId: withKey.userId, keyId: removedKey.keyId });
  const tokens: string[] = [];
  for (const user of [bearer, jwtUser]) {
    const answer = await postForm(keygate.url, "/oauth/v2/token", { grant_type: "client_credentials", scope: `openid ${API_ACCESS}` }, basicAuth(user.clientId, user.clientSecret));
    expect(answer.status).toBe(200);
    tokens.push(answer.body!.access_token as string);
  }

  // The bulk goes through the store's commands in-process, as the admin (the events are the ones the
  // API writes; the round trip, not the transport, is under test here): a fraction of the CPU of calls.
  const actor = await adminActorOf(keygate.store, adminToken, (await admin.getMyOrg({})).org!.id);
  const deps = commandDepsOf(keygate.store);
  const bulk = await concurrently(APPS, CONCURRENCY, (n) => addApiApp(deps, actor, projectId, { name: `bulk-${n}`, authMethod: ApiAuthMethod.Basic }));
  return { projectId, appIds: [basic.appId, jwt.appId, ...bulk.map((app) => app.appId)], tokens };
}

/** A list's `viewTimestamp` is the time of the read itself; everything else must match. */
function withoutViewTimestamps(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutViewTimestamps);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== "viewTimestamp").map(([key, v]) => [key, withoutViewTimestamps(v)]));
}

/** What a caller reads: the answers of the read RPCs, for comparing two databases. */
async function reads(admin: ManagementClient, projectId: string, appIds: string[]) {
  const users = await admin.listUsers({});
  return {
    org: await admin.getMyOrg({}),
    projects: await admin.listProjects({}),
    apps: [await admin.listApps({ projectId, query: { limit: 1000 } }), await admin.listApps({ projectId, query: { offset: 1000n, limit: 1000 } })],
    app: await Promise.all(appIds.slice(0, 20).map((appId) => admin.getAppByID({ projectId, appId }))),
    changes: await admin.listAppChanges({ projectId, appId: appIds[0] }),
    keys: await admin.listAppKeys({ projectId, appId: appIds[1] }),
    users,
    pats: await Promise.all(users.result.map((u) => admin.listPersonalAccessTokens({ userId: u.id }))),
    orgMembers: await admin.listOrgMembers({}),
    projectMembers: await admin.listProjectMembers({ projectId }),
    roles: await admin.listProjectRoles({ projectId }),
    machineKeys: await Promise.all(users.result.map((u) => admin.listMachineKeys({ userId: u.id }))),
  };
}

/** The write side's rows as Postgres renders them, so that no precision hides a difference. */
async function writeSide(store: Store): Promise<Record<string, string[]>> {
  const tables: Record<string, string[]> = {};
  for (const table of Object.keys(DUMPED_TABLES)) {
    const { rows } = await sql<{ row: string }>`SELECT row_to_json(t)::text AS row FROM ${sql.table(table)} t`.execute(store.db);
    tables[table] = rows.map((r) => r.row).sort();
  }
  return tables;
}

function collect(): { stream: Writable; text(): string } {
  const chunks: string[] = [];
  return {
    stream: new Writable({
      highWaterMark: 1024, // small, so that export's backpressure handling is exercised
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString("utf8"));
        setImmediate(done);
      },
    }),
    text: () => chunks.join(""),
  };
}

async function eventCount(store: Store): Promise<number> {
  return Number((await store.db.selectFrom("events2").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n);
}

describeEachBackend("export and import of the event store", (backend) => {
  const adminToken = randomBytes(32).toString("base64url");
  let source: Keygate;
  let dump: string;
  let seeded: { projectId: string; appIds: string[]; tokens: string[] };

  beforeAll(async () => {
    source = await start(await backend.create(), adminToken);
    seeded = await populate(source, adminToken);
    const out = collect();
    await exportEventStore(source.store.db, out.stream);
    dump = out.text();
  }, 600_000);

  afterAll(async () => {
    await source?.close();
    await backend.dispose();
  });

  test("an export imported into an empty database answers every read exactly as before, the admin token included", async () => {
    const target = await backend.create();
    const store = await openStore(target);
    const result = await importEventStore(store.db, store.projector, Readable.from(dump));
    expect(result.events).toBeGreaterThan(2000);
    expect(result.rows.events2).toBe(result.events);
    expect(await writeSide(store)).toEqual(await writeSide(source.store));
    expect(await snapshot(store)).toEqual(await snapshot(source.store));
    await store.close();

    const imported = await start(target, adminToken);
    try {
      const before = await reads(managementClient(source.url, adminToken), seeded.projectId, seeded.appIds);
      const after = await reads(managementClient(imported.url, adminToken), seeded.projectId, seeded.appIds);
      expect(after.apps.flatMap((page) => page.result)).toHaveLength(APPS + 2);
      expect(withoutViewTimestamps(after)).toEqual(withoutViewTimestamps(before));
      // Tokens issued before the export, opaque and JWT, call the copy's API as they called the original's.
      for (const token of seeded.tokens) expect((await managementClient(imported.url, token).getMyOrg({})).org?.id).toBe(before.org.org?.id);
    } finally {
      await imported.close();
    }
  }, 300_000);

  test("a database that already holds events is refused, and left as it was", async () => {
    const store = await openStore(await backend.create());
    try {
      const lines = dump.split("\n");
      await importEventStore(store.db, store.projector, Readable.from(`${lines.slice(0, 20).join("\n")}\n`));
      const events = await eventCount(store);
      await expect(importEventStore(store.db, store.projector, Readable.from(dump))).rejects.toThrow(
        new DumpImportError("the database already holds events; import needs an empty one (a fresh database, migrated)"),
      );
      expect(await eventCount(store)).toBe(events);
    } finally {
      await store.close();
    }
  }, 120_000);

  test("every table that is not a projection is carried by the export (a new write-side table must be added to it)", async () => {
    const { rows } = await sql<{ name: string }>`
      SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'kysely_migration%'`.execute(source.store.db);
    const writeSideTables = rows.map((r) => r.name).filter((name) => !(source.store.projector.tables as string[]).includes(name));
    expect(writeSideTables.sort()).toEqual(Object.keys(DUMPED_TABLES).sort());
  });

  describe("bad input is refused with the line it is on, and nothing is written", () => {
    // One empty database for all the cases (an embedded one costs half a second to open): each finds
    // it empty and must leave it so, whatever ran before.
    let empty: Store;
    beforeAll(async () => {
      empty = await openStore(await backend.create());
    });
    afterAll(() => empty?.close());

    test.each([
      ["empty input", () => "", "line 1 is not a keygate export header (is the input empty?)"],
      ["another format", () => '{"format":"other","version":1}\n', "line 1: expected a keygate-event-store export of version 1"],
      ["another schema", () => `${dump.split("\n")[0]!.replace(/"migrations":\[[^\]]*\]/, '"migrations":["0001-event-store"]')}\n`, "the export was written for the schema [0001-event-store]"],
      ["a line that is not JSON", () => `${dump.split("\n").slice(0, 3).join("\n")}\n{"table":\n`, "line 4 is not JSON"],
      ["an unknown table", () => `${dump.split("\n").slice(0, 3).join("\n")}\n{"table":"users","row":{}}\n`, 'line 4: "table" must be one of events2, aggregates, unique_constraints'],
      ["a row that is not an object", () => `${dump.split("\n").slice(0, 3).join("\n")}\n{"table":"events2","row":[1]}\n`, 'line 4: "row" must be an object'],
    ])("%s", async (_name, input, message) => {
      expect(await eventCount(empty)).toBe(0);
      await expect(importEventStore(empty.db, empty.projector, Readable.from(input()))).rejects.toThrow(message);
      expect(await eventCount(empty)).toBe(0);
      for (const table of empty.projector.tables) expect(await empty.db.selectFrom(table as keyof Database).selectAll().execute()).toEqual([]);
    });
  });
});
