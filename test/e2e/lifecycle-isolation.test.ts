import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Code } from "@connectrpc/connect";
import { APIAuthMethodType, AppState } from "../../src/gen/zitadel/app_pb.js";
import { KeyType } from "../../src/gen/zitadel/auth_n_key_pb.js";
import { TextQueryMethod } from "../../src/gen/zitadel/object_pb.js";
import { ProjectState } from "../../src/gen/zitadel/project_pb.js";
import { describeEachBackend } from "../support/backends.js";
import { expectError } from "../support/expect-error.js";
import { startTestKeygate, type TestKeygate } from "../support/keygate-server.js";
import { managementClient, type ManagementClient } from "../support/management-client.js";
import { expectRebuildReproduces, snapshot } from "../support/projection-snapshot.js";

const BASIC = APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC;
const JWT = APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT;

/**
 * Another org's projects, apps and keys, seen from this org's context (no x-zitadel-orgid header):
 * commands answer NotFound (FailedPrecondition where ZITADEL does: AddAPIApp, AddAppKey), lists are
 * empty, and nothing changes. Every object is in a state in which the command would succeed in its
 * own org, so a leak would show as a success. (Reads are stricter than ZITADEL, see §2.5.)
 */
describeEachBackend("lifecycle: org isolation of projects, apps and keys (cases 22, 60)", (backend) => {
  let keygate: TestKeygate;
  let admin: ManagementClient;
  let theirs: ManagementClient;
  let otherOrgId: string;
  let ownProjectId: string;
  const b = {} as {
    project: string;
    inactiveProject: string;
    basic: { appId: string; clientId: string };
    jwt: { appId: string; clientId: string };
    inactiveApp: string;
    key: string;
  };

  beforeAll(async () => {
    keygate = await startTestKeygate(backend);
    admin = managementClient(keygate.url, keygate.adminToken);
    otherOrgId = (await admin.addOrg({ name: "Other Tenant" })).id;
    theirs = managementClient(keygate.url, keygate.adminToken, otherOrgId);
    ownProjectId = (await admin.addProject({ name: "own" })).id;

    b.project = (await theirs.addProject({ name: "their-project" })).id;
    b.inactiveProject = (await theirs.addProject({ name: "their-inactive-project" })).id;
    await theirs.deactivateProject({ id: b.inactiveProject });
    b.basic = await theirs.addAPIApp({ projectId: b.project, name: "their-basic", authMethodType: BASIC });
    b.jwt = await theirs.addAPIApp({ projectId: b.project, name: "their-jwt", authMethodType: JWT });
    b.inactiveApp = (await theirs.addAPIApp({ projectId: b.project, name: "their-inactive" })).appId;
    await theirs.deactivateApp({ projectId: b.project, appId: b.inactiveApp });
    b.key = (await theirs.addAppKey({ projectId: b.project, appId: b.jwt.appId, type: KeyType.JSON })).id;
  });
  afterAll(() => keygate?.dispose());

  const theirEventCount = async () =>
    (await keygate.store.db.selectFrom("events2").select((eb) => eb.fn.countAll<number>().as("n")).where("owner", "=", otherOrgId).executeTakeFirstOrThrow()).n;

  /** Runs `attempts` from this org's context and checks that none of it changed the other org's events or read tables. */
  async function unchanged(attempts: () => Promise<void>): Promise<void> {
    const events = Number(await theirEventCount());
    const tables = await snapshot(keygate.store);
    await attempts();
    expect(Number(await theirEventCount())).toBe(events);
    expect(await snapshot(keygate.store)).toEqual(tables);
  }

  test("positive control: from their own context everything is there", async () => {
    expect((await theirs.getProjectByID({ id: b.project })).project?.name).toBe("their-project");
    expect((await theirs.getAppByID({ projectId: b.project, appId: b.basic.appId })).app?.name).toBe("their-basic");
    expect((await theirs.listApps({ projectId: b.project })).details?.totalResult).toBe(3n);
    expect((await theirs.getAppKey({ projectId: b.project, appId: b.jwt.appId, keyId: b.key })).key?.id).toBe(b.key);
    expect((await theirs.listAppKeys({ projectId: b.project, appId: b.jwt.appId })).details?.totalResult).toBe(1n);
    expect((await theirs.listAppChanges({ projectId: b.project, appId: b.basic.appId })).result.length).toBeGreaterThan(0);
  });

  test("project commands and reads on another org's project are NotFound, lists leave it out", async () => {
    await unchanged(async () => {
      await expectError(admin.getProjectByID({ id: b.project }), Code.NotFound, "Project not found (QUERY-fk2fs)", "QUERY-fk2fs");
      await expectError(
        admin.updateProject({ id: b.project, name: "hijacked", projectRoleAssertion: true, projectRoleCheck: true, hasProjectCheck: true, privateLabelingSetting: 1 }),
        Code.NotFound,
        "Project not found (COMMAND-3M9sd)",
        "COMMAND-3M9sd",
      );
      await expectError(admin.deactivateProject({ id: b.project }), Code.NotFound, "Project not found (COMMAND-112M9)", "COMMAND-112M9");
      await expectError(admin.reactivateProject({ id: b.inactiveProject }), Code.NotFound, "Project not found (COMMAND-3M9sd)", "COMMAND-3M9sd");
      await expectError(admin.removeProject({ id: b.project }), Code.NotFound, "Project not found (COMMAND-3M9sd)", "COMMAND-3M9sd");
      const all = await admin.listProjects({ query: { limit: 1000 } });
      expect(all.result.map((p) => p.id)).not.toContain(b.project);
      expect(all.result.map((p) => p.id)).toContain(ownProjectId);
      const byName = await admin.listProjects({ queries: [{ query: { case: "nameQuery", value: { name: "their", method: TextQueryMethod.STARTS_WITH } } }] });
      expect(byName.result).toEqual([]);
      expect(byName.details?.totalResult ?? 0n).toBe(0n);
      const byOwner = await admin.listProjects({ queries: [{ query: { case: "projectResourceOwnerQuery", value: { resourceOwner: otherOrgId } } }] });
      expect(byOwner.result).toEqual([]);
      expect(byOwner.details?.totalResult ?? 0n).toBe(0n);
    });
    expect((await theirs.getProjectByID({ id: b.project })).project).toMatchObject({ name: "their-project", state: ProjectState.ACTIVE });
    expect((await theirs.getProjectByID({ id: b.inactiveProject })).project?.state).toBe(ProjectState.INACTIVE);
  });

  test("case 22: AddAPIApp to another org's project is FailedPrecondition (COMMAND-EbFMN)", async () => {
    await unchanged(async () => {
      await expectError(admin.addAPIApp({ projectId: b.project, name: "intruder" }), Code.FailedPrecondition, "Project not found (COMMAND-EbFMN)", "COMMAND-EbFMN");
      await expectError(admin.addAPIApp({ projectId: b.inactiveProject, name: "intruder" }), Code.FailedPrecondition, "Project not found (COMMAND-EbFMN)");
    });
  });

  test("case 60: app commands on another org's apps are NotFound and change nothing", async () => {
    const p = b.project;
    await unchanged(async () => {
      await expectError(admin.updateApp({ projectId: p, appId: b.basic.appId, name: "hijacked" }), Code.NotFound, "Application doesn't exist (COMMAND-28di9)", "COMMAND-28di9");
      await expectError(admin.updateAPIAppConfig({ projectId: p, appId: b.basic.appId, authMethodType: JWT }), Code.NotFound, "Application doesn't exist (COMMAND-2n8uU)", "COMMAND-2n8uU");
      await expectError(admin.regenerateAPIClientSecret({ projectId: p, appId: b.basic.appId }), Code.NotFound, "Application doesn't exist (COMMAND-2g66f)", "COMMAND-2g66f");
      await expectError(admin.deactivateApp({ projectId: p, appId: b.basic.appId }), Code.NotFound, "Application doesn't exist (COMMAND-ov9d3)", "COMMAND-ov9d3");
      await expectError(admin.reactivateApp({ projectId: p, appId: b.inactiveApp }), Code.NotFound, "Application doesn't exist (COMMAND-ov9d3)", "COMMAND-ov9d3");
      await expectError(admin.removeApp({ projectId: p, appId: b.basic.appId }), Code.NotFound, "Application doesn't exist (COMMAND-0po9s)", "COMMAND-0po9s");
      // Their app under our project id is no better.
      await expectError(admin.updateApp({ projectId: ownProjectId, appId: b.basic.appId, name: "hijacked" }), Code.NotFound, "Application doesn't exist (COMMAND-28di9)");
      await expectError(admin.removeApp({ projectId: ownProjectId, appId: b.basic.appId }), Code.NotFound, "Application doesn't exist (COMMAND-0po9s)");
    });
    const basic = (await theirs.getAppByID({ projectId: p, appId: b.basic.appId })).app!;
    expect(basic).toMatchObject({ name: "their-basic", state: AppState.ACTIVE });
    expect(basic.config.value).toMatchObject({ authMethodType: BASIC });
    expect((await theirs.getAppByID({ projectId: p, appId: b.inactiveApp })).app?.state).toBe(AppState.INACTIVE);
  });

  test("app reads of another org's apps are NotFound or empty", async () => {
    await unchanged(async () => {
      await expectError(admin.getAppByID({ projectId: b.project, appId: b.basic.appId }), Code.NotFound, "Errors.App.NotExisting (QUERY-pCP8P)", "QUERY-pCP8P");
      await expectError(admin.getAppByID({ projectId: ownProjectId, appId: b.basic.appId }), Code.NotFound, "Errors.App.NotExisting (QUERY-pCP8P)");
      const apps = await admin.listApps({ projectId: b.project });
      expect(apps.result).toEqual([]);
      expect(apps.details?.totalResult ?? 0n).toBe(0n);
      const named = await admin.listApps({ projectId: b.project, queries: [{ query: { case: "nameQuery", value: { name: "their", method: TextQueryMethod.CONTAINS } } }] });
      expect(named.result).toEqual([]);
      expect((await admin.listAppChanges({ projectId: b.project, appId: b.basic.appId })).result).toEqual([]);
      expect((await admin.listAppChanges({ projectId: b.project, appId: b.basic.appId, query: { asc: true } })).result).toEqual([]);
    });
  });

  test("key commands and reads on another org's keys: AddAppKey FailedPrecondition (COMMAND-sak25), the rest NotFound or empty", async () => {
    await unchanged(async () => {
      await expectError(admin.addAppKey({ projectId: b.project, appId: b.jwt.appId, type: KeyType.JSON }), Code.FailedPrecondition, "Application not found (COMMAND-sak25)", "COMMAND-sak25");
      await expectError(admin.getAppKey({ projectId: b.project, appId: b.jwt.appId, keyId: b.key }), Code.NotFound, "Errors.AuthNKey.NotFound (QUERY-Dgr3g)", "QUERY-Dgr3g");
      const keys = await admin.listAppKeys({ projectId: b.project, appId: b.jwt.appId });
      expect(keys.result).toEqual([]);
      expect(keys.details?.totalResult ?? 0n).toBe(0n);
      await expectError(admin.removeAppKey({ projectId: b.project, appId: b.jwt.appId, keyId: b.key }), Code.NotFound, "Application key not found (COMMAND-4m77G)", "COMMAND-4m77G");
    });
    expect((await theirs.listAppKeys({ projectId: b.project, appId: b.jwt.appId })).result.map((k) => k.id)).toEqual([b.key]);
  });

  test("over REST too: another org's app is 404 and its list empty", async () => {
    const headers = { authorization: `Bearer ${keygate.adminToken}`, "content-type": "application/json" };
    const get = await fetch(`${keygate.url}/management/v1/projects/${b.project}/apps/${b.basic.appId}`, { headers });
    expect(get.status).toBe(404);
    const del = await fetch(`${keygate.url}/management/v1/projects/${b.project}/apps/${b.basic.appId}`, { method: "DELETE", headers });
    expect(del.status).toBe(404);
    const list = await fetch(`${keygate.url}/management/v1/projects/${b.project}/apps/_search`, { method: "POST", headers, body: "{}" });
    expect(list.status).toBe(200);
    expect(((await list.json()) as { result?: unknown[] }).result).toBeUndefined();
    expect((await theirs.getAppByID({ projectId: b.project, appId: b.basic.appId })).app?.name).toBe("their-basic");
  });

  test("the other direction: from their context, our project and apps are just as absent", async () => {
    const ours = await admin.addAPIApp({ projectId: ownProjectId, name: "ours", authMethodType: JWT });
    await unchanged(async () => {
      await expectError(theirs.getProjectByID({ id: ownProjectId }), Code.NotFound, "Project not found (QUERY-fk2fs)");
      await expectError(theirs.getAppByID({ projectId: ownProjectId, appId: ours.appId }), Code.NotFound);
      await expectError(theirs.removeApp({ projectId: ownProjectId, appId: ours.appId }), Code.NotFound, "Application doesn't exist (COMMAND-0po9s)");
      await expectError(theirs.addAppKey({ projectId: ownProjectId, appId: ours.appId, type: KeyType.JSON }), Code.FailedPrecondition, "Application not found (COMMAND-sak25)");
      expect((await theirs.listApps({ projectId: ownProjectId })).result).toEqual([]);
    });
    expect((await admin.getAppByID({ projectId: ownProjectId, appId: ours.appId })).app?.name).toBe("ours");
  });

  test("project names are unique per org only: this org can take the other org's project name", async () => {
    const same = await admin.addProject({ name: "their-project" });
    expect(same.id).not.toBe(b.project);
    expect((await theirs.getProjectByID({ id: b.project })).project?.name).toBe("their-project");
    // Gone again: the test that looks for "their…" names from this org must find none, whichever runs first.
    await admin.removeProject({ id: same.id });
  });

  describe("after the tests that ran before (whichever they were; the fixture holds what the thresholds need)", () => {
    test("rebuild-projections reproduces every projection table", async () => {
      await expectRebuildReproduces(keygate.store, { app_keys: 0 });
    });
  });
});
