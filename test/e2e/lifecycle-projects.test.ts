import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Code } from "@connectrpc/connect";
import { timestampDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import { APIAuthMethodType } from "../../src/gen/zitadel/app_pb.js";
import { KeyType } from "../../src/gen/zitadel/auth_n_key_pb.js";
import type { ObjectDetails } from "../../src/gen/zitadel/object_pb.js";
import { TextQueryMethod } from "../../src/gen/zitadel/object_pb.js";
import { PrivateLabelingSetting, ProjectState } from "../../src/gen/zitadel/project_pb.js";
import { describeEachBackend } from "../support/backends.js";
import { expectError } from "../support/expect-error.js";
import { startAdminSession, type TestKeygate } from "../support/keygate-server.js";
import { managementClient, type ManagementClient } from "../support/management-client.js";
import { expectRebuildReproduces, seedMoreThan } from "../support/projection-snapshot.js";

const millis = (t: Timestamp | undefined) => (t ? timestampDate(t).getTime() : undefined);

describeEachBackend("lifecycle: projects (cases 8–12, RemoveProject, ListProjects)", (backend) => {
  let keygate: TestKeygate;
  let admin: ManagementClient;
  let orgId: string;

  beforeAll(async () => {
    ({ keygate, admin, orgId } = await startAdminSession(backend));
  });
  afterAll(() => keygate?.dispose());

  const projectEvents = (projectId: string) =>
    keygate.store.db.selectFrom("events2").selectAll().where("aggregate_id", "=", projectId).orderBy("sequence").execute();

  /** ZITADEL's change-type details: sequence, change date, owner; no creation date. */
  function expectChangeDetails(details: ObjectDetails | undefined, sequence?: number): void {
    expect(details).toBeDefined();
    expect(details!.changeDate).toBeDefined();
    expect(details!.creationDate).toBeUndefined();
    expect(details!.resourceOwner).toBe(orgId);
    if (sequence !== undefined) expect(details!.sequence).toBe(BigInt(sequence));
  }

  const fullUpdate = (id: string, name: string) => ({
    id,
    name,
    projectRoleAssertion: true,
    projectRoleCheck: false,
    hasProjectCheck: true,
    privateLabelingSetting: PrivateLabelingSetting.ENFORCE_PROJECT_RESOURCE_OWNER_POLICY,
  });

  describe("UpdateProject", () => {
    test("a changing update appends project.changed with only the changed fields and answers change-type details", async () => {
      const { id } = await admin.addProject({ name: "to-update", projectRoleAssertion: true });
      const res = await admin.updateProject({ ...fullUpdate(id, "updated"), projectRoleAssertion: true });
      expectChangeDetails(res.details, 2);
      const events = await projectEvents(id);
      expect(events.map((e) => e.event_type)).toEqual(["project.added", "project.changed"]);
      expect(events[1]!.payload).toEqual({ name: "updated", hasProjectCheck: true, privateLabelingSetting: 1 });
      expect(millis(res.details!.changeDate)).toBe(events[1]!.created_at.getTime());
      const read = (await admin.getProjectByID({ id })).project!;
      expect(read).toMatchObject({ name: "updated", projectRoleAssertion: true, projectRoleCheck: false, hasProjectCheck: true });
      expect(read.privateLabelingSetting).toBe(PrivateLabelingSetting.ENFORCE_PROJECT_RESOURCE_OWNER_POLICY);
      expect(read.details?.sequence).toBe(2n);
    });

    test("case 8: an update with the current values is OK, pushes nothing, and answers the latest project-level event's details", async () => {
      const { id } = await admin.addProject({ name: "unchanged" });
      await admin.updateProject(fullUpdate(id, "unchanged-renamed")); // project-level event, sequence 2
      // App events share the project aggregate's counter but are not project-level events.
      await admin.addAPIApp({ projectId: id, name: "app-in-between" }); // sequences 3 and 4
      const before = await projectEvents(id);
      expect(before).toHaveLength(4);

      const res = await admin.updateProject(fullUpdate(id, "unchanged-renamed"));
      expect(await projectEvents(id)).toHaveLength(4);
      expectChangeDetails(res.details, 2);
      expect(millis(res.details!.changeDate)).toBe(before[1]!.created_at.getTime());
    });

    test("case 9: an unknown project is NotFound (COMMAND-3M9sd)", async () => {
      await expectError(admin.updateProject(fullUpdate("4711", "whatever")), Code.NotFound, "Project not found (COMMAND-3M9sd)", "COMMAND-3M9sd");
    });

    test("renaming onto another project's name (other case) is AlreadyExists; the old name is released", async () => {
      await admin.addProject({ name: "taken-name" });
      const { id } = await admin.addProject({ name: "free-name" });
      await expectError(admin.updateProject(fullUpdate(id, "TAKEN-NAME")), Code.AlreadyExists, "Project already exists on organization (V3-DKcYh)");
      await admin.updateProject(fullUpdate(id, "renamed-away"));
      expect((await admin.addProject({ name: "Free-Name" })).id).toMatch(/^\d+$/);
    });
  });

  describe("DeactivateProject / ReactivateProject", () => {
    test("case 10: deactivating twice is FailedPrecondition (COMMAND-mki55); the first answers change-type details and INACTIVE", async () => {
      const { id } = await admin.addProject({ name: "deactivate-twice" });
      const res = await admin.deactivateProject({ id });
      expectChangeDetails(res.details, 2);
      expect((await admin.getProjectByID({ id })).project?.state).toBe(ProjectState.INACTIVE);
      const events = await projectEvents(id);
      expect(events[1]).toMatchObject({ event_type: "project.deactivated", payload: null });
      await expectError(admin.deactivateProject({ id }), Code.FailedPrecondition, "Project is not active (COMMAND-mki55)", "COMMAND-mki55");
      expect(await projectEvents(id)).toHaveLength(2);
    });

    test("deactivating an unknown project is NotFound (COMMAND-112M9)", async () => {
      await expectError(admin.deactivateProject({ id: "4711" }), Code.NotFound, "Project not found (COMMAND-112M9)", "COMMAND-112M9");
    });

    test("case 11: reactivating an active project is FailedPrecondition (COMMAND-5M9bs); an inactive one becomes ACTIVE", async () => {
      const { id } = await admin.addProject({ name: "reactivate" });
      await expectError(admin.reactivateProject({ id }), Code.FailedPrecondition, "Project is not deactivated (COMMAND-5M9bs)", "COMMAND-5M9bs");
      await admin.deactivateProject({ id });
      const res = await admin.reactivateProject({ id });
      expectChangeDetails(res.details, 3);
      expect((await admin.getProjectByID({ id })).project?.state).toBe(ProjectState.ACTIVE);
      expect((await projectEvents(id)).map((e) => e.event_type)).toEqual(["project.added", "project.deactivated", "project.reactivated"]);
    });

    test("reactivating an unknown project is NotFound (COMMAND-3M9sd)", async () => {
      await expectError(admin.reactivateProject({ id: "4711" }), Code.NotFound, "Project not found (COMMAND-3M9sd)", "COMMAND-3M9sd");
    });
  });

  describe("RemoveProject", () => {
    test("case 12: removing twice is NotFound (COMMAND-3M9sd); GetProjectByID is then NotFound (QUERY-fk2fs)", async () => {
      const { id } = await admin.addProject({ name: "remove-twice" });
      const res = await admin.removeProject({ id });
      expectChangeDetails(res.details, 2);
      const events = await projectEvents(id);
      expect(events[1]).toMatchObject({ event_type: "project.removed", payload: null });
      await expectError(admin.removeProject({ id }), Code.NotFound, "Project not found (COMMAND-3M9sd)", "COMMAND-3M9sd");
      await expectError(admin.getProjectByID({ id }), Code.NotFound, "Project not found (QUERY-fk2fs)", "QUERY-fk2fs");
      // A removed project can neither be updated, deactivated nor reactivated.
      await expectError(admin.updateProject(fullUpdate(id, "zombie")), Code.NotFound, "Project not found (COMMAND-3M9sd)");
      await expectError(admin.deactivateProject({ id }), Code.NotFound, "Project not found (COMMAND-112M9)");
      await expectError(admin.reactivateProject({ id }), Code.NotFound, "Project not found (COMMAND-3M9sd)");
      expect(await projectEvents(id)).toHaveLength(2);
    });

    test("RemoveProject releases the project name (in any case)", async () => {
      const { id } = await admin.addProject({ name: "Reusable" });
      await expectError(admin.addProject({ name: "reusable" }), Code.AlreadyExists);
      await admin.removeProject({ id });
      const again = await admin.addProject({ name: "reusable" });
      expect(again.id).not.toBe(id);
      expect((await admin.getProjectByID({ id: again.id })).project?.name).toBe("reusable");
    });

    test("RemoveProject makes its apps and keys vanish from every read; app and key commands on them answer NotFound", async () => {
      const { id: projectId } = await admin.addProject({ name: "doomed" });
      const basic = await admin.addAPIApp({ projectId, name: "basic" });
      const jwt = await admin.addAPIApp({ projectId, name: "jwt", authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT });
      const key = await admin.addAppKey({ projectId, appId: jwt.appId, type: KeyType.JSON });
      // Everything is visible before.
      expect((await admin.listApps({ projectId })).details?.totalResult).toBe(2n);
      expect((await admin.listAppKeys({ projectId, appId: jwt.appId })).result.map((k) => k.id)).toEqual([key.id]);

      await admin.removeProject({ id: projectId });

      for (const appId of [basic.appId, jwt.appId]) {
        await expectError(admin.getAppByID({ projectId, appId }), Code.NotFound, "Errors.App.NotExisting (QUERY-pCP8P)");
        await expectError(admin.updateApp({ projectId, appId, name: "renamed" }), Code.NotFound, "Application doesn't exist (COMMAND-28di9)");
        await expectError(
          admin.updateAPIAppConfig({ projectId, appId, authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT }),
          Code.NotFound,
          "Application doesn't exist (COMMAND-2n8uU)",
        );
        await expectError(admin.regenerateAPIClientSecret({ projectId, appId }), Code.NotFound, "Application doesn't exist (COMMAND-2g66f)");
        await expectError(admin.deactivateApp({ projectId, appId }), Code.NotFound, "Application doesn't exist (COMMAND-ov9d3)");
        await expectError(admin.reactivateApp({ projectId, appId }), Code.NotFound, "Application doesn't exist (COMMAND-ov9d3)");
        await expectError(admin.removeApp({ projectId, appId }), Code.NotFound, "Application doesn't exist (COMMAND-0po9s)");
        await expectError(admin.addAppKey({ projectId, appId, type: KeyType.JSON }), Code.FailedPrecondition, "Application not found (COMMAND-sak25)");
        const keys = await admin.listAppKeys({ projectId, appId });
        expect(keys.result).toEqual([]);
        expect(keys.details?.totalResult ?? 0n).toBe(0n);
      }
      await expectError(admin.getAppKey({ projectId, appId: jwt.appId, keyId: key.id }), Code.NotFound, "Errors.AuthNKey.NotFound (QUERY-Dgr3g)");
      await expectError(admin.removeAppKey({ projectId, appId: jwt.appId, keyId: key.id }), Code.NotFound, "Application key not found (COMMAND-4m77G)");
      const apps = await admin.listApps({ projectId });
      expect(apps.result).toEqual([]);
      expect(apps.details?.totalResult ?? 0n).toBe(0n);
      expect((await admin.listProjects({})).result.map((p) => p.id)).not.toContain(projectId);
      await expectError(admin.addAPIApp({ projectId, name: "late" }), Code.FailedPrecondition, "Project not found (COMMAND-EbFMN)");

      // Nothing of the project is left in the read tables.
      const db = keygate.store.db;
      expect(await db.selectFrom("projects").selectAll().where("id", "=", projectId).execute()).toEqual([]);
      expect(await db.selectFrom("apps").selectAll().where("project_id", "=", projectId).execute()).toEqual([]);
      expect(await db.selectFrom("app_api_configs").selectAll().where("app_id", "in", [basic.appId, jwt.appId]).execute()).toEqual([]);
      expect(await db.selectFrom("app_keys").selectAll().where("project_id", "=", projectId).execute()).toEqual([]);
      // The failed commands appended nothing after project.removed.
      const events = await projectEvents(projectId);
      expect(events[events.length - 1]!.event_type).toBe("project.removed");
    });
  });

  describe("ListProjects", () => {
    let listOrgId: string;
    let inListOrg: ManagementClient;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      listOrgId = (await admin.addOrg({ name: "Project Lister" })).id;
      inListOrg = managementClient(keygate.url, keygate.adminToken, listOrgId);
      for (const name of ["Alpha", "alphabet", "Beta", "gamma_1", "gammaX1", "100%"]) ids[name] = (await inListOrg.addProject({ name })).id;
      // A project of another org with a matching name must never show.
      await admin.addProject({ name: "Alpha-elsewhere" });
    });

    const names = async (client: ManagementClient, queries: Parameters<ManagementClient["listProjects"]>[0]) =>
      (await client.listProjects(queries)).result.map((p) => p.name).sort();

    test("without queries: exactly the org context's projects, counted, with read-type details and list details", async () => {
      const res = await inListOrg.listProjects({});
      expect(res.result.map((p) => p.name).sort()).toEqual(["100%", "Alpha", "Beta", "alphabet", "gammaX1", "gamma_1"]);
      expect(res.details?.totalResult).toBe(6n);
      expect(res.details?.processedSequence).toBeGreaterThan(0n);
      expect(res.details?.viewTimestamp).toBeDefined();
      for (const p of res.result) {
        expect(p.details?.resourceOwner).toBe(listOrgId);
        expect(p.details?.creationDate).toBeDefined();
        expect(p.details?.changeDate).toBeDefined();
        expect(p.state).toBe(ProjectState.ACTIVE);
      }
      // The admin's own org context lists its own projects, none of the lister org's.
      const own = await admin.listProjects({ query: { limit: 1000 } });
      expect(own.result.every((p) => p.details?.resourceOwner === orgId)).toBe(true);
      expect(own.result.map((p) => p.id)).not.toContain(ids.Alpha);
    });

    test("name queries with every method", async () => {
      const q = (name: string, method: TextQueryMethod) => ({ queries: [{ query: { case: "nameQuery" as const, value: { name, method } } }] });
      expect(await names(inListOrg, q("Alpha", TextQueryMethod.EQUALS))).toEqual(["Alpha"]);
      expect(await names(inListOrg, q("alpha", TextQueryMethod.EQUALS))).toEqual([]);
      expect(await names(inListOrg, q("ALPHA", TextQueryMethod.EQUALS_IGNORE_CASE))).toEqual(["Alpha"]);
      expect(await names(inListOrg, q("alpha", TextQueryMethod.STARTS_WITH))).toEqual(["alphabet"]);
      expect(await names(inListOrg, q("ALPH", TextQueryMethod.STARTS_WITH_IGNORE_CASE))).toEqual(["Alpha", "alphabet"]);
      expect(await names(inListOrg, q("et", TextQueryMethod.CONTAINS))).toEqual(["Beta", "alphabet"]);
      expect(await names(inListOrg, q("A_1", TextQueryMethod.CONTAINS_IGNORE_CASE))).toEqual(["gamma_1"]);
      expect(await names(inListOrg, q("%", TextQueryMethod.ENDS_WITH))).toEqual(["100%"]);
      expect(await names(inListOrg, q("X1", TextQueryMethod.ENDS_WITH_IGNORE_CASE))).toEqual(["gammaX1"]);
      const res = await inListOrg.listProjects(q("ALPH", TextQueryMethod.STARTS_WITH_IGNORE_CASE));
      expect(res.details?.totalResult).toBe(2n);
    });

    test("a resource-owner query for the org context keeps its projects; for another org it finds nothing", async () => {
      const rq = (resourceOwner: string) => ({ queries: [{ query: { case: "projectResourceOwnerQuery" as const, value: { resourceOwner } } }] });
      expect((await inListOrg.listProjects(rq(listOrgId))).details?.totalResult).toBe(6n);
      const foreign = await inListOrg.listProjects(rq(orgId));
      expect(foreign.result).toEqual([]);
      expect(foreign.details?.totalResult ?? 0n).toBe(0n);
      const fromAdminOrg = await admin.listProjects(rq(listOrgId));
      expect(fromAdminOrg.result).toEqual([]);
    });

    test("paging: totalResult counts before paging; the order is by id, descending unless asc", async () => {
      const all = Object.values(ids).sort();
      const asc = await inListOrg.listProjects({ query: { asc: true } });
      expect(asc.result.map((p) => p.id)).toEqual(all);
      const desc = await inListOrg.listProjects({});
      expect(desc.result.map((p) => p.id)).toEqual([...all].reverse());
      const page = await inListOrg.listProjects({ query: { offset: 2n, limit: 3, asc: true } });
      expect(page.details?.totalResult).toBe(6n);
      expect(page.result.map((p) => p.id)).toEqual(all.slice(2, 5));
      await expectError(inListOrg.listProjects({ query: { limit: 1001 } }), Code.InvalidArgument, "Limit exceeded (QUERY-4M0fs)", "QUERY-4M0fs");
    });

    test("removed projects leave the list", async () => {
      const { id } = await inListOrg.addProject({ name: "short-lived" });
      expect((await inListOrg.listProjects({})).details?.totalResult).toBe(7n);
      await inListOrg.removeProject({ id });
      const res = await inListOrg.listProjects({});
      expect(res.details?.totalResult).toBe(6n);
      expect(res.result.map((p) => p.id)).not.toContain(id);
    });
  });

  describe("after the tests that ran before (whichever they were)", () => {
    test("rebuild-projections reproduces every projection table", async () => {
      let n = 0;
      await seedMoreThan(keygate.store, "projects", 10, () => admin.addProject({ name: `rebuild-seed-${n++}` }));
      const { result } = await expectRebuildReproduces(keygate.store, { projects: 10 });
      expect(result.events).toBeGreaterThan(0);
    });
  });
});
