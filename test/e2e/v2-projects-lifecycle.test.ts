import { afterAll, beforeAll, expect, test } from "vitest";
import { Code, ConnectError } from "@connectrpc/connect";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { ProjectState } from "../../src/gen/zitadel/project_pb.js";
import { describeEachBackend } from "../support/backends.js";
import { expectError } from "../support/expect-error.js";
import { startAdminSession, type TestKeygate } from "../support/keygate-server.js";
import type { ManagementClient } from "../support/management-client.js";
import { expectRebuildReproduces } from "../support/projection-snapshot.js";
import { RestFailure, v2betaProjects, v2betaRestProjects, v2Projects, type ProjectsApi, type ReadProject } from "../support/v2-projects-api.js";
import { PROTOCOLS, v2Transports } from "../support/v2-transports.js";

/** An error of either kind of client (a ConnectError, or the REST adapter's status and body) as a gRPC code name. */
async function codeOf(call: Promise<unknown>): Promise<string> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error === undefined) return "OK";
  return Code[error instanceof RestFailure ? error.body.code : ConnectError.from(error).code];
}

describeEachBackend("v2 and v2beta projects: the whole life of a project with roles, over every protocol, one store with v1", (backend) => {
  let keygate: TestKeygate;
  let admin: ManagementClient;
  let orgId: string;
  let adminUserId: string;
  let transports: ReturnType<typeof v2Transports>;

  beforeAll(async () => {
    ({ keygate, admin, orgId } = await startAdminSession(backend));
    transports = v2Transports(keygate.url);
    adminUserId = (await keygate.store.db.selectFrom("events2").select("creator").where("event_type", "=", "org.added").executeTakeFirstOrThrow()).creator;
  });
  afterAll(async () => {
    transports?.close();
    await keygate?.dispose();
  });

  const clients: Array<[string, () => ProjectsApi]> = [
    ...PROTOCOLS.map((p): [string, () => ProjectsApi] => [`v2 over ${p}`, () => v2Projects(transports.make(p, keygate.adminToken))]),
    ...PROTOCOLS.map((p): [string, () => ProjectsApi] => [`v2beta over ${p}`, () => v2betaProjects(transports.make(p, keygate.adminToken))]),
    ["v2beta over REST", () => v2betaRestProjects(keygate.url, keygate.adminToken)],
  ];

  const eventsOf = (projectId: string) =>
    keygate.store.db
      .selectFrom("events2")
      .select(["event_type", "sequence", "created_at", "creator", "owner", "payload"])
      .where("aggregate_type", "=", "project")
      .where("aggregate_id", "=", projectId)
      .orderBy("sequence")
      .execute();

  /** The v1 view of a project, in the form the v2 adapters give. */
  async function v1View(projectId: string): Promise<ReadProject> {
    const p = (await admin.getProjectByID({ id: projectId })).project!;
    return {
      id: p.id,
      orgId: p.details!.resourceOwner,
      name: p.name,
      state: p.state,
      projectRoleAssertion: p.projectRoleAssertion,
      authorizationRequired: p.projectRoleCheck,
      projectAccessRequired: p.hasProjectCheck,
      privateLabelingSetting: p.privateLabelingSetting,
      creationDate: timestampDate(p.details!.creationDate!),
      changeDate: timestampDate(p.details!.changeDate!),
    };
  }

  /** v1's roles of a project, in the form the v2 adapters give, ordered by key. */
  async function v1Roles(projectId: string) {
    const { result } = await admin.listProjectRoles({ projectId, query: { asc: true } });
    return result.map((r) => ({
      projectId,
      key: r.key,
      displayName: r.displayName,
      group: r.group,
      creationDate: timestampDate(r.details!.creationDate!),
      changeDate: timestampDate(r.details!.changeDate!),
    }));
  }

  test.each(clients)("%s", async (name, makeApi) => {
    const projects = makeApi();
    // Any string up to 200 characters is an id, not only keygate's numbers.
    const chosenId = `project/${name.replace(/\W+/g, "-")}/ü ${"x".repeat(20)}`;

    // Create with a chosen id: the id back, the date of project.added; made by the caller in the org named.
    const created = await projects.create(orgId, { id: chosenId, name: `life ${name}`, projectRoleAssertion: true, privateLabelingSetting: 2 });
    expect(created.id).toBe(chosenId);
    let events = await eventsOf(chosenId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ event_type: "project.added", sequence: 1, owner: orgId, creator: adminUserId, payload: { name: `life ${name}`, projectRoleAssertion: true, privateLabelingSetting: 2 } });
    expect(created.creationDate.getTime()).toBe(events[0]!.created_at.getTime());

    // A retry with the same id (a client that timed out) is AlreadyExists and never a second project.
    expect(await codeOf(projects.create(orgId, { id: chosenId, name: `again ${name}` }))).toBe("AlreadyExists");
    expect(await eventsOf(chosenId)).toHaveLength(1);
    // Without an id, keygate chooses one.
    const generated = await projects.create(orgId, { name: `generated ${name}` });
    expect(generated.id).toMatch(/^\d+$/);

    // Read: v2 and v1 see one project.
    const read = await projects.get(chosenId);
    expect(read).toEqual(await v1View(chosenId));
    expect(read).toMatchObject({ id: chosenId, orgId, state: 1, projectRoleAssertion: true, authorizationRequired: false, projectAccessRequired: false, privateLabelingSetting: 2 });

    // Update changes only what it names (authorization_required is v1's project_role_check).
    const changed = await projects.update(chosenId, { authorizationRequired: true });
    events = await eventsOf(chosenId);
    expect(events.at(-1)).toMatchObject({ event_type: "project.changed", sequence: 2, payload: { projectRoleCheck: true } });
    expect(changed.getTime()).toBe(events.at(-1)!.created_at.getTime());
    await projects.update(chosenId, { name: `renamed ${name}`, projectAccessRequired: true });
    expect((await eventsOf(chosenId)).at(-1)!.payload).toEqual({ name: `renamed ${name}`, hasProjectCheck: true });
    expect(await v1View(chosenId)).toMatchObject({ name: `renamed ${name}`, authorizationRequired: true, projectAccessRequired: true, projectRoleAssertion: true });
    // Nothing to change: success, no event, the date of the last change.
    const unchanged = await projects.update(chosenId, { projectAccessRequired: true });
    expect(await eventsOf(chosenId)).toHaveLength(3);
    expect(unchanged.getTime()).toBe((await eventsOf(chosenId)).at(-1)!.created_at.getTime());

    // Roles: added over v2, the same roles over v1; an update changes only the fields it sets.
    const added = await projects.addRole(chosenId, { key: "reader", displayName: "Reader", group: "docs" });
    await projects.addRole(chosenId, { key: "writer", displayName: "Writer" });
    events = await eventsOf(chosenId);
    expect(events.slice(-2).map((e) => [e.event_type, e.payload])).toEqual([
      ["project.role.added", { key: "reader", displayName: "Reader", group: "docs" }],
      ["project.role.added", { key: "writer", displayName: "Writer" }],
    ]);
    expect(added.getTime()).toBe(events.at(-2)!.created_at.getTime());
    expect(await codeOf(projects.addRole(chosenId, { key: "READER", displayName: "again" }))).toBe("AlreadyExists");
    const roleChanged = await projects.updateRole(chosenId, "writer", { group: "docs" });
    expect((await eventsOf(chosenId)).at(-1)).toMatchObject({ event_type: "project.role.changed", payload: { key: "writer", group: "docs" } });
    expect(await codeOf(projects.updateRole(chosenId, "writer", { group: "docs" }))).toBe("FailedPrecondition");
    const roles = await projects.listRoles(chosenId, {}, { sort: 1, asc: true });
    expect(roles.items).toEqual(await v1Roles(chosenId));
    expect(roles.items.map((r) => [r.key, r.displayName, r.group])).toEqual([
      ["reader", "Reader", "docs"],
      ["writer", "Writer", "docs"],
    ]);
    expect(roles.items[1]!.changeDate.getTime()).toBe(roleChanged.getTime());
    expect(roles).toMatchObject({ total: 2n, appliedLimit: 100n });
    const removed = await projects.removeRole(chosenId, "reader");
    expect((await eventsOf(chosenId)).at(-1)).toMatchObject({ event_type: "project.role.removed", payload: { key: "reader" } });
    expect(removed.getTime()).toBe((await eventsOf(chosenId)).at(-1)!.created_at.getTime());
    expect((await v1Roles(chosenId)).map((r) => r.key)).toEqual(["writer"]);
    expect(await codeOf(projects.removeRole(chosenId, "reader"))).toBe("NotFound");

    // Deactivate and activate, seen by v1.
    const deactivated = await projects.deactivate(chosenId);
    expect((await admin.getProjectByID({ id: chosenId })).project?.state).toBe(ProjectState.INACTIVE);
    expect((await projects.get(chosenId)).changeDate.getTime()).toBe(deactivated.getTime());
    expect(await codeOf(projects.deactivate(chosenId))).toBe("FailedPrecondition");
    await projects.activate(chosenId);
    expect((await admin.getProjectByID({ id: chosenId })).project?.state).toBe(ProjectState.ACTIVE);
    expect(await codeOf(projects.activate(chosenId))).toBe("FailedPrecondition");

    // Listed by id, in the org's projects.
    const listed = await projects.list([{ ids: [chosenId, generated.id] }], { sort: 1, asc: true });
    expect(listed.items.map((p) => p.id).sort()).toEqual([chosenId, generated.id].sort());
    expect(listed.items.find((p) => p.id === chosenId)).toEqual(await v1View(chosenId));

    // Delete: gone for v1 and v2; the id stays taken.
    const deleted = await projects.remove(chosenId);
    events = await eventsOf(chosenId);
    expect(events.at(-1)).toMatchObject({ event_type: "project.removed", payload: null });
    expect(deleted.getTime()).toBe(events.at(-1)!.created_at.getTime());
    await expectError(admin.getProjectByID({ id: chosenId }), Code.NotFound);
    expect(await codeOf(projects.get(chosenId))).toBe("NotFound");
    expect(await codeOf(projects.remove(chosenId))).toBe("NotFound");
    expect(await codeOf(projects.create(orgId, { id: chosenId, name: `reborn ${name}` }))).toBe("AlreadyExists");
    expect((await projects.listRoles(chosenId)).items).toEqual([]);

    // One aggregate, gap-free sequences, all by the caller in the project's org.
    events = await eventsOf(chosenId);
    expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 1));
    expect(new Set(events.map((e) => `${e.owner} ${e.creator}`))).toEqual(new Set([`${orgId} ${adminUserId}`]));
  });

  test("a project and roles made over v1 read the same over v2 and v2beta", async () => {
    const { id } = await admin.addProject({ name: "made-over-v1", hasProjectCheck: true });
    await admin.bulkAddProjectRoles({ projectId: id, roles: [{ key: "a", displayName: "A", group: "g" }, { key: "b", displayName: "B" }] });
    for (const projects of [v2Projects(transports.make("Connect JSON", keygate.adminToken)), v2betaProjects(transports.make("gRPC", keygate.adminToken))]) {
      expect(await projects.get(id)).toEqual(await v1View(id));
      expect((await projects.listRoles(id, {}, { sort: 1, asc: true })).items).toEqual(await v1Roles(id));
    }
  });

  test("concurrent creations with one chosen id: one project, the others AlreadyExists", async () => {
    const projects = v2Projects(transports.make("gRPC", keygate.adminToken));
    const outcomes = await Promise.all(Array.from({ length: 6 }, (_, i) => codeOf(projects.create(orgId, { id: "raced-id", name: `raced ${i}` }))));
    expect(outcomes.filter((o) => o === "OK")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "AlreadyExists")).toHaveLength(5);
    expect((await eventsOf("raced-id")).map((e) => e.event_type)).toEqual(["project.added"]);
  });

  test("validation and grants: PGV's rules before anything is written; project grants are Unimplemented", async () => {
    const v2 = v2Projects(transports.make("Connect JSON", keygate.adminToken));
    const v2beta = v2betaProjects(transports.make("Connect binary", keygate.adminToken));
    for (const projects of [v2, v2beta]) {
      expect(await codeOf(projects.create(orgId, { id: "x".repeat(201), name: "too long an id" }))).toBe("InvalidArgument");
      expect(await codeOf(projects.create(orgId, { id: "", name: "empty id" }))).toBe("InvalidArgument");
      expect(await codeOf(projects.create(orgId, { name: "" }))).toBe("InvalidArgument");
      expect(await codeOf(projects.create("", { name: "no org" }))).toBe("InvalidArgument");
      // Instance roles count in any org, but not in one that does not exist.
      expect(await codeOf(projects.create("no-such-org", { name: "in no org" }))).toBe("NotFound");
      expect(await codeOf(projects.update("some-id", { name: "" }))).toBe("InvalidArgument");
      expect(await codeOf(projects.addRole("some-id", { key: "", displayName: "x" }))).toBe("InvalidArgument");
      expect(await codeOf(projects.list([{ ids: [""] }]))).toBe("InvalidArgument");
      expect(await codeOf(projects.list([], { limit: 1001 }))).toBe("InvalidArgument");
    }
    expect(await keygate.store.db.selectFrom("events2").select("aggregate_id").where("aggregate_id", "in", ["x".repeat(201), ""]).execute()).toEqual([]);
    expect(await keygate.store.db.selectFrom("events2").select("aggregate_id").where("owner", "=", "no-such-org").execute()).toEqual([]);
    const { id } = await admin.addProject({ name: "grants" });
    const { createClient } = await import("@connectrpc/connect");
    const { ProjectService } = await import("../../src/gen/zitadel/project/v2/project_service_pb.js");
    const client = createClient(ProjectService, transports.make("gRPC", keygate.adminToken));
    await expectError(client.createProjectGrant({ projectId: id, grantedOrganizationId: orgId }), Code.Unimplemented);
    await expectError(client.listProjectGrants({}), Code.Unimplemented);
  });

  test("rebuild-projections reproduces what v2 wrote", async () => {
    const projects = v2Projects(transports.make("Connect JSON", keygate.adminToken));
    const { id } = await projects.create(orgId, { id: "rebuilt", name: "rebuilt", authorizationRequired: true });
    await projects.addRole(id, { key: "k1", displayName: "K1", group: "g" });
    await projects.addRole(id, { key: "k2", displayName: "K2" });
    await projects.updateRole(id, "k1", { displayName: "K1'" });
    await projects.removeRole(id, "k2");
    await projects.deactivate(id);
    await expectRebuildReproduces(keygate.store);
  });
});
