import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Code } from "@connectrpc/connect";
import { timestampDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import { TextQueryMethod } from "../../src/gen/zitadel/object_pb.js";
import type { Role } from "../../src/gen/zitadel/project_pb.js";
import { rebuildProjections } from "../../src/store/rebuild.js";
import { addOrgMemberUser, addProjectMemberUser } from "../support/auth-fixtures.js";
import { describeEachBackend } from "../support/backends.js";
import { expectError } from "../support/expect-error.js";
import { startAdminSession, type TestKeygate } from "../support/keygate-server.js";
import { managementClient, type ManagementClient } from "../support/management-client.js";
import { snapshot } from "../support/projection-snapshot.js";

const millis = (t: Timestamp | undefined) => (t ? timestampDate(t).getTime() : undefined);

/** The roles a test added, as plain values: what ListProjectRoles must answer, in its order. */
interface RoleValues {
  key: string;
  displayName: string;
  group: string;
}
const values = (roles: Role[]): RoleValues[] => roles.map(({ key, displayName, group }) => ({ key, displayName, group }));

/** TextQueryMethod evaluated in the test, as the reference for the server's filters. */
function matches(value: string, query: string, method: TextQueryMethod): boolean {
  const [v, q] = method % 2 === 1 ? [value.toLowerCase(), query.toLowerCase()] : [value, query];
  if (method <= TextQueryMethod.EQUALS_IGNORE_CASE) return v === q;
  if (method <= TextQueryMethod.STARTS_WITH_IGNORE_CASE) return v.startsWith(q);
  if (method <= TextQueryMethod.CONTAINS_IGNORE_CASE) return v.includes(q);
  return v.endsWith(q);
}

describeEachBackend("lifecycle: project roles over v1 (AddProjectRole, BulkAddProjectRoles, ListProjectRoles, UpdateProjectRole, RemoveProjectRole)", (backend) => {
  let keygate: TestKeygate;
  let admin: ManagementClient;
  let orgId: string;

  beforeAll(async () => {
    ({ keygate, admin, orgId } = await startAdminSession(backend));
  });
  afterAll(() => keygate?.dispose());

  const projectEvents = (projectId: string) =>
    keygate.store.db.selectFrom("events2").selectAll().where("aggregate_id", "=", projectId).orderBy("sequence").execute();
  const listAll = async (projectId: string) => values((await admin.listProjectRoles({ projectId, query: { asc: true } })).result);

  test("the whole life of a role: add, read, update, remove, add again; events and details as ZITADEL's", async () => {
    const { id: projectId } = await admin.addProject({ name: "roles-life" });
    const added = await admin.addProjectRole({ projectId, roleKey: "admin", displayName: "Administrator", group: "ops" });
    expect(added.details).toMatchObject({ sequence: 2n, resourceOwner: orgId });
    expect(added.details?.changeDate).toBeUndefined();
    let events = await projectEvents(projectId);
    expect(events[1]).toMatchObject({ event_type: "project.role.added", payload: { key: "admin", displayName: "Administrator", group: "ops" }, sequence: 2, owner: orgId });
    expect(millis(added.details?.creationDate)).toBe(events[1]!.created_at.getTime());

    const [read] = (await admin.listProjectRoles({ projectId })).result;
    expect(read).toMatchObject({ key: "admin", displayName: "Administrator", group: "ops" });
    expect(read!.details).toMatchObject({ sequence: 2n, resourceOwner: orgId });
    expect(millis(read!.details?.creationDate)).toBe(events[1]!.created_at.getTime());

    const updated = await admin.updateProjectRole({ projectId, roleKey: "admin", displayName: "Admins", group: "ops" });
    expect(updated.details).toMatchObject({ sequence: 3n, resourceOwner: orgId });
    expect(updated.details?.creationDate).toBeUndefined();
    events = await projectEvents(projectId);
    expect(events[2]).toMatchObject({ event_type: "project.role.changed", payload: { key: "admin", displayName: "Admins" } });
    const [reread] = (await admin.listProjectRoles({ projectId })).result;
    expect(reread).toMatchObject({ key: "admin", displayName: "Admins", group: "ops" });
    expect(reread!.details?.sequence).toBe(3n);
    expect(millis(reread!.details?.creationDate)).toBe(events[1]!.created_at.getTime());
    expect(millis(reread!.details?.changeDate)).toBe(events[2]!.created_at.getTime());

    // Role events share the project aggregate's counter but leave the project's own details as they are.
    expect((await admin.getProjectByID({ id: projectId })).project?.details?.sequence).toBe(1n);

    const removed = await admin.removeProjectRole({ projectId, roleKey: "admin" });
    expect(removed.details).toMatchObject({ sequence: 4n, resourceOwner: orgId });
    expect((await projectEvents(projectId))[3]).toMatchObject({ event_type: "project.role.removed", payload: { key: "admin" } });
    expect((await admin.listProjectRoles({ projectId })).result).toEqual([]);
    await expectError(admin.removeProjectRole({ projectId, roleKey: "admin" }), Code.NotFound, "Role doesn't exist (COMMAND-m9vMf)", "COMMAND-m9vMf");
    await expectError(admin.updateProjectRole({ projectId, roleKey: "admin", displayName: "x" }), Code.NotFound, "Role doesn't exist (COMMAND-vv8M9)", "COMMAND-vv8M9");

    // The key was released with the role.
    await admin.addProjectRole({ projectId, roleKey: "ADMIN", displayName: "again" });
    expect(await listAll(projectId)).toEqual([{ key: "ADMIN", displayName: "again", group: "" }]);
  });

  test("a key is unique in its project case-insensitively (V3-DKcYh) and free in another project", async () => {
    const { id: projectId } = await admin.addProject({ name: "roles-unique" });
    const { id: otherProject } = await admin.addProject({ name: "roles-unique-other" });
    await admin.addProjectRole({ projectId, roleKey: "Reader", displayName: "Reader" });
    await expectError(admin.addProjectRole({ projectId, roleKey: "reader", displayName: "x" }), Code.AlreadyExists, "Role already exists (V3-DKcYh)", "V3-DKcYh");
    await admin.addProjectRole({ projectId: otherProject, roleKey: "reader", displayName: "x" });
    expect(await projectEvents(projectId)).toHaveLength(2);
  });

  test("roles are found by their exact key: another case is NotFound", async () => {
    const { id: projectId } = await admin.addProject({ name: "roles-exact" });
    await admin.addProjectRole({ projectId, roleKey: "Writer", displayName: "Writer" });
    await expectError(admin.updateProjectRole({ projectId, roleKey: "writer", displayName: "x" }), Code.NotFound, undefined, "COMMAND-vv8M9");
    await expectError(admin.removeProjectRole({ projectId, roleKey: "WRITER" }), Code.NotFound, undefined, "COMMAND-m9vMf");
  });

  test("an update that changes nothing is FailedPrecondition (COMMAND-5M0cs) and appends nothing", async () => {
    const { id: projectId } = await admin.addProject({ name: "roles-nochange" });
    await admin.addProjectRole({ projectId, roleKey: "k", displayName: "K", group: "g" });
    await expectError(admin.updateProjectRole({ projectId, roleKey: "k", displayName: "K", group: "g" }), Code.FailedPrecondition, "No changes (COMMAND-5M0cs)", "COMMAND-5M0cs");
    // v1 always sends both fields: an empty group clears it.
    await admin.updateProjectRole({ projectId, roleKey: "k", displayName: "K", group: "" });
    expect((await projectEvents(projectId)).map((e) => e.payload)).toEqual([{ name: "roles-nochange" }, { key: "k", displayName: "K", group: "g" }, { key: "k", group: "" }]);
    expect(await listAll(projectId)).toEqual([{ key: "k", displayName: "K", group: "" }]);
  });

  test("BulkAddProjectRoles appends all roles in one command, or none of them", async () => {
    const { id: projectId } = await admin.addProject({ name: "roles-bulk" });
    const bulk = await admin.bulkAddProjectRoles({
      projectId,
      roles: [
        { key: "a", displayName: "A", group: "g1" },
        { key: "b", displayName: "B" },
      ],
    });
    expect(bulk.details).toMatchObject({ sequence: 3n, resourceOwner: orgId });
    const events = await projectEvents(projectId);
    expect(events.slice(1).map((e) => [e.event_type, e.payload, e.created_at.getTime()])).toEqual([
      ["project.role.added", { key: "a", displayName: "A", group: "g1" }, events[1]!.created_at.getTime()],
      ["project.role.added", { key: "b", displayName: "B" }, events[1]!.created_at.getTime()],
    ]);

    // A key taken in the project, or twice in the list: nothing of the list lands.
    await expectError(admin.bulkAddProjectRoles({ projectId, roles: [{ key: "c", displayName: "C" }, { key: "A", displayName: "A" }] }), Code.AlreadyExists, "Role already exists (V3-DKcYh)");
    await expectError(admin.bulkAddProjectRoles({ projectId, roles: [{ key: "d", displayName: "D" }, { key: "D", displayName: "D" }] }), Code.AlreadyExists);
    expect(await projectEvents(projectId)).toHaveLength(3);
    expect((await listAll(projectId)).map((r) => r.key)).toEqual(["a", "b"]);

    // An empty list changes nothing and answers the project's details.
    const empty = await admin.bulkAddProjectRoles({ projectId, roles: [] });
    expect(empty.details).toMatchObject({ sequence: 1n, resourceOwner: orgId });
    expect(await projectEvents(projectId)).toHaveLength(3);
  });

  test("roles of an unknown (or removed) project: add is FailedPrecondition (COMMAND-EbFMN), the list empty", async () => {
    await expectError(admin.addProjectRole({ projectId: "4711", roleKey: "k", displayName: "K" }), Code.FailedPrecondition, "Project not found (COMMAND-EbFMN)", "COMMAND-EbFMN");
    await expectError(admin.bulkAddProjectRoles({ projectId: "4711", roles: [] }), Code.FailedPrecondition, undefined, "COMMAND-EbFMN");
    await expectError(admin.updateProjectRole({ projectId: "4711", roleKey: "k", displayName: "K" }), Code.FailedPrecondition, undefined, "COMMAND-EbFMN");
    const { id: projectId } = await admin.addProject({ name: "roles-removed-project" });
    await admin.addProjectRole({ projectId, roleKey: "k", displayName: "K" });
    await admin.removeProject({ id: projectId });
    expect(await admin.listProjectRoles({ projectId })).toMatchObject({ result: [], details: { totalResult: 0n } });
    await expectError(admin.removeProjectRole({ projectId, roleKey: "k" }), Code.NotFound, undefined, "COMMAND-m9vMf");
    await expectError(admin.addProjectRole({ projectId, roleKey: "k2", displayName: "K" }), Code.FailedPrecondition, undefined, "COMMAND-EbFMN");
  });

  test("validation: PGV's rules on keys, names and groups, before anything is written", async () => {
    const { id: projectId } = await admin.addProject({ name: "roles-validation" });
    await expectError(admin.addProjectRole({ projectId, roleKey: "", displayName: "x" }), Code.InvalidArgument, "invalid AddProjectRoleRequest.RoleKey: value length must be between 1 and 200 runes, inclusive");
    await expectError(admin.addProjectRole({ projectId, roleKey: "k", displayName: "" }), Code.InvalidArgument, "invalid AddProjectRoleRequest.DisplayName: value length must be between 1 and 200 runes, inclusive");
    await expectError(admin.addProjectRole({ projectId, roleKey: "k", displayName: "x", group: "g".repeat(201) }), Code.InvalidArgument, "invalid AddProjectRoleRequest.Group: value length must be at most 200 runes");
    await expectError(
      admin.bulkAddProjectRoles({ projectId, roles: [{ key: "ok", displayName: "x" }, { key: "k".repeat(201), displayName: "x" }] }),
      Code.InvalidArgument,
      "invalid BulkAddProjectRolesRequest.Roles[1]: embedded message failed validation | caused by: invalid Role.Key: value length must be between 1 and 200 runes, inclusive",
    );
    await expectError(
      admin.listProjectRoles({ projectId, queries: [{ query: { case: undefined } }] }),
      Code.InvalidArgument,
      "invalid ListProjectRolesRequest.Queries[0]: embedded message failed validation | caused by: invalid RoleQuery.Query: value is required",
    );
    expect(await projectEvents(projectId)).toHaveLength(1);
  });

  test("ListProjectRoles: key and display-name queries (ANDed), paging and order against a reference", async () => {
    const { id: projectId } = await admin.addProject({ name: "roles-list" });
    const roles: RoleValues[] = ["alpha", "Alpine", "beta", "gamma_1", "gamma%2", "delta", "Epsilon", "zeta"].map((key, i) => ({
      key,
      displayName: `${i % 2 === 0 ? "Reader" : "Writer"} ${key.toUpperCase()}`,
      group: i < 4 ? "first" : "second",
    }));
    await admin.bulkAddProjectRoles({ projectId, roles: roles.map(({ key, displayName, group }) => ({ key, displayName, group })) });
    const byKey = [...roles].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

    const cases: { key?: [string, TextQueryMethod]; displayName?: [string, TextQueryMethod] }[] = [
      { key: ["al", TextQueryMethod.STARTS_WITH] },
      { key: ["AL", TextQueryMethod.STARTS_WITH_IGNORE_CASE] },
      { key: ["a", TextQueryMethod.ENDS_WITH] },
      { key: ["ALPHA", TextQueryMethod.EQUALS_IGNORE_CASE] },
      { key: ["_", TextQueryMethod.CONTAINS] },
      { key: ["%", TextQueryMethod.CONTAINS] },
      { displayName: ["writer", TextQueryMethod.STARTS_WITH_IGNORE_CASE] },
      { displayName: ["Reader", TextQueryMethod.STARTS_WITH], key: ["ta", TextQueryMethod.ENDS_WITH] },
      { displayName: ["nobody", TextQueryMethod.CONTAINS_IGNORE_CASE] },
    ];
    for (const c of cases) {
      const expected = byKey.filter((r) => (!c.key || matches(r.key, ...c.key)) && (!c.displayName || matches(r.displayName, ...c.displayName)));
      const queries = [
        ...(c.key ? [{ query: { case: "keyQuery" as const, value: { key: c.key[0], method: c.key[1] } } }] : []),
        ...(c.displayName ? [{ query: { case: "displayNameQuery" as const, value: { displayName: c.displayName[0], method: c.displayName[1] } } }] : []),
      ];
      const res = await admin.listProjectRoles({ projectId, query: { asc: true }, queries });
      expect({ case: c, result: values(res.result) }).toEqual({ case: c, result: expected });
      expect(res.details?.totalResult).toBe(BigInt(expected.length));
    }

    // Ordered by key, descending unless asc; offset and limit page through that order.
    expect(values((await admin.listProjectRoles({ projectId })).result)).toEqual([...byKey].reverse());
    const page = await admin.listProjectRoles({ projectId, query: { offset: 2n, limit: 3, asc: true } });
    expect(values(page.result)).toEqual(byKey.slice(2, 5));
    expect(page.details?.totalResult).toBe(BigInt(roles.length));
    expect(page.details?.processedSequence).toBe(BigInt(roles.length + 1));
    await expectError(admin.listProjectRoles({ projectId, query: { limit: 1001 } }), Code.InvalidArgument, "Limit exceeded (QUERY-4M0fs)");
  });

  test("over REST at ZITADEL's paths; a role key with slashes travels in {role_key=**}", async () => {
    const { id: projectId } = await admin.addProject({ name: "roles-rest" });
    const call = async (method: string, path: string, body?: object) => {
      const res = await fetch(`${keygate.url}/management/v1/projects/${projectId}${path}`, {
        method,
        headers: { authorization: `Bearer ${keygate.adminToken}`, "content-type": "application/json" },
        body: body && JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    expect(await call("POST", "/roles", { roleKey: "billing/read", displayName: "Billing reader" })).toMatchObject({ status: 200, body: { details: { sequence: "2" } } });
    expect(await call("POST", "/roles/_bulk", { roles: [{ key: "billing/write", displayName: "Billing writer", group: "billing" }] })).toMatchObject({ status: 200 });
    expect(await call("PUT", "/roles/billing/read", { displayName: "Billing readers", group: "billing" })).toMatchObject({ status: 200, body: { details: { sequence: "4" } } });
    const list = await call("POST", "/roles/_search", { query: { asc: true }, queries: [{ keyQuery: { key: "billing/", method: "TEXT_QUERY_METHOD_STARTS_WITH" } }] });
    expect(list).toMatchObject({
      status: 200,
      body: {
        details: { totalResult: "2" },
        result: [
          { key: "billing/read", displayName: "Billing readers", group: "billing" },
          { key: "billing/write", displayName: "Billing writer", group: "billing" },
        ],
      },
    });
    expect(await call("DELETE", "/roles/billing/write")).toMatchObject({ status: 200, body: { details: { sequence: "5" } } });
    expect(await call("DELETE", "/roles/billing/write")).toMatchObject({ status: 404, body: { code: 5, message: "Role doesn't exist (COMMAND-m9vMf)" } });
    expect((await listAll(projectId)).map((r) => r.key)).toEqual(["billing/read"]);
  });

  test("permissions: project.role.read / write / delete as ZITADEL's roles grant them, project roles on their project only", async () => {
    const { id: projectId } = await admin.addProject({ name: "roles-perm" });
    const { id: otherProject } = await admin.addProject({ name: "roles-perm-other" });
    await admin.addProjectRole({ projectId, roleKey: "seed", displayName: "Seed" });
    const viewer = managementClient(keygate.url, (await addProjectMemberUser(admin, "role-viewer", projectId, ["PROJECT_OWNER_VIEWER"])).token);
    const owner = managementClient(keygate.url, (await addProjectMemberUser(admin, "role-owner", projectId, ["PROJECT_OWNER"])).token);
    const orgOwner = managementClient(keygate.url, (await addOrgMemberUser(admin, "role-org-owner", ["ORG_OWNER"])).token);
    const creator = managementClient(keygate.url, (await addOrgMemberUser(admin, "role-creator", ["ORG_PROJECT_CREATOR"])).token);

    expect((await viewer.listProjectRoles({ projectId })).result).toHaveLength(1);
    await expectError(viewer.addProjectRole({ projectId, roleKey: "v", displayName: "V" }), Code.PermissionDenied, "No matching permissions found (AUTH-5mWD2)");
    await expectError(viewer.removeProjectRole({ projectId, roleKey: "seed" }), Code.PermissionDenied);
    await expectError(creator.listProjectRoles({ projectId }), Code.PermissionDenied);

    await owner.addProjectRole({ projectId, roleKey: "by-owner", displayName: "O" });
    await owner.updateProjectRole({ projectId, roleKey: "by-owner", displayName: "O2" });
    await owner.removeProjectRole({ projectId, roleKey: "by-owner" });
    await expectError(owner.addProjectRole({ projectId: otherProject, roleKey: "x", displayName: "X" }), Code.PermissionDenied, "No matching permissions found (AUTH-3jknH)");
    await expectError(owner.listProjectRoles({ projectId: otherProject }), Code.PermissionDenied);

    await orgOwner.bulkAddProjectRoles({ projectId: otherProject, roles: [{ key: "by-org-owner", displayName: "X" }] });
    await orgOwner.removeProjectRole({ projectId: otherProject, roleKey: "by-org-owner" });
    expect(await listAll(projectId)).toEqual([{ key: "seed", displayName: "Seed", group: "" }]);
  });

  test("another org's roles: add and update FailedPrecondition, remove NotFound, list empty; nothing of theirs changes", async () => {
    const otherOrg = (await admin.addOrg({ name: "roles-tenant-b" })).id;
    const theirs = managementClient(keygate.url, keygate.adminToken, otherOrg);
    const { id: theirProject } = await theirs.addProject({ name: "their-roles" });
    await theirs.addProjectRole({ projectId: theirProject, roleKey: "theirs", displayName: "Theirs" });
    const before = await projectEvents(theirProject);

    await expectError(admin.addProjectRole({ projectId: theirProject, roleKey: "mine", displayName: "M" }), Code.FailedPrecondition, undefined, "COMMAND-EbFMN");
    await expectError(admin.bulkAddProjectRoles({ projectId: theirProject, roles: [{ key: "mine", displayName: "M" }] }), Code.FailedPrecondition);
    await expectError(admin.updateProjectRole({ projectId: theirProject, roleKey: "theirs", displayName: "M" }), Code.FailedPrecondition);
    await expectError(admin.removeProjectRole({ projectId: theirProject, roleKey: "theirs" }), Code.NotFound, undefined, "COMMAND-m9vMf");
    expect(await admin.listProjectRoles({ projectId: theirProject })).toMatchObject({ result: [], details: { totalResult: 0n } });
    expect(await projectEvents(theirProject)).toEqual(before);
    expect(values((await theirs.listProjectRoles({ projectId: theirProject })).result)).toEqual([{ key: "theirs", displayName: "Theirs", group: "" }]);
  });

  test("rebuild-projections reproduces the roles table from the events", async () => {
    const { id: projectId } = await admin.addProject({ name: "roles-rebuild" });
    await admin.bulkAddProjectRoles({ projectId, roles: [{ key: "r1", displayName: "R1", group: "g" }, { key: "r2", displayName: "R2" }, { key: "r3", displayName: "R3" }] });
    await admin.updateProjectRole({ projectId, roleKey: "r1", displayName: "R1'", group: "" });
    await admin.removeProjectRole({ projectId, roleKey: "r2" });
    const live = await snapshot(keygate.store);
    expect(live.project_roles!.length).toBeGreaterThan(2);
    await rebuildProjections(keygate.store.db, keygate.store.projector);
    expect(await snapshot(keygate.store)).toEqual(live);
  });
});
