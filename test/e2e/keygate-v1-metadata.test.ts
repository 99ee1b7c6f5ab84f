import { afterAll, beforeAll, expect, test } from "vitest";
import { Code, ConnectError } from "@connectrpc/connect";
import { AppService } from "../../src/gen/keygate/v1/apps_pb.js";
import { ProjectService } from "../../src/gen/keygate/v1/projects_pb.js";
import { addOrgMemberUser } from "../support/auth-fixtures.js";
import { describeEachBackend } from "../support/backends.js";
import { expectError } from "../support/expect-error.js";
import { startAdminSession, type AdminSession } from "../support/keygate-server.js";
import { keygateV1Client, restCall } from "../support/keygate-v1-client.js";
import { managementClient } from "../support/management-client.js";
import { expectRebuildReproduces, seedMoreThan, snapshot } from "../support/projection-snapshot.js";

/** keygate.v1's metadata on apps and projects: create, get, partial update, list, refusals, isolation. */
describeEachBackend("keygate.v1 app and project metadata", (backend) => {
  let session: AdminSession;
  let apps: ReturnType<typeof keygateV1Client<typeof AppService>>;
  let projects: ReturnType<typeof keygateV1Client<typeof ProjectService>>;
  let projectId: string;

  beforeAll(async () => {
    session = await startAdminSession(backend);
    apps = keygateV1Client(AppService, session.keygate.url, session.keygate.adminToken);
    projects = keygateV1Client(ProjectService, session.keygate.url, session.keygate.adminToken);
    projectId = (
      await projects.createProject({ name: "payments", description: "Payment APIs", labels: { team: "payments" }, ownerContacts: ["lead@example.com"] })
    ).project!.id;
  });
  afterAll(() => session?.keygate.dispose());

  const eventCount = async () => Number((await session.keygate.store.db.selectFrom("events2").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);

  /** Expects `call` to be refused with InvalidArgument naming `field`, and to write no event and no projected row. */
  async function refused(call: () => Promise<unknown>, field: string): Promise<void> {
    const events = await eventCount();
    const tables = await snapshot(session.keygate.store);
    const error = await call().then(
      () => undefined,
      (e: unknown) => ConnectError.from(e),
    );
    expect(error && Code[error.code]).toBe(Code[Code.InvalidArgument]);
    expect(error!.rawMessage).toContain(field);
    expect(await eventCount()).toBe(events);
    expect(await snapshot(session.keygate.store)).toEqual(tables);
  }

  test("a project is created with its metadata and read back", async () => {
    const { project } = await projects.getProject({ projectId });
    expect({ ...project, creationDate: undefined, changeDate: undefined, sequence: undefined }).toMatchObject({
      id: projectId,
      orgId: session.orgId,
      name: "payments",
      state: 1,
      description: "Payment APIs",
      labels: { team: "payments" },
      ownerContacts: ["lead@example.com"],
    });
    // ZITADEL's view of the same project is unchanged.
    const zitadel = await session.admin.getProjectByID({ id: projectId });
    expect(Object.keys(zitadel.project!).sort()).not.toContain("description");
    expect(zitadel.project!.name).toBe("payments");
  });

  test("the wizard's create: name, version, optional description; the secret is returned once", async () => {
    const created = await apps.createApp({ projectId, name: "checkout", version: "2.1.0", description: "Checkout API" });
    expect(created.clientSecret).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(created.app).toMatchObject({ projectId, orgId: session.orgId, name: "checkout", version: "2.1.0", description: "Checkout API", labels: {}, ownerContacts: [], state: 1 });
    const read = await apps.getApp({ projectId, appId: created.app!.id });
    expect(read.app).toEqual(created.app);
    expect(JSON.stringify(read, (_key, value: unknown) => (typeof value === "bigint" ? String(value) : value))).not.toContain(created.clientSecret);
    const zitadel = await session.admin.getAppByID({ projectId, appId: created.app!.id });
    expect(zitadel.app!.name).toBe("checkout");
    const bare = await apps.createApp({ projectId, name: "bare" });
    expect(bare.app).toMatchObject({ version: "", description: "", labels: {}, ownerContacts: [] });
  });

  test("an update changes the fields it names and keeps the others; the change is in the app's history", async () => {
    const { app } = await apps.createApp({ projectId, name: "ledger", version: "1", description: "d", labels: { team: "payments", env: "prod" }, ownerContacts: ["a@example.com"] });
    const id = app!.id;
    const v2 = await apps.updateApp({ projectId, appId: id, version: "2" });
    expect(v2.app).toMatchObject({ version: "2", description: "d", labels: { team: "payments", env: "prod" }, ownerContacts: ["a@example.com"] });
    expect(v2.app!.sequence).toBeGreaterThan(app!.sequence);
    const relabeled = await apps.updateApp({ projectId, appId: id, labels: { values: { team: "core" } } });
    expect(relabeled.app).toMatchObject({ version: "2", description: "d", labels: { team: "core" }, ownerContacts: ["a@example.com"] });
    const cleared = await apps.updateApp({ projectId, appId: id, description: "", ownerContacts: { emails: [] } });
    expect(cleared.app).toMatchObject({ version: "2", description: "", labels: { team: "core" }, ownerContacts: [] });
    const untouched = await apps.updateApp({ projectId, appId: id });
    expect(untouched.app).toEqual(cleared.app);
    const changes = await session.admin.listAppChanges({ projectId, appId: id });
    const types = changes.result.map((c) => c.eventType?.key);
    expect(types.filter((t) => t === "EventTypes.project.application.keygate.metadata.set")).toHaveLength(4);

    // A project of this test's own, made as the shared one was: that one keeps its metadata for the tests that read it.
    const own = (await projects.createProject({ name: "payments-updated", description: "Payment APIs", labels: { team: "payments" }, ownerContacts: ["lead@example.com"] })).project!.id;
    const p = await projects.updateProject({ projectId: own, ownerContacts: { emails: ["x@example.com", "y@example.com"] } });
    expect(p.project).toMatchObject({ description: "Payment APIs", labels: { team: "payments" }, ownerContacts: ["x@example.com", "y@example.com"] });
    const p2 = await projects.updateProject({ projectId: own, description: "Payments" });
    expect(p2.project).toMatchObject({ description: "Payments", labels: { team: "payments" }, ownerContacts: ["x@example.com", "y@example.com"] });
  });

  test("REST under /keygate/v1: create, patch, get, search", async () => {
    const { url, adminToken } = session.keygate;
    const created = await restCall(url, adminToken, "POST", `/keygate/v1/projects/${projectId}/apps`, { name: "rest-app", version: "0.1", labels: { via: "rest" } });
    expect(created.status).toBe(200);
    const app = created.body.app as { id: string; version: string };
    expect(app.version).toBe("0.1");
    expect(created.body.clientSecret).toMatch(/^[A-Za-z0-9]{64}$/);
    const patched = await restCall(url, adminToken, "PATCH", `/keygate/v1/projects/${projectId}/apps/${app.id}`, { description: "made over REST" });
    expect(patched.status).toBe(200);
    expect(patched.body.app).toMatchObject({ version: "0.1", description: "made over REST", labels: { via: "rest" } });
    const got = await restCall(url, adminToken, "GET", `/keygate/v1/projects/${projectId}/apps/${app.id}`);
    expect(got.body.app).toEqual(patched.body.app);
    const found = await restCall(url, adminToken, "POST", "/keygate/v1/apps/_search", { labelSelector: "via=rest" });
    expect((found.body.apps as { id: string }[]).map((a) => a.id)).toEqual([app.id]);
    const bad = await restCall(url, adminToken, "POST", "/keygate/v1/apps/_search", { labelSelector: "via in (" });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain("label_selector");
    const project = await restCall(url, adminToken, "POST", "/keygate/v1/projects", { name: "rest-project", labels: { via: "rest" } });
    expect(project.status).toBe(200);
    const projectsFound = await restCall(url, adminToken, "POST", "/keygate/v1/projects/_search", { labelSelector: "via" });
    expect((projectsFound.body.projects as { id: string }[]).map((p) => p.id)).toEqual([(project.body.project as { id: string }).id]);
  });

  test("every refusal is InvalidArgument naming the field, and nothing is written", async () => {
    const { app } = await apps.createApp({ projectId, name: "target" });
    const appId = app!.id;
    const tooMany = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, "v"]));
    const elevenContacts = Array.from({ length: 11 }, (_, i) => `o${i}@example.com`);
    await refused(() => apps.createApp({ projectId, name: "x", labels: { "bad key": "v" } }), "labels");
    await refused(() => apps.createApp({ projectId, name: "x", labels: { key: "bad value" } }), "labels");
    await refused(() => apps.createApp({ projectId, name: "x", labels: tooMany }), "labels");
    await refused(() => apps.createApp({ projectId, name: "x", description: "d".repeat(501) }), "description");
    await refused(() => apps.createApp({ projectId, name: "x", version: "v".repeat(201) }), "version");
    await refused(() => apps.createApp({ projectId, name: "x", ownerContacts: ["not-an-email"] }), "owner_contacts[0]");
    await refused(() => apps.createApp({ projectId, name: "x", ownerContacts: elevenContacts }), "owner_contacts");
    await refused(() => apps.createApp({ projectId, name: "" }), "Name");
    // What the database cannot hold is refused by type, before the domain sees it.
    await refused(() => apps.createApp({ projectId, name: "x", description: "a\u0000b" }), "Description");
    await refused(() => apps.createApp({ projectId, name: "x", labels: { k: "\u0000" } }), "abels");
    await refused(() => apps.updateApp({ projectId, appId, version: "\u0000" }), "Version");
    await refused(() => apps.updateApp({ projectId, appId, description: "ok", labels: { values: { "a/b/c": "" } } }), "labels");
    await refused(() => apps.updateApp({ projectId, appId, description: "d".repeat(501) }), "description");
    await refused(() => apps.updateApp({ projectId, appId, version: "ok", ownerContacts: { emails: ["a@example.com", "a@example.com"] } }), "owner_contacts[1]");
    await refused(() => projects.createProject({ name: "x", labels: { "-x": "" } }), "labels");
    await refused(() => projects.createProject({ name: "x", description: "d".repeat(501) }), "description");
    await refused(() => projects.createProject({ name: "x", ownerContacts: ["a@b"] }), "owner_contacts[0]");
    await refused(() => projects.updateProject({ projectId, labels: { values: tooMany } }), "labels");
    await refused(() => projects.updateProject({ projectId, ownerContacts: { emails: elevenContacts } }), "owner_contacts");
    await refused(() => apps.listApps({ labelSelector: "team=" + "x".repeat(64) }), "label_selector");
    await refused(() => apps.listApps({ labelSelector: "team in payments" }), "label_selector");
    await refused(() => apps.listApps({ pageToken: "garbage" }), "page_token");
    await refused(() => projects.listProjects({ labelSelector: "a,,b" }), "label_selector");
    await refused(() => projects.listProjects({ pageToken: "garbage" }), "page_token");
    expect((await apps.getApp({ projectId, appId })).app).toEqual(app);
  });

  test("another org's projects and apps: every call is NotFound or leaves them out, and changes nothing", async () => {
    const otherOrg = (await session.admin.addOrg({ name: "Metadata Other" })).id;
    const theirProjects = keygateV1Client(ProjectService, session.keygate.url, session.keygate.adminToken, otherOrg);
    const theirApps = keygateV1Client(AppService, session.keygate.url, session.keygate.adminToken, otherOrg);
    const theirProject = (await theirProjects.createProject({ name: "theirs", labels: { secret: "yes" } })).project!;
    const theirApp = (await theirApps.createApp({ projectId: theirProject.id, name: "their-app", labels: { secret: "yes" } })).app!;
    expect(theirProject.orgId).toBe(otherOrg);
    const events = await eventCount();
    const tables = await snapshot(session.keygate.store);
    await expectError(apps.createApp({ projectId: theirProject.id, name: "intruder" }), Code.NotFound);
    await expectError(apps.getApp({ projectId: theirProject.id, appId: theirApp.id }), Code.NotFound);
    await expectError(apps.getApp({ projectId, appId: theirApp.id }), Code.NotFound);
    await expectError(apps.updateApp({ projectId: theirProject.id, appId: theirApp.id, description: "hijacked" }), Code.NotFound);
    await expectError(apps.updateApp({ projectId, appId: theirApp.id, description: "hijacked" }), Code.NotFound);
    expect((await apps.listApps({ projectId: theirProject.id })).apps).toEqual([]);
    expect((await apps.listApps({ labelSelector: "secret" })).apps).toEqual([]);
    await expectError(projects.getProject({ projectId: theirProject.id }), Code.NotFound);
    await expectError(projects.updateProject({ projectId: theirProject.id, description: "hijacked" }), Code.NotFound);
    expect((await projects.listProjects({ labelSelector: "secret" })).projects).toEqual([]);
    expect(await eventCount()).toBe(events);
    expect(await snapshot(session.keygate.store)).toEqual(tables);
    // Positive control: in their own context all of it is there.
    expect((await theirApps.listApps({ labelSelector: "secret=yes" })).apps.map((a) => a.id)).toEqual([theirApp.id]);
    expect((await theirProjects.listProjects({ labelSelector: "secret=yes" })).projects.map((p) => p.id)).toEqual([theirProject.id]);
  });

  test("an org owner of this org cannot act in another org through x-zitadel-orgid: every call is NotFound (membership not found), nothing written", async () => {
    const otherOrg = (await session.admin.addOrg({ name: "Forged Header Target" })).id;
    const theirProject = (await keygateV1Client(ProjectService, session.keygate.url, session.keygate.adminToken, otherOrg).createProject({ name: "target" })).project!;
    const owner = await addOrgMemberUser(session.admin, "kg-v1-owner", ["ORG_OWNER"]);
    const forgedApps = keygateV1Client(AppService, session.keygate.url, owner.token, otherOrg);
    const forgedProjects = keygateV1Client(ProjectService, session.keygate.url, owner.token, otherOrg);
    const events = await eventCount();
    for (const call of [
      () => forgedProjects.createProject({ name: "planted" }),
      () => forgedProjects.getProject({ projectId: theirProject.id }),
      () => forgedProjects.updateProject({ projectId: theirProject.id, description: "x" }),
      () => forgedProjects.listProjects({}),
      () => forgedApps.createApp({ projectId: theirProject.id, name: "planted" }),
      () => forgedApps.listApps({}),
    ]) {
      // As ManagementService answers (ZITADEL's interceptor): no membership in the org at all.
      await expectError(call(), Code.NotFound, "membership not found (AUTHZ-cdgFk)");
    }
    expect(await eventCount()).toBe(events);
    // Positive control: in its own org the same token works.
    expect((await keygateV1Client(ProjectService, session.keygate.url, owner.token).listProjects({})).projects.length).toBeGreaterThan(0);
  });

  test("a caller with a project role sees only its project's apps in an org-wide list", async () => {
    // An app of its own in the role's project, so that the list holds something whichever tests ran before.
    await apps.createApp({ projectId, name: "visible-app" });
    const other = (await projects.createProject({ name: "hidden", labels: { team: "payments" } })).project!.id;
    await apps.createApp({ projectId: other, name: "hidden-app", labels: { team: "payments" } });
    const { userId } = await session.admin.addMachineUser({ userName: "project-reader", name: "project reader" });
    await session.admin.addProjectMember({ projectId, userId, roles: ["PROJECT_OWNER_VIEWER"] });
    const { token } = await session.admin.addPersonalAccessToken({ userId });
    const scoped = keygateV1Client(AppService, session.keygate.url, token, session.orgId);
    const seen = (await scoped.listApps({ limit: 1000 })).apps;
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((a) => a.projectId === projectId)).toBe(true);
    await expectError(scoped.listApps({ projectId: other }), Code.PermissionDenied);
    const scopedProjects = keygateV1Client(ProjectService, session.keygate.url, token, session.orgId);
    expect((await scopedProjects.listProjects({})).projects.map((p) => p.id)).toEqual([projectId]);
    // Unused by the other tests' counts: the management client keeps working as before.
    expect((await managementClient(session.keygate.url, token, session.orgId).listApps({ projectId })).result.length).toBe(seen.length);
  });

  test("the projections equal a rebuild from the events", async () => {
    // Rows with metadata to rebuild, whichever tests ran before this one (vitest --sequence.shuffle).
    let n = 0;
    const metadata = { description: "rebuilt", labels: { team: "rebuilt" }, ownerContacts: ["rebuilt@example.com"] };
    await seedMoreThan(session.keygate.store, "apps", 3, () => apps.createApp({ projectId, name: `rebuilt-${n++}`, version: "1", ...metadata }));
    await seedMoreThan(session.keygate.store, "projects", 2, () => projects.createProject({ name: `rebuilt-${n++}`, ...metadata }));
    await expectRebuildReproduces(session.keygate.store, { apps: 3, projects: 2 });
  });
});
