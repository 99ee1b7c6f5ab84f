import { afterAll, beforeAll, expect, test } from "vitest";
import { Code, createClient } from "@connectrpc/connect";
import { AppService } from "../../src/gen/keygate/v1/apps_pb.js";
import { ProjectService } from "../../src/gen/keygate/v1/projects_pb.js";
import { describeEachBackend } from "../support/backends.js";
import { expectError } from "../support/expect-error.js";
import { startAdminSession, type AdminSession } from "../support/keygate-server.js";
import { keygateV1Client, restCall } from "../support/keygate-v1-client.js";
import { PROTOCOLS, v2Transports } from "../support/v2-transports.js";

/** keygate.v1's page tokens: keyset paging of apps and projects, on every protocol and over REST. */
describeEachBackend("keygate.v1 page tokens", (backend) => {
  let session: AdminSession;
  let projectId: string;
  let transports: ReturnType<typeof v2Transports>;
  const seeded: string[] = [];

  beforeAll(async () => {
    session = await startAdminSession(backend);
    transports = v2Transports(session.keygate.url);
    projectId = (await session.admin.addProject({ name: "paged" })).id;
    for (let i = 0; i < 12; i++) seeded.push((await session.admin.addAPIApp({ projectId, name: `app-${i}` })).appId);
  });
  afterAll(async () => {
    transports?.close();
    await session?.keygate.dispose();
  });

  const apps = () => keygateV1Client(AppService, session.keygate.url, session.keygate.adminToken);

  test.each(PROTOCOLS)("%s: pages of 5 continue after the last app seen, the last page has no token", async (protocol) => {
    const client = createClient(AppService, transports.make(protocol, session.keygate.adminToken));
    const seen: string[] = [];
    let pageToken = "";
    const sizes: number[] = [];
    do {
      const page = await client.listApps({ projectId, limit: 5, pageToken });
      expect(page.totalResult).toBe(12n);
      sizes.push(page.apps.length);
      seen.push(...page.apps.map((app) => app.id));
      pageToken = page.nextPageToken;
    } while (pageToken !== "");
    expect(sizes).toEqual([5, 5, 2]);
    expect(seen).toEqual([...seeded].sort());
  });

  test("REST: POST /keygate/v1/apps/_search pages with nextPageToken; the token is opaque text", async () => {
    const first = await restCall(session.keygate.url, session.keygate.adminToken, "POST", "/keygate/v1/apps/_search", { projectId, limit: 10 });
    expect(first.status).toBe(200);
    expect((first.body.apps as unknown[]).length).toBe(10);
    expect(first.body.totalResult).toBe("12");
    const token = first.body.nextPageToken as string;
    expect(token).toMatch(/^[A-Za-z0-9_.-]+$/);
    const second = await restCall(session.keygate.url, session.keygate.adminToken, "POST", "/keygate/v1/apps/_search", { projectId, limit: 10, pageToken: token });
    expect((second.body.apps as { id: string }[]).map((a) => a.id)).toEqual([...seeded].sort().slice(10));
    expect(second.body.nextPageToken).toBeUndefined();
  });

  test("offset skips items after the token's position; limit over 1000 is refused", async () => {
    const first = await apps().listApps({ projectId, limit: 3 });
    const skipped = await apps().listApps({ projectId, limit: 3, offset: 2n, pageToken: first.nextPageToken });
    expect(skipped.apps.map((a) => a.id)).toEqual([...seeded].sort().slice(5, 8));
    await expectError(apps().listApps({ projectId, limit: 1001 }), Code.InvalidArgument);
  });

  test("a malformed token, or one of another list, is InvalidArgument naming page_token, on every protocol and REST", async () => {
    const other = (await session.admin.addProject({ name: "other" })).id;
    const foreign = (await apps().listApps({ projectId, limit: 1 })).nextPageToken;
    for (const protocol of PROTOCOLS) {
      const client = createClient(AppService, transports.make(protocol, session.keygate.adminToken));
      for (const pageToken of ["nope", `${foreign}x`, foreign.split(".")[0]!]) {
        await expectError(client.listApps({ projectId, pageToken }), Code.InvalidArgument);
        const error = await client.listApps({ projectId, pageToken }).catch((e: Error) => e);
        expect(String((error as Error).message)).toMatch(/page_token/);
      }
      // A token of the project's list is not a position in another project's list.
      await expectError(client.listApps({ projectId: other, pageToken: foreign }), Code.InvalidArgument);
    }
    const rest = await restCall(session.keygate.url, session.keygate.adminToken, "POST", "/keygate/v1/apps/_search", { projectId, pageToken: "%%%" });
    expect(rest.status).toBe(400);
    expect(rest.body.code).toBe(3);
    expect(rest.body.message).toMatch(/page_token/);
    const projects = keygateV1Client(ProjectService, session.keygate.url, session.keygate.adminToken);
    await expectError(projects.listProjects({ pageToken: foreign }), Code.InvalidArgument);
  });

  test("under concurrent inserts and deletes every app present throughout is seen exactly once", async () => {
    const project = (await session.admin.addProject({ name: "churn" })).id;
    const stable: string[] = [];
    const doomed: string[] = [];
    for (let i = 0; i < 30; i++) {
      const { appId } = await session.admin.addAPIApp({ projectId: project, name: `s-${i}` });
      (i % 3 === 0 ? doomed : stable).push(appId);
    }
    // A bounded churn (so that the reader always reaches the end, however the two are scheduled):
    // 30 apps added after the last one and the 10 doomed ones removed, while the list is read.
    let changes = 0;
    const churn = (async () => {
      for (let n = 0; n < 30; n++) {
        await session.admin.addAPIApp({ projectId: project, name: `new-${n}` });
        changes++;
        const victim = doomed.shift();
        if (victim) await session.admin.removeApp({ projectId: project, appId: victim });
      }
    })().then(
      () => undefined,
      (error: unknown) => error,
    );
    const seen: string[] = [];
    let pageToken = "";
    do {
      const page = await apps().listApps({ projectId: project, limit: 3, pageToken });
      seen.push(...page.apps.map((a) => a.id));
      pageToken = page.nextPageToken;
      // Let the churn run between pages, so the list changes under the reader.
      await new Promise((resolve) => setTimeout(resolve, 15));
    } while (pageToken !== "");
    // The list did change while it was read (else this test would show nothing).
    expect(changes).toBeGreaterThan(0);
    expect(await churn).toBeUndefined();
    expect(new Set(seen).size).toBe(seen.length);
    const seenSet = new Set(seen);
    expect(stable.filter((id) => !seenSet.has(id))).toEqual([]);
  });

  test("the item a token names may be gone: the next page starts after its position, and skips nothing", async () => {
    const project = (await session.admin.addProject({ name: "cursor-gone" })).id;
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push((await session.admin.addAPIApp({ projectId: project, name: `c-${i}` })).appId);
    ids.sort();
    const first = await apps().listApps({ projectId: project, limit: 3 });
    expect(first.apps.map((a) => a.id)).toEqual(ids.slice(0, 3));
    // The last app seen and the first not yet seen are removed; an app is added (at the end, its id is newer).
    await session.admin.removeApp({ projectId: project, appId: ids[2]! });
    await session.admin.removeApp({ projectId: project, appId: ids[3]! });
    const added = (await session.admin.addAPIApp({ projectId: project, name: "c-new" })).appId;
    const second = await apps().listApps({ projectId: project, limit: 3, pageToken: first.nextPageToken });
    // With an offset of 3 the page would have started at ids[6], skipping ids[4] and ids[5].
    expect(second.apps.map((a) => a.id)).toEqual(ids.slice(4, 7));
    const third = await apps().listApps({ projectId: project, limit: 3, pageToken: second.nextPageToken });
    expect(third.apps.map((a) => a.id)).toEqual([ids[7], added]);
    expect(third.nextPageToken).toBe("");
  });

  test("projects page the same way", async () => {
    const projects = keygateV1Client(ProjectService, session.keygate.url, session.keygate.adminToken);
    const all = await projects.listProjects({});
    const seen: string[] = [];
    let pageToken = "";
    do {
      const page = await projects.listProjects({ limit: 1, pageToken });
      expect(page.totalResult).toBe(all.totalResult);
      seen.push(...page.projects.map((p) => p.id));
      pageToken = page.nextPageToken;
    } while (pageToken !== "");
    expect(seen).toEqual(all.projects.map((p) => p.id));
    expect(seen).toEqual([...seen].sort());
  });

  test("another org's apps and projects: NotFound by id, absent from lists, and its page tokens are refused here", async () => {
    const otherOrg = (await session.admin.addOrg({ name: "Paging Other" })).id;
    const theirProject = (await keygateV1Client(ProjectService, session.keygate.url, session.keygate.adminToken, otherOrg).listProjects({})).projects;
    expect(theirProject).toEqual([]);
    const { managementClient } = await import("../support/management-client.js");
    const theirs = managementClient(session.keygate.url, session.keygate.adminToken, otherOrg);
    const project = (await theirs.addProject({ name: "theirs" })).id;
    const app = (await theirs.addAPIApp({ projectId: project, name: "their-app" })).appId;
    await theirs.addAPIApp({ projectId: project, name: "their-app-2" });
    await expectError(apps().getApp({ projectId: project, appId: app }), Code.NotFound);
    expect((await apps().listApps({ projectId: project })).apps).toEqual([]);
    expect((await apps().listApps({})).apps.map((a) => a.projectId)).not.toContain(project);
    const projects = keygateV1Client(ProjectService, session.keygate.url, session.keygate.adminToken);
    await expectError(projects.getProject({ projectId: project }), Code.NotFound);
    expect((await projects.listProjects({})).projects.map((p) => p.id)).not.toContain(project);
    const theirToken = (await keygateV1Client(AppService, session.keygate.url, session.keygate.adminToken, otherOrg).listApps({ projectId: project, limit: 1 })).nextPageToken;
    expect(theirToken).not.toBe("");
    await expectError(apps().listApps({ projectId: project, pageToken: theirToken }), Code.InvalidArgument);
  });
});
