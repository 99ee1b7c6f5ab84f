/**
 * Memberships and roles as ZITADEL's defaults (issue 4, items 2, 3 and 5; zitadel-api.md §2.4, cases 29–31
 * and 58): the permission check per RPC class, project roles confined to their project, membership RPCs
 * that change what a user may do at once, and the authenticated user recorded as creator and editor.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Code } from "@connectrpc/connect";
import { addOrgMemberUser, addProjectMemberUser, addServiceUser, uniqueName, type ServiceUser } from "../support/auth-fixtures.js";
import { describeEachBackend } from "../support/backends.js";
import { expectError } from "../support/expect-error.js";
import { startTestKeygate, type TestKeygate } from "../support/keygate-server.js";
import { managementClient, type ManagementClient } from "../support/management-client.js";

const MEMBERSHIP_NOT_FOUND = ["membership not found (AUTHZ-cdgFk)", "AUTHZ-cdgFk"] as const;
const NO_PERMISSION = ["No matching permissions found (AUTH-5mWD2)", "AUTH-5mWD2"] as const;
const NOT_THIS_PROJECT = ["No matching permissions found (AUTH-3jknH)", "AUTH-3jknH"] as const;

describeEachBackend("roles and memberships as ZITADEL's defaults", (backend) => {
  let keygate: TestKeygate;
  let orgId: string;
  /** The instance admin (IAM_OWNER) acting in the test org. */
  let admin: ManagementClient;
  /** Two projects of the org, each with an app. */
  let p: { id: string; appId: string };
  let q: { id: string; appId: string };

  const as = (user: ServiceUser) => managementClient(keygate.url, user.token);

  /** A new org with projects P and Q, each with an app, and the instance admin acting in it. */
  async function orgWithTwoProjects(name: string) {
    const id = (await managementClient(keygate.url, keygate.adminToken).addOrg({ name: uniqueName(name) })).id;
    const inOrg = managementClient(keygate.url, keygate.adminToken, id);
    const project = async (projectName: string) => {
      const projectId = (await inOrg.addProject({ name: uniqueName(projectName) })).id;
      return { id: projectId, appId: (await inOrg.addAPIApp({ projectId, name: "app" })).appId };
    };
    return { id, admin: inOrg, projects: [await project("P"), await project("Q")] as const };
  }

  beforeAll(async () => {
    keygate = await startTestKeygate(backend);
    const test = await orgWithTwoProjects("roles-org");
    ({ id: orgId, admin } = test);
    [p, q] = test.projects;
  });
  afterAll(() => keygate.dispose());

  test("case 29: a user without any membership gets NotFound 'membership not found' on every class of RPC", async () => {
    const nobody = as(await addServiceUser(admin, "nobody"));
    await expectError(nobody.getAppByID({ projectId: p.id, appId: p.appId }), Code.NotFound, ...MEMBERSHIP_NOT_FOUND);
    await expectError(nobody.listApps({ projectId: p.id }), Code.NotFound, ...MEMBERSHIP_NOT_FOUND);
    await expectError(nobody.addAPIApp({ projectId: p.id, name: "x" }), Code.NotFound, ...MEMBERSHIP_NOT_FOUND);
    await expectError(nobody.removeApp({ projectId: p.id, appId: p.appId }), Code.NotFound, ...MEMBERSHIP_NOT_FOUND);
    await expectError(nobody.getMyOrg({}), Code.NotFound, ...MEMBERSHIP_NOT_FOUND);
    await expectError(nobody.listProjects({}), Code.NotFound, ...MEMBERSHIP_NOT_FOUND);
    await expectError(nobody.listUsers({}), Code.NotFound, ...MEMBERSHIP_NOT_FOUND);
    await expectError(nobody.addOrgMember({ userId: "4711", roles: ["ORG_OWNER"] }), Code.NotFound, ...MEMBERSHIP_NOT_FOUND);
  });

  test("case 30: ORG_OWNER_VIEWER reads projects and apps, but AddAPIApp and other writes are PermissionDenied", async () => {
    // An org of this test's own, so that the exact lists below hold whatever the other tests add to P and the test org.
    const own = await orgWithTwoProjects("viewer-org");
    const viewer = as(await addOrgMemberUser(own.admin, "viewer", ["ORG_OWNER_VIEWER"]));
    const [p, q] = own.projects;
    expect((await viewer.getAppByID({ projectId: p.id, appId: p.appId })).app?.id).toBe(p.appId);
    expect((await viewer.listApps({ projectId: p.id })).result.map((a) => a.id)).toEqual([p.appId]);
    expect((await viewer.listProjects({})).result.map((r) => r.id).sort()).toEqual([p.id, q.id].sort());
    expect((await viewer.getProjectByID({ id: q.id })).project?.id).toBe(q.id);
    await expectError(viewer.addAPIApp({ projectId: p.id, name: "x" }), Code.PermissionDenied, ...NO_PERMISSION);
    await expectError(viewer.updateApp({ projectId: p.id, appId: p.appId, name: "renamed" }), Code.PermissionDenied, ...NO_PERMISSION);
    await expectError(viewer.removeApp({ projectId: p.id, appId: p.appId }), Code.PermissionDenied, ...NO_PERMISSION);
    await expectError(viewer.addProject({ name: "x" }), Code.PermissionDenied, ...NO_PERMISSION);
  });

  test("case 58: ORG_OWNER adds and updates apps but RemoveApp is PermissionDenied; IAM_OWNER and PROJECT_OWNER remove apps", async () => {
    const owner = as(await addOrgMemberUser(admin, "org-owner", ["ORG_OWNER"]));
    const app = await owner.addAPIApp({ projectId: p.id, name: uniqueName("owned") });
    await owner.updateApp({ projectId: p.id, appId: app.appId, name: uniqueName("renamed") });
    await expectError(owner.removeApp({ projectId: p.id, appId: app.appId }), Code.PermissionDenied, ...NO_PERMISSION);

    await admin.removeApp({ projectId: p.id, appId: app.appId });
    await expectError(admin.getAppByID({ projectId: p.id, appId: app.appId }), Code.NotFound);

    const projectOwner = as(await addProjectMemberUser(admin, "project-owner", p.id, ["PROJECT_OWNER"]));
    const other = await owner.addAPIApp({ projectId: p.id, name: uniqueName("owned") });
    await projectOwner.removeApp({ projectId: p.id, appId: other.appId });
    await expectError(admin.getAppByID({ projectId: p.id, appId: other.appId }), Code.NotFound);
  });

  test("case 31: PROJECT_OWNER of P adds an app to P; on project Q it is PermissionDenied (AUTH-3jknH)", async () => {
    const projectOwner = as(await addProjectMemberUser(admin, "p-owner", p.id, ["PROJECT_OWNER"]));
    const added = await projectOwner.addAPIApp({ projectId: p.id, name: uniqueName("by-project-owner") });
    expect(added.appId).toMatch(/^\d+$/);
    await expectError(projectOwner.addAPIApp({ projectId: q.id, name: "x" }), Code.PermissionDenied, ...NOT_THIS_PROJECT);
    await expectError(projectOwner.getAppByID({ projectId: q.id, appId: q.appId }), Code.PermissionDenied, ...NOT_THIS_PROJECT);
    await expectError(projectOwner.removeApp({ projectId: q.id, appId: q.appId }), Code.PermissionDenied, ...NOT_THIS_PROJECT);
    await expectError(projectOwner.updateProject({ id: q.id, name: "taken over" }), Code.PermissionDenied, ...NOT_THIS_PROJECT);
    // Permissions PROJECT_OWNER does not have at all.
    await expectError(projectOwner.addProject({ name: "x" }), Code.PermissionDenied, ...NO_PERMISSION);
    await expectError(projectOwner.listUsers({}), Code.PermissionDenied, ...NO_PERMISSION);
  });

  test("PROJECT_OWNER's ListProjects shows only its project", async () => {
    const projectOwner = as(await addProjectMemberUser(admin, "lister", q.id, ["PROJECT_OWNER"]));
    const listed = await projectOwner.listProjects({});
    expect(listed.result.map((r) => r.id)).toEqual([q.id]);
    expect(listed.details?.totalResult).toBe(1n);
  });

  test("ListOrgMemberRoles and ListProjectMemberRoles name the roles of their scope, and each can be granted", async () => {
    const orgRoles = (await admin.listOrgMemberRoles({})).result;
    expect(orgRoles).toEqual(expect.arrayContaining(["ORG_OWNER", "ORG_OWNER_VIEWER"]));
    expect(orgRoles).not.toContain("IAM_OWNER");
    expect(orgRoles).not.toContain("PROJECT_OWNER");
    const projectRoles = (await admin.listProjectMemberRoles({})).result;
    expect(projectRoles).toEqual(expect.arrayContaining(["PROJECT_OWNER", "PROJECT_OWNER_VIEWER"]));
    expect(projectRoles).not.toContain("ORG_OWNER");
    expect(projectRoles).not.toContain("IAM_OWNER");

    for (const role of orgRoles) await addOrgMemberUser(admin, "granted", [role]);
    for (const role of projectRoles) await addProjectMemberUser(admin, "granted", p.id, [role]);
  });

  test("AddOrgMember, UpdateOrgMember and RemoveOrgMember change what the user may do at once; ListOrgMembers and ListUserMemberships show it", async () => {
    const user = await addServiceUser(admin, "org-member");
    const client = as(user);
    await expectError(client.getAppByID({ projectId: p.id, appId: p.appId }), Code.NotFound, ...MEMBERSHIP_NOT_FOUND);

    await admin.addOrgMember({ userId: user.userId, roles: ["ORG_OWNER_VIEWER"] });
    expect((await client.getAppByID({ projectId: p.id, appId: p.appId })).app?.id).toBe(p.appId);
    await expectError(client.addAPIApp({ projectId: p.id, name: "x" }), Code.PermissionDenied, ...NO_PERMISSION);
    const members = (await admin.listOrgMembers({})).result.filter((m) => m.userId === user.userId);
    expect(members.map((m) => m.roles)).toEqual([["ORG_OWNER_VIEWER"]]);

    await admin.updateOrgMember({ userId: user.userId, roles: ["ORG_OWNER"] });
    expect((await client.addAPIApp({ projectId: p.id, name: uniqueName("now-allowed") })).appId).toMatch(/^\d+$/);
    const memberships = (await admin.listUserMemberships({ userId: user.userId })).result;
    expect(memberships.map((m) => ({ type: m.type, roles: m.roles }))).toEqual([{ type: { case: "orgId", value: orgId }, roles: ["ORG_OWNER"] }]);

    await admin.removeOrgMember({ userId: user.userId });
    await expectError(client.getAppByID({ projectId: p.id, appId: p.appId }), Code.NotFound, ...MEMBERSHIP_NOT_FOUND);
    expect((await admin.listUserMemberships({ userId: user.userId })).result).toEqual([]);
    expect((await admin.listOrgMembers({})).result.map((m) => m.userId)).not.toContain(user.userId);
  });

  test("AddProjectMember, UpdateProjectMember and RemoveProjectMember change what the user may do at once; ListProjectMembers and ListUserMemberships show it", async () => {
    const user = await addServiceUser(admin, "project-member");
    const client = as(user);
    await admin.addProjectMember({ projectId: p.id, userId: user.userId, roles: ["PROJECT_OWNER_VIEWER"] });
    expect((await client.getAppByID({ projectId: p.id, appId: p.appId })).app?.id).toBe(p.appId);
    await expectError(client.addAPIApp({ projectId: p.id, name: "x" }), Code.PermissionDenied, ...NO_PERMISSION);
    await expectError(client.getAppByID({ projectId: q.id, appId: q.appId }), Code.PermissionDenied, ...NOT_THIS_PROJECT);
    const members = (await admin.listProjectMembers({ projectId: p.id })).result.filter((m) => m.userId === user.userId);
    expect(members.map((m) => m.roles)).toEqual([["PROJECT_OWNER_VIEWER"]]);

    await admin.updateProjectMember({ projectId: p.id, userId: user.userId, roles: ["PROJECT_OWNER"] });
    expect((await client.addAPIApp({ projectId: p.id, name: uniqueName("now-allowed") })).appId).toMatch(/^\d+$/);
    const memberships = (await admin.listUserMemberships({ userId: user.userId })).result;
    expect(memberships.map((m) => ({ type: m.type, roles: m.roles }))).toEqual([{ type: { case: "projectId", value: p.id }, roles: ["PROJECT_OWNER"] }]);

    await admin.removeProjectMember({ projectId: p.id, userId: user.userId });
    await expectError(client.getAppByID({ projectId: p.id, appId: p.appId }), Code.NotFound, ...MEMBERSHIP_NOT_FOUND);
    expect((await admin.listProjectMembers({ projectId: p.id })).result.map((m) => m.userId)).not.toContain(user.userId);
  });

  test("a role of the wrong scope, an unknown role or no role is InvalidArgument", async () => {
    const user = await addServiceUser(admin, "wrong-scope");
    await expectError(admin.addOrgMember({ userId: user.userId, roles: ["PROJECT_OWNER"] }), Code.InvalidArgument);
    await expectError(admin.addOrgMember({ userId: user.userId, roles: ["IAM_OWNER"] }), Code.InvalidArgument);
    await expectError(admin.addOrgMember({ userId: user.userId, roles: ["NO_SUCH_ROLE"] }), Code.InvalidArgument);
    await expectError(admin.addOrgMember({ userId: user.userId, roles: [] }), Code.InvalidArgument);
    await expectError(admin.addProjectMember({ projectId: p.id, userId: user.userId, roles: ["ORG_OWNER"] }), Code.InvalidArgument);
    await admin.addOrgMember({ userId: user.userId, roles: ["ORG_OWNER_VIEWER"] });
    await expectError(admin.updateOrgMember({ userId: user.userId, roles: ["PROJECT_OWNER"] }), Code.InvalidArgument);
    // Nothing of the refused grants took effect.
    await expectError(as(user).addAPIApp({ projectId: p.id, name: "x" }), Code.PermissionDenied, ...NO_PERMISSION);
  });

  test("an unknown user or member is NotFound", async () => {
    await expectError(admin.addOrgMember({ userId: "4711", roles: ["ORG_OWNER"] }), Code.NotFound);
    await expectError(admin.addProjectMember({ projectId: p.id, userId: "4711", roles: ["PROJECT_OWNER"] }), Code.NotFound);
    await expectError(admin.updateOrgMember({ userId: "4711", roles: ["ORG_OWNER"] }), Code.NotFound);
    await expectError(admin.removeOrgMember({ userId: "4711" }), Code.NotFound);
    await expectError(admin.removeProjectMember({ projectId: p.id, userId: "4711" }), Code.NotFound);
  });

  describe("member list queries filter as in ZITADEL", () => {
    test("ListOrgMembers with a userIdQuery lists only that member", async () => {
      const user = await addOrgMemberUser(admin, "queried", ["ORG_OWNER_VIEWER"]);
      await addOrgMemberUser(admin, "not-queried", ["ORG_OWNER_VIEWER"]);
      const listed = await admin.listOrgMembers({ queries: [{ query: { case: "userIdQuery", value: { userId: user.userId } } }] });
      expect(listed.result.map((m) => m.userId)).toEqual([user.userId]);
    });

    test("ListProjectMembers with a userIdQuery lists only that member", async () => {
      const user = await addProjectMemberUser(admin, "queried", q.id, ["PROJECT_OWNER_VIEWER"]);
      await addProjectMemberUser(admin, "not-queried", q.id, ["PROJECT_OWNER_VIEWER"]);
      const listed = await admin.listProjectMembers({ projectId: q.id, queries: [{ query: { case: "userIdQuery", value: { userId: user.userId } } }] });
      expect(listed.result.map((m) => m.userId)).toEqual([user.userId]);
    });

    test("ListUserMemberships with a projectQuery lists only the memberships on that project", async () => {
      const user = await addOrgMemberUser(admin, "queried", ["ORG_OWNER_VIEWER"]);
      await admin.addProjectMember({ projectId: q.id, userId: user.userId, roles: ["PROJECT_OWNER"] });
      const listed = await admin.listUserMemberships({ userId: user.userId, queries: [{ query: { case: "projectQuery", value: { projectId: q.id } } }] });
      expect(listed.result.map((m) => m.type)).toEqual([{ case: "projectId", value: q.id }]);
    });
  });

  describe("creator and editor", () => {
    test("events of a service user's writes name it as creator, and ListAppChanges shows it as editorId (case 72)", async () => {
      const user = await addOrgMemberUser(admin, "editor", ["ORG_OWNER"]);
      const client = as(user);
      const project = await client.addProject({ name: uniqueName("edited") });
      const byAdmin = await admin.addAPIApp({ projectId: project.id, name: "made-by-admin" });
      await client.updateApp({ projectId: project.id, appId: byAdmin.appId, name: "renamed-by-service-user" });
      await client.deactivateApp({ projectId: project.id, appId: byAdmin.appId });

      const events = await keygate.store.db.selectFrom("events2").select(["event_type", "creator"]).where("aggregate_id", "=", project.id).orderBy("sequence").execute();
      expect(events).toEqual([
        { event_type: "project.added", creator: user.userId },
        { event_type: "project.application.added", creator: keygate.adminUserId },
        { event_type: "project.application.config.api.added", creator: keygate.adminUserId },
        { event_type: "project.application.changed", creator: user.userId },
        { event_type: "project.application.deactivated", creator: user.userId },
      ]);

      const changes = (await client.listAppChanges({ projectId: project.id, appId: byAdmin.appId })).result;
      expect(changes.map((c) => [c.eventType?.key, c.editorId])).toEqual([
        ["EventTypes.project.application.deactivated", user.userId],
        ["EventTypes.project.application.changed", user.userId],
        ["EventTypes.project.application.config.api.added", keygate.adminUserId],
        ["EventTypes.project.application.added", keygate.adminUserId],
      ]);
    });

    test("a membership granted by a service user names it as creator", async () => {
      const granter = await addOrgMemberUser(admin, "granter", ["ORG_OWNER"]);
      const grantee = await addServiceUser(admin, "grantee");
      await as(granter).addOrgMember({ userId: grantee.userId, roles: ["ORG_OWNER_VIEWER"] });
      const event = await keygate.store.db
        .selectFrom("events2")
        .select(["event_type", "creator", "payload"])
        .where("aggregate_id", "=", orgId)
        .where("event_type", "=", "org.member.added")
        .orderBy("sequence", "desc")
        .executeTakeFirstOrThrow();
      expect(event).toMatchObject({ creator: granter.userId, payload: { userId: grantee.userId } });
    });
  });
});
