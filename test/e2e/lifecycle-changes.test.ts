import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { APIAuthMethodType } from "../../src/gen/zitadel/app_pb.js";
import { KeyType } from "../../src/gen/zitadel/auth_n_key_pb.js";
import type { Change } from "../../src/gen/zitadel/change_pb.js";
import { describeEachBackend } from "../support/backends.js";
import { startAdminSession, type TestKeygate } from "../support/keygate-server.js";
import type { ManagementClient } from "../support/management-client.js";
import { expectRebuildReproduces } from "../support/projection-snapshot.js";

const JWT = APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT;
const keys = (changes: Change[]) => changes.map((c) => c.eventType?.key);

describeEachBackend("lifecycle: ListAppChanges (case 72)", (backend) => {
  let keygate: TestKeygate;
  let admin: ManagementClient;
  let orgId: string;
  let projectId: string;
  let appId: string;
  /** The app's own events in events2, oldest first. */
  let appEvents: { event_type: string; sequence: number; created_at: Date }[];

  beforeAll(async () => {
    ({ keygate, admin, orgId } = await startAdminSession(backend));
    projectId = (await admin.addProject({ name: "changes" })).id;
    // add (2 events), a key (excluded), another app's events (excluded), rename, deactivate.
    appId = (await admin.addAPIApp({ projectId, name: "tracked", authMethodType: JWT })).appId;
    await admin.addAppKey({ projectId, appId, type: KeyType.JSON });
    const other = await admin.addAPIApp({ projectId, name: "bystander" });
    await admin.updateApp({ projectId, appId, name: "tracked-renamed" });
    await admin.deactivateApp({ projectId, appId: other.appId });
    await admin.deactivateApp({ projectId, appId });
    appEvents = (
      await keygate.store.db
        .selectFrom("events2")
        .select(["event_type", "sequence", "created_at", "payload"])
        .where("aggregate_id", "=", projectId)
        .orderBy("sequence")
        .execute()
    ).filter((row) => (row.payload as { appId?: string } | null)?.appId === appId);
  });
  afterAll(() => keygate?.dispose());

  test("case 72: newest first, EventTypes keys with English messages, the events' sequences and dates, editorId = the caller; key events absent", async () => {
    const res = await admin.listAppChanges({ projectId, appId });
    expect(keys(res.result)).toEqual([
      "EventTypes.project.application.deactivated",
      "EventTypes.project.application.changed",
      "EventTypes.project.application.config.api.added",
      "EventTypes.project.application.added",
    ]);
    expect(res.result.map((c) => c.eventType?.localizedMessage)).toEqual([
      "Application deactivated",
      "Application changed",
      "API Configuration added",
      "Application added",
    ]);
    const newestFirst = [...appEvents].reverse();
    expect(newestFirst.map((e) => e.event_type)).toEqual([
      "project.application.deactivated",
      "project.application.changed",
      "project.application.config.api.added",
      "project.application.added",
    ]);
    expect(res.result.map((c) => c.sequence)).toEqual(newestFirst.map((e) => BigInt(e.sequence)));
    expect(res.result.map((c) => timestampDate(c.changeDate!).getTime())).toEqual(newestFirst.map((e) => e.created_at.getTime()));
    for (const change of res.result) {
      expect(change.editorId).toBe(keygate.adminUserId);
      expect(change.resourceOwnerId).toBe(orgId);
    }
    const sequences = res.result.map((c) => Number(c.sequence));
    expect(sequences).toEqual([...sequences].sort((a, b) => b - a));
    expect(res.result.some((c) => c.eventType?.key?.includes("key"))).toBe(false);
  });

  test("case 72: asc reverses the order", async () => {
    const desc = await admin.listAppChanges({ projectId, appId });
    const asc = await admin.listAppChanges({ projectId, appId, query: { asc: true } });
    expect(asc.result).toEqual([...desc.result].reverse());
  });

  test("case 72: the sequence filter returns only later changes; limit cuts the list", async () => {
    const configAdded = appEvents[1]!.sequence;
    const later = await admin.listAppChanges({ projectId, appId, query: { sequence: BigInt(configAdded) } });
    expect(keys(later.result)).toEqual(["EventTypes.project.application.deactivated", "EventTypes.project.application.changed"]);
    const laterAsc = await admin.listAppChanges({ projectId, appId, query: { sequence: BigInt(configAdded), asc: true } });
    expect(keys(laterAsc.result)).toEqual(["EventTypes.project.application.changed", "EventTypes.project.application.deactivated"]);
    const newest = await admin.listAppChanges({ projectId, appId, query: { limit: 1 } });
    expect(keys(newest.result)).toEqual(["EventTypes.project.application.deactivated"]);
    const oldestTwo = await admin.listAppChanges({ projectId, appId, query: { limit: 2, asc: true } });
    expect(keys(oldestTwo.result)).toEqual(["EventTypes.project.application.added", "EventTypes.project.application.config.api.added"]);
    const none = await admin.listAppChanges({ projectId, appId, query: { sequence: BigInt(appEvents[3]!.sequence) } });
    expect(none.result).toEqual([]);
  });

  test("REST: POST …/changes/_search takes query.limit and query.asc from the URL and ignores the body", async () => {
    const res = await fetch(`${keygate.url}/management/v1/projects/${projectId}/apps/${appId}/changes/_search?query.limit=2&query.asc=true`, {
      method: "POST",
      headers: { authorization: `Bearer ${keygate.adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({ query: { limit: 10, asc: false } }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { result: { changeDate: string; eventType: { key: string; localizedMessage: string }; sequence: string; editorId: string; resourceOwnerId: string }[] };
    expect(body.result).toHaveLength(2);
    expect(body.result[0]!.changeDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(Date.parse(body.result[0]!.changeDate)).toBe(appEvents[0]!.created_at.getTime());
    expect(body.result[0]).toEqual({
      changeDate: body.result[0]!.changeDate,
      eventType: { key: "EventTypes.project.application.added", localizedMessage: "Application added" },
      sequence: String(appEvents[0]!.sequence),
      editorId: keygate.adminUserId,
      resourceOwnerId: orgId,
    });
    expect(body.result[1]!.eventType.key).toBe("EventTypes.project.application.config.api.added");
    // Without query parameters: all four, newest first.
    const all = await fetch(`${keygate.url}/management/v1/projects/${projectId}/apps/${appId}/changes/_search`, {
      method: "POST",
      headers: { authorization: `Bearer ${keygate.adminToken}` },
    });
    expect(all.status).toBe(200);
    const allBody = (await all.json()) as { result: { eventType: { key: string } }[] };
    expect(allBody.result.map((c) => c.eventType.key)).toEqual([
      "EventTypes.project.application.deactivated",
      "EventTypes.project.application.changed",
      "EventTypes.project.application.config.api.added",
      "EventTypes.project.application.added",
    ]);
  });

  test("secret, config and reactivation changes carry their English messages", async () => {
    const app = await admin.addAPIApp({ projectId, name: "more-changes" });
    await admin.regenerateAPIClientSecret({ projectId, appId: app.appId });
    await admin.updateAPIAppConfig({ projectId, appId: app.appId, authMethodType: JWT });
    await admin.deactivateApp({ projectId, appId: app.appId });
    await admin.reactivateApp({ projectId, appId: app.appId });
    const res = await admin.listAppChanges({ projectId, appId: app.appId, query: { limit: 4 } });
    expect(res.result.map((c) => [c.eventType?.key, c.eventType?.localizedMessage])).toEqual([
      ["EventTypes.project.application.reactivated", "Application reactivated"],
      ["EventTypes.project.application.deactivated", "Application deactivated"],
      ["EventTypes.project.application.config.api.changed", "API Configuration changed"],
      ["EventTypes.project.application.config.api.secret.changed", "API secret changed"],
    ]);
  });

  test("an unknown app, or the app under another project id, has no changes", async () => {
    expect((await admin.listAppChanges({ projectId, appId: "4711" })).result).toEqual([]);
    const { id: otherProject } = await admin.addProject({ name: "changes-other" });
    expect((await admin.listAppChanges({ projectId: otherProject, appId })).result).toEqual([]);
  });

  describe("after the tests that ran before (whichever they were; the fixture holds what the thresholds need)", () => {
    test("rebuild-projections reproduces every projection table", async () => {
      await expectRebuildReproduces(keygate.store, { apps: 1 });
    });
  });
});
