import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Code } from "@connectrpc/connect";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { APIAuthMethodType, AppState } from "../../src/gen/zitadel/app_pb.js";
import { TextQueryMethod } from "../../src/gen/zitadel/object_pb.js";
import { describeEachBackend } from "../support/backends.js";
import { expectError } from "../support/expect-error.js";
import { startAdminSession, type TestKeygate } from "../support/keygate-server.js";
import type { ManagementClient } from "../support/management-client.js";
import { expectRebuildReproduces, seedMoreThan } from "../support/projection-snapshot.js";

const JWT = APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT;
const nameQuery = (name: string, method: TextQueryMethod) => ({ query: { case: "nameQuery" as const, value: { name, method } } });

/**
 * Order (documented): ListApps sorts by app id — descending by default, ascending with `query.asc`.
 * App ids are time-ordered decimal strings of one length, so this is newest first by default.
 * ZITADEL itself has no ORDER BY here (database order).
 */
describeEachBackend("lifecycle: ListApps (cases 36, 37; paging, text queries, limits)", (backend) => {
  let keygate: TestKeygate;
  let admin: ManagementClient;
  let orgId: string;

  beforeAll(async () => {
    ({ keygate, admin, orgId } = await startAdminSession(backend));
  });
  afterAll(() => keygate?.dispose());

  test("case 36: two apps → totalResult 2, both apps with read-type details; a STARTS_WITH name query filters", async () => {
    const { id: projectId } = await admin.addProject({ name: "two-apps" });
    const ap1 = await admin.addAPIApp({ projectId, name: "ap1" });
    const other = await admin.addAPIApp({ projectId, name: "other", authMethodType: JWT });
    // An app of another project never shows.
    const { id: elsewhere } = await admin.addProject({ name: "elsewhere" });
    await admin.addAPIApp({ projectId: elsewhere, name: "ap-elsewhere" });

    const res = await admin.listApps({ projectId });
    expect(res.details?.totalResult).toBe(2n);
    expect(res.result.map((a) => a.id).sort()).toEqual([ap1.appId, other.appId].sort());
    const byId = new Map(res.result.map((a) => [a.id, a]));
    expect(byId.get(ap1.appId)).toMatchObject({ name: "ap1", state: AppState.ACTIVE });
    expect(byId.get(ap1.appId)!.config.value).toMatchObject({ clientId: ap1.clientId, authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC });
    expect(byId.get(other.appId)!.config.value).toMatchObject({ clientId: other.clientId, authMethodType: JWT });
    for (const app of res.result) {
      expect(app.details?.creationDate).toBeDefined();
      expect(app.details?.changeDate).toBeDefined();
      expect(app.details?.resourceOwner).toBe(orgId);
    }
    expect(byId.get(ap1.appId)!.details?.sequence).toBe(ap1.details!.sequence);

    const filtered = await admin.listApps({ projectId, queries: [nameQuery("ap", TextQueryMethod.STARTS_WITH)] });
    expect(filtered.details?.totalResult).toBe(1n);
    expect(filtered.result.map((a) => a.id)).toEqual([ap1.appId]);
  });

  test("list details: processedSequence and viewTimestamp are filled", async () => {
    const { id: projectId } = await admin.addProject({ name: "list-details" });
    const app = await admin.addAPIApp({ projectId, name: "only" });
    const before = Date.now();
    const res = await admin.listApps({ projectId });
    expect(res.details?.processedSequence).toBeGreaterThanOrEqual(app.details!.sequence);
    expect(res.details?.viewTimestamp).toBeDefined();
    const viewed = timestampDate(res.details!.viewTimestamp!).getTime();
    expect(Math.abs(viewed - before)).toBeLessThan(60_000);
  });

  test("case 37: an unknown project is an empty result with totalResult 0 (and over REST: 200, no result, no totalResult)", async () => {
    const res = await admin.listApps({ projectId: "4711" });
    expect(res.result).toEqual([]);
    expect(res.details?.totalResult ?? 0n).toBe(0n);
    const rest = await fetch(`${keygate.url}/management/v1/projects/4711/apps/_search`, {
      method: "POST",
      headers: { authorization: `Bearer ${keygate.adminToken}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(rest.status).toBe(200);
    const body = (await rest.json()) as { result?: unknown[]; details?: { totalResult?: string } };
    expect(body.result).toBeUndefined();
    expect(body.details).toBeDefined();
    expect(body.details!.totalResult).toBeUndefined();
  });

  describe("name queries with every TextQueryMethod (LIKE wildcards are literal)", () => {
    let projectId: string;
    const names = ["Alpha", "alphabet", "beta_1", "betaX1", "100%", "1000", "Omega"];

    beforeAll(async () => {
      projectId = (await admin.addProject({ name: "text-queries" })).id;
      for (const name of names) await admin.addAPIApp({ projectId, name });
    });

    const matching = async (name: string, method: TextQueryMethod) => {
      const res = await admin.listApps({ projectId, queries: [nameQuery(name, method)] });
      expect(res.details?.totalResult ?? 0n).toBe(BigInt(res.result.length));
      return res.result.map((a) => a.name).sort();
    };

    test("EQUALS is exact and case-sensitive", async () => {
      expect(await matching("Alpha", TextQueryMethod.EQUALS)).toEqual(["Alpha"]);
      expect(await matching("alpha", TextQueryMethod.EQUALS)).toEqual([]);
      expect(await matching("beta_1", TextQueryMethod.EQUALS)).toEqual(["beta_1"]);
    });

    test("EQUALS_IGNORE_CASE", async () => {
      expect(await matching("ALPHA", TextQueryMethod.EQUALS_IGNORE_CASE)).toEqual(["Alpha"]);
      expect(await matching("omega", TextQueryMethod.EQUALS_IGNORE_CASE)).toEqual(["Omega"]);
    });

    test("STARTS_WITH is case-sensitive; % and _ are literal", async () => {
      expect(await matching("alpha", TextQueryMethod.STARTS_WITH)).toEqual(["alphabet"]);
      expect(await matching("Alpha", TextQueryMethod.STARTS_WITH)).toEqual(["Alpha"]);
      expect(await matching("beta_", TextQueryMethod.STARTS_WITH)).toEqual(["beta_1"]);
      expect(await matching("%", TextQueryMethod.STARTS_WITH)).toEqual([]);
    });

    test("STARTS_WITH_IGNORE_CASE", async () => {
      expect(await matching("ALPH", TextQueryMethod.STARTS_WITH_IGNORE_CASE)).toEqual(["Alpha", "alphabet"]);
      expect(await matching("BETA_", TextQueryMethod.STARTS_WITH_IGNORE_CASE)).toEqual(["beta_1"]);
    });

    test("CONTAINS is case-sensitive; % and _ are literal", async () => {
      expect(await matching("ph", TextQueryMethod.CONTAINS)).toEqual(["Alpha", "alphabet"]);
      expect(await matching("PH", TextQueryMethod.CONTAINS)).toEqual([]);
      expect(await matching("a_1", TextQueryMethod.CONTAINS)).toEqual(["beta_1"]);
      expect(await matching("0%", TextQueryMethod.CONTAINS)).toEqual(["100%"]);
      expect(await matching("_", TextQueryMethod.CONTAINS)).toEqual(["beta_1"]);
    });

    test("CONTAINS_IGNORE_CASE", async () => {
      expect(await matching("PH", TextQueryMethod.CONTAINS_IGNORE_CASE)).toEqual(["Alpha", "alphabet"]);
      expect(await matching("A_1", TextQueryMethod.CONTAINS_IGNORE_CASE)).toEqual(["beta_1"]);
      expect(await matching("%", TextQueryMethod.CONTAINS_IGNORE_CASE)).toEqual(["100%"]);
    });

    test("ENDS_WITH is case-sensitive; % and _ are literal", async () => {
      expect(await matching("%", TextQueryMethod.ENDS_WITH)).toEqual(["100%"]);
      expect(await matching("_1", TextQueryMethod.ENDS_WITH)).toEqual(["beta_1"]);
      expect(await matching("GA", TextQueryMethod.ENDS_WITH)).toEqual([]);
      expect(await matching("ga", TextQueryMethod.ENDS_WITH)).toEqual(["Omega"]);
    });

    test("ENDS_WITH_IGNORE_CASE", async () => {
      expect(await matching("GA", TextQueryMethod.ENDS_WITH_IGNORE_CASE)).toEqual(["Omega"]);
      expect(await matching("X1", TextQueryMethod.ENDS_WITH_IGNORE_CASE)).toEqual(["betaX1"]);
      expect(await matching("0%", TextQueryMethod.ENDS_WITH_IGNORE_CASE)).toEqual(["100%"]);
    });

    test("several name queries all apply", async () => {
      const res = await admin.listApps({
        projectId,
        queries: [nameQuery("a", TextQueryMethod.STARTS_WITH_IGNORE_CASE), nameQuery("bet", TextQueryMethod.ENDS_WITH)],
      });
      expect(res.result.map((a) => a.name)).toEqual(["alphabet"]);
    });

    test("a query needs its oneof set, and an undefined method is InvalidArgument", async () => {
      await expectError(admin.listApps({ projectId, queries: [{ query: { case: undefined } }] }), Code.InvalidArgument);
      await expectError(admin.listApps({ projectId, queries: [nameQuery("a", 8 as TextQueryMethod)] }), Code.InvalidArgument);
    });
  });

  describe("paging", () => {
    let projectId: string;
    let ids: string[]; // ascending

    beforeAll(async () => {
      projectId = (await admin.addProject({ name: "paging" })).id;
      ids = [];
      for (let i = 0; i < 101; i++) ids.push((await admin.addAPIApp({ projectId, name: `app-${String(i).padStart(3, "0")}`, authMethodType: JWT })).appId);
      ids.sort();
    });

    test("without a limit at most 100 apps come back, totalResult counts all 101; default order is by id descending", async () => {
      const res = await admin.listApps({ projectId });
      expect(res.details?.totalResult).toBe(101n);
      expect(res.result).toHaveLength(100);
      expect(res.result.map((a) => a.id)).toEqual([...ids].reverse().slice(0, 100));
    });

    test("asc orders by id ascending (creation order)", async () => {
      const res = await admin.listApps({ projectId, query: { asc: true } });
      expect(res.result.map((a) => a.id)).toEqual(ids.slice(0, 100));
      expect(res.result[0]!.name).toBe("app-000");
    });

    test("offset and limit page through the ordered matches; totalResult is counted before paging", async () => {
      const page = await admin.listApps({ projectId, query: { offset: 10n, limit: 5, asc: true } });
      expect(page.details?.totalResult).toBe(101n);
      expect(page.result.map((a) => a.id)).toEqual(ids.slice(10, 15));
      const descPage = await admin.listApps({ projectId, query: { offset: 10n, limit: 5 } });
      expect(descPage.result.map((a) => a.id)).toEqual([...ids].reverse().slice(10, 15));
      const last = await admin.listApps({ projectId, query: { offset: 100n, limit: 50, asc: true } });
      expect(last.result.map((a) => a.id)).toEqual([ids[100]]);
      const beyond = await admin.listApps({ projectId, query: { offset: 500n, limit: 10 } });
      expect(beyond.result).toEqual([]);
      expect(beyond.details?.totalResult).toBe(101n);
      const filtered = await admin.listApps({ projectId, query: { limit: 3, asc: true }, queries: [nameQuery("app-09", TextQueryMethod.STARTS_WITH)] });
      expect(filtered.details?.totalResult).toBe(10n);
      expect(filtered.result.map((a) => a.name)).toEqual(["app-090", "app-091", "app-092"]);
    });

    test("limit 1000 is allowed; limit 1001 is InvalidArgument Limit exceeded (QUERY-4M0fs)", async () => {
      expect((await admin.listApps({ projectId, query: { limit: 1000 } })).result).toHaveLength(101);
      await expectError(admin.listApps({ projectId, query: { limit: 1001 } }), Code.InvalidArgument, "Limit exceeded (QUERY-4M0fs)", "QUERY-4M0fs");
    });

    test("REST: query offset/limit/asc in the body", async () => {
      const res = await fetch(`${keygate.url}/management/v1/projects/${projectId}/apps/_search`, {
        method: "POST",
        headers: { authorization: `Bearer ${keygate.adminToken}`, "content-type": "application/json" },
        body: JSON.stringify({ query: { offset: "1", limit: 2, asc: true }, queries: [{ nameQuery: { name: "APP-00", method: "TEXT_QUERY_METHOD_STARTS_WITH_IGNORE_CASE" } }] }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { details: { totalResult: string }; result: { name: string }[] };
      expect(body.details.totalResult).toBe("10");
      expect(body.result.map((a) => a.name)).toEqual(["app-001", "app-002"]);
    });

    test("REST: limit 1001 is 400 with ZITADEL's message", async () => {
      const res = await fetch(`${keygate.url}/management/v1/projects/${projectId}/apps/_search`, {
        method: "POST",
        headers: { authorization: `Bearer ${keygate.adminToken}`, "content-type": "application/json" },
        body: JSON.stringify({ query: { limit: 1001 } }),
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { message: string }).message).toBe("Limit exceeded (QUERY-4M0fs)");
    });
  });

  test("ListApps reflects state changes and removals", async () => {
    const { id: projectId } = await admin.addProject({ name: "states" });
    const a = await admin.addAPIApp({ projectId, name: "a" });
    const b = await admin.addAPIApp({ projectId, name: "b" });
    await admin.deactivateApp({ projectId, appId: a.appId });
    await admin.updateApp({ projectId, appId: b.appId, name: "b2" });
    let res = await admin.listApps({ projectId, query: { asc: true } });
    expect(res.result.map((x) => [x.name, x.state])).toEqual([
      ["a", AppState.INACTIVE],
      ["b2", AppState.ACTIVE],
    ]);
    const removed = await admin.removeApp({ projectId, appId: a.appId });
    res = await admin.listApps({ projectId });
    expect(res.details?.totalResult).toBe(1n);
    expect(res.result.map((x) => x.id)).toEqual([b.appId]);
    // The list has processed the removal, though no listed app carries its sequence.
    expect(res.details?.processedSequence).toBe(removed.details!.sequence);
  });

  describe("after the tests that ran before (whichever they were)", () => {
    test("rebuild-projections reproduces every projection table", async () => {
      const { id: projectId } = await admin.addProject({ name: "rebuild-seed" });
      let n = 0;
      await seedMoreThan(keygate.store, "apps", 100, () => admin.addAPIApp({ projectId, name: `seed-${n++}` }));
      await expectRebuildReproduces(keygate.store, { apps: 100 });
    });
  });
});
