import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Code } from "@connectrpc/connect";
import { APIAuthMethodType, AppState } from "../../src/gen/zitadel/app_pb.js";
import { verifySecret } from "../../src/domain/secrets.js";
import { describeEachBackend } from "../support/backends.js";
import { expectError } from "../support/expect-error.js";
import { startAdminSession, type TestKeygate } from "../support/keygate-server.js";
import { managementClient, type ManagementClient } from "../support/management-client.js";

describeEachBackend("foundation: orgs, projects, AddAPIApp, GetAppByID", (backend) => {
  let keygate: TestKeygate;
  let admin: ManagementClient;
  let orgId: string;

  beforeAll(async () => {
    ({ keygate, admin, orgId } = await startAdminSession(backend));
  });
  afterAll(() => keygate.dispose());

  describe("orgs", () => {
    test("case 1: AddOrg returns a numeric id, add-type details owned by the new org, and makes the caller ORG_OWNER", async () => {
      const res = await admin.addOrg({ name: "Acme" });
      expect(res.id).toMatch(/^\d+$/);
      expect(res.details?.resourceOwner).toBe(res.id);
      expect(res.details?.creationDate).toBeDefined();
      expect(res.details?.changeDate).toBeUndefined();
      const member = await keygate.store.db
        .selectFrom("members")
        .selectAll()
        .where("aggregate_id", "=", res.id)
        .where("user_id", "=", keygate.adminUserId)
        .executeTakeFirstOrThrow();
      expect(member.roles).toEqual(["ORG_OWNER"]);
    });

    test("case 2: AddOrg with an empty name is InvalidArgument with the PGV message", async () => {
      await expectError(admin.addOrg({ name: "" }), Code.InvalidArgument, "invalid AddOrgRequest.Name: value length must be between 1 and 200 runes, inclusive");
    });

    test("case 3: AddOrg with a name taken in another case is AlreadyExists", async () => {
      await admin.addOrg({ name: "Initech" });
      await expectError(admin.addOrg({ name: "INITECH" }), Code.AlreadyExists, "Organisation's name or id already taken (V3-DKcYh)", "V3-DKcYh");
    });

    test("case 4: GetMyOrg is the caller's org without a header, the named org with x-zitadel-orgid", async () => {
      const other = await admin.addOrg({ name: "Globex" });
      expect((await admin.getMyOrg({})).org?.id).toBe(orgId);
      const named = await managementClient(keygate.url, keygate.adminToken, other.id).getMyOrg({});
      expect(named.org?.id).toBe(other.id);
      expect(named.org?.name).toBe("Globex");
      expect(named.org?.primaryDomain).toBe("globex.localhost");
    });

    test("case 5: an x-zitadel-orgid that names no org is PermissionDenied", async () => {
      await expectError(managementClient(keygate.url, keygate.adminToken, "123").getMyOrg({}), Code.PermissionDenied, "Organisation doesn't exist (AUTH-Bs7Ds)", "AUTH-Bs7Ds");
    });
  });

  describe("projects", () => {
    test("case 6: AddProject answers sequence 1 owned by the org context", async () => {
      const res = await admin.addProject({ name: "P" });
      expect(res.details?.sequence).toBe(1n);
      expect(res.details?.resourceOwner).toBe(orgId);
      const read = await admin.getProjectByID({ id: res.id });
      expect(read.project?.name).toBe("P");
      expect(read.project?.details?.sequence).toBe(1n);
      expect(read.project?.details?.changeDate).toBeDefined();
    });

    test("case 7: a project name is unique per org, case-insensitively", async () => {
      await admin.addProject({ name: "dup-project" });
      await expectError(admin.addProject({ name: "DUP-PROJECT" }), Code.AlreadyExists, "Project already exists on organization (V3-DKcYh)");
    });
  });

  describe("AddAPIApp", () => {
    let projectId: string;
    beforeAll(async () => {
      projectId = (await admin.addProject({ name: "apps" })).id;
    });

    test("case 13: a BASIC app gets numeric, distinct app and client ids and a 64-character secret; details at project sequence + 2", async () => {
      const before = await admin.getProjectByID({ id: projectId });
      const res = await admin.addAPIApp({ projectId, name: "basic", authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC });
      expect(res.appId).toMatch(/^\d+$/);
      expect(res.clientId).toMatch(/^\d+$/);
      expect(res.clientId).not.toBe(res.appId);
      expect(res.clientSecret).toMatch(/^[A-Za-z0-9]{64}$/);
      expect(res.details?.creationDate).toBeDefined();
      expect(res.details?.changeDate).toBeUndefined();
      expect(res.details?.resourceOwner).toBe(orgId);
      const projectSequence = before.project!.details!.sequence;
      expect(res.details!.sequence).toBeGreaterThanOrEqual(projectSequence + 2n);
    });

    test("case 14: a PRIVATE_KEY_JWT app gets no secret", async () => {
      const res = await admin.addAPIApp({ projectId, name: "jwt", authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT });
      expect(res.clientSecret).toBe("");
      expect(await keygate.store.db.selectFrom("app_secrets").selectAll().where("app_id", "=", res.appId).execute()).toEqual([]);
    });

    test("case 15: without authMethodType the app is BASIC and gets a secret", async () => {
      const res = await fetch(`${keygate.url}/management/v1/projects/${projectId}/apps/api`, {
        method: "POST",
        headers: { authorization: `Bearer ${keygate.adminToken}`, "content-type": "application/json" },
        body: JSON.stringify({ name: "implicit-basic" }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { clientSecret?: string; appId: string };
      expect(body.clientSecret).toMatch(/^[A-Za-z0-9]{64}$/);
      const app = await admin.getAppByID({ projectId, appId: body.appId });
      expect(app.app?.config.case === "apiConfig" && app.app.config.value.authMethodType).toBe(APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC);
    });

    test("cases 16 and 17: two events in order with consecutive sequences and one created_at; only a hash is stored", async () => {
      const res = await admin.addAPIApp({ projectId, name: "evented" });
      const rows = await keygate.store.db
        .selectFrom("events2")
        .selectAll()
        .where("aggregate_id", "=", projectId)
        .where("sequence", ">=", Number(res.details!.sequence) - 1)
        .orderBy("sequence")
        .execute();
      expect(rows.map((r) => r.event_type)).toEqual(["project.application.added", "project.application.config.api.added"]);
      expect(rows[1]!.sequence).toBe(rows[0]!.sequence + 1);
      expect(rows[0]!.created_at.getTime()).toBe(rows[1]!.created_at.getTime());
      expect(rows[0]!.payload).toEqual({ appId: res.appId, name: "evented" });
      const payload = rows[1]!.payload as { hashedSecret: string; clientId: string };
      expect(payload.clientId).toBe(res.clientId);
      expect(payload.hashedSecret).toMatch(/^\$sha256\$/);
      expect(JSON.stringify(rows)).not.toContain(res.clientSecret);
      const [stored, ...more] = await keygate.store.db.selectFrom("app_secrets").selectAll().where("app_id", "=", res.appId).execute();
      expect(more).toEqual([]);
      expect(stored!.hash).toBe(payload.hashedSecret);
      expect(stored!.last_four).toBe(res.clientSecret.slice(-4));
      expect(await verifySecret(res.clientSecret, stored!.hash)).toBe(true);
      expect(await verifySecret(`${res.clientSecret.slice(1)}x`, stored!.hash)).toBe(false);
    });

    test("cases 18 and 19: empty and 201-rune names are InvalidArgument, 200 runes are fine", async () => {
      const message = "invalid AddAPIAppRequest.Name: value length must be between 1 and 200 runes, inclusive";
      await expectError(admin.addAPIApp({ projectId, name: "" }), Code.InvalidArgument, message);
      await expectError(admin.addAPIApp({ projectId, name: "é".repeat(201) }), Code.InvalidArgument, message);
      const ok = await admin.addAPIApp({ projectId, name: "é".repeat(200) });
      expect(ok.appId).toMatch(/^\d+$/);
    });

    test("case 20: an undefined auth method is InvalidArgument", async () => {
      await expectError(
        admin.addAPIApp({ projectId, name: "bad-enum", authMethodType: 5 as APIAuthMethodType }),
        Code.InvalidArgument,
        "invalid AddAPIAppRequest.AuthMethodType: value must be one of the defined enum values",
      );
    });

    test("case 21: an unknown project is FailedPrecondition", async () => {
      await expectError(admin.addAPIApp({ projectId: "4711", name: "x" }), Code.FailedPrecondition, "Project not found (COMMAND-EbFMN)", "COMMAND-EbFMN");
    });

    test("case 22: a project of another org, without a header, is FailedPrecondition", async () => {
      const otherOrg = await admin.addOrg({ name: "Other Corp" });
      const foreign = await managementClient(keygate.url, keygate.adminToken, otherOrg.id).addProject({ name: "foreign" });
      await expectError(admin.addAPIApp({ projectId: foreign.id, name: "x" }), Code.FailedPrecondition, "Project not found (COMMAND-EbFMN)");
    });

    test("case 23: a removed project is FailedPrecondition", async () => {
      const removed = await admin.addProject({ name: "to-remove" });
      await admin.removeProject({ id: removed.id });
      await expectError(admin.addAPIApp({ projectId: removed.id, name: "x" }), Code.FailedPrecondition, "Project not found (COMMAND-EbFMN)");
    });

    test("case 24: a deactivated project still takes apps", async () => {
      const inactive = await admin.addProject({ name: "inactive" });
      await admin.deactivateProject({ id: inactive.id });
      const res = await admin.addAPIApp({ projectId: inactive.id, name: "still-ok" });
      expect(res.appId).toMatch(/^\d+$/);
    });

    test("case 25: app names are unique per project, case-insensitively; another project may reuse them", async () => {
      await admin.addAPIApp({ projectId, name: "Shared Name" });
      await expectError(admin.addAPIApp({ projectId, name: "shared name" }), Code.AlreadyExists, "Application already exists (V3-DKcYh)", "V3-DKcYh");
      const other = await admin.addProject({ name: "other-apps" });
      expect((await admin.addAPIApp({ projectId: other.id, name: "shared name" })).appId).toMatch(/^\d+$/);
    });
  });

  describe("GetAppByID", () => {
    test("case 33: an app reads back ACTIVE with its client id, auth method and read-type details", async () => {
      const project = await admin.addProject({ name: "read-back" });
      const basic = await admin.addAPIApp({ projectId: project.id, name: "b" });
      const jwt = await admin.addAPIApp({ projectId: project.id, name: "j", authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT });
      const read = (await admin.getAppByID({ projectId: project.id, appId: basic.appId })).app!;
      expect(read.state).toBe(AppState.ACTIVE);
      expect(read.name).toBe("b");
      expect(read.config.case).toBe("apiConfig");
      expect(read.config.value).toMatchObject({ clientId: basic.clientId, authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC });
      expect(read.details).toMatchObject({ sequence: basic.details!.sequence, resourceOwner: orgId });
      expect(read.details?.creationDate).toBeDefined();
      expect(read.details?.changeDate).toBeDefined();
      const jwtRead = (await admin.getAppByID({ projectId: project.id, appId: jwt.appId })).app!;
      expect(jwtRead.config.value).toMatchObject({ authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT });
      const rest = await fetch(`${keygate.url}/management/v1/projects/${project.id}/apps/${basic.appId}`, { headers: { authorization: `Bearer ${keygate.adminToken}` } });
      const json = (await rest.json()) as { app: { apiConfig: Record<string, unknown>; state: string } };
      expect(json.app.state).toBe("APP_STATE_ACTIVE");
      expect(json.app.apiConfig).toEqual({ clientId: basic.clientId });
    });

    test("case 34: an unknown app is NotFound", async () => {
      const project = await admin.addProject({ name: "unknown-app" });
      await expectError(admin.getAppByID({ projectId: project.id, appId: "12345" }), Code.NotFound, "Errors.App.NotExisting (QUERY-pCP8P)", "QUERY-pCP8P");
    });

    test("case 35: an existing app under another project id is NotFound", async () => {
      const a = await admin.addProject({ name: "project-a" });
      const b = await admin.addProject({ name: "project-b" });
      const app = await admin.addAPIApp({ projectId: a.id, name: "in-a" });
      await expectError(admin.getAppByID({ projectId: b.id, appId: app.appId }), Code.NotFound);
    });
  });

  describe("tenant isolation (deliberately stricter than ZITADEL)", () => {
    test("another org's project and app are NotFound from this org's context, and found from theirs", async () => {
      const otherOrg = await admin.addOrg({ name: "Isolated Inc" });
      const inOther = managementClient(keygate.url, keygate.adminToken, otherOrg.id);
      const project = await inOther.addProject({ name: "theirs" });
      const app = await inOther.addAPIApp({ projectId: project.id, name: "their-app" });
      await expectError(admin.getProjectByID({ id: project.id }), Code.NotFound, "Project not found (QUERY-fk2fs)");
      await expectError(admin.getAppByID({ projectId: project.id, appId: app.appId }), Code.NotFound, "Errors.App.NotExisting (QUERY-pCP8P)");
      expect((await inOther.getAppByID({ projectId: project.id, appId: app.appId })).app?.name).toBe("their-app");
    });
  });

  describe("authentication", () => {
    test("case 26: no Authorization header is Unauthenticated", async () => {
      await expectError(managementClient(keygate.url, undefined).getMyOrg({}), Code.Unauthenticated, "auth header missing");
    });

    test("case 27: another scheme is Unauthenticated", async () => {
      const res = await fetch(`${keygate.url}/management/v1/orgs/me`, { headers: { authorization: `Token ${keygate.adminToken}` } });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { message: string }).message).toBe("invalid auth header (AUTH-toLo1)");
    });

    test("case 28: an unknown token is Unauthenticated", async () => {
      await expectError(managementClient(keygate.url, "not-a-token").getMyOrg({}), Code.Unauthenticated, "Errors.Token.Invalid (AUTH-7fs1e)");
    });

    test("case 32: authentication comes before validation", async () => {
      await expectError(managementClient(keygate.url, undefined).addAPIApp({ projectId: "1", name: "" }), Code.Unauthenticated);
    });

    test("Healthz needs no token", async () => {
      await expect(managementClient(keygate.url, undefined).healthz({})).resolves.toBeDefined();
    });
  });
});
