import { afterAll, beforeAll, expect, test } from "vitest";
import { describeEachBackend } from "../support/backends.js";
import { startAdminSession, type TestKeygate } from "../support/keygate-server.js";
import type { ManagementClient } from "../support/management-client.js";

/**
 * The requests of ZITADEL's Python SDK (zitadel-client 4.x, which PyPI would give; not reachable
 * here), replayed with fetch: a plain JSON POST to /<package.Service>/<Method>, Content-Type
 * application/json, a bearer token, no Connect-Protocol-Version and no org header, timestamps as
 * Python's isoformat() writes them (with an offset), `"apiConfiguration": {}` for a BASIC API app.
 */
describeEachBackend("the Python SDK's request shape", (backend) => {
  let keygate: TestKeygate;
  let admin: ManagementClient;
  let orgId: string;

  beforeAll(async () => {
    ({ keygate, admin, orgId } = await startAdminSession(backend));
  });
  afterAll(() => keygate?.dispose());

  async function sdkCall(service: string, method: string, body: object): Promise<{ status: number; json: Record<string, any> }> {
    const res = await fetch(`${keygate.url}/${service}/${method}`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "User-Agent": "zitadel-client/4.1.9 (lang=python; lang_version=3.12.3; os=linux; arch=x86_64)",
        Authorization: `Bearer ${keygate.adminToken}`,
      },
      body: JSON.stringify(body),
    });
    expect(res.headers.get("content-type")).toBe("application/json");
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  }
  const apps = (method: string, body: object) => sdkCall("zitadel.application.v2.ApplicationService", method, body);

  test("creates, reads, lists, updates and deletes an API app and its keys", async () => {
    const projectId = (await admin.addProject({ name: "python" })).id;

    const created = await apps("CreateApplication", { projectId, name: "py-app", apiConfiguration: {} });
    expect(created.status).toBe(200);
    expect(created.json).toEqual({
      applicationId: expect.stringMatching(/^\d+$/),
      creationDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
      apiConfiguration: { clientId: expect.stringMatching(/^\d+$/), clientSecret: expect.stringMatching(/^[A-Za-z0-9]{64}$/) },
    });
    const appId = created.json.applicationId as string;

    const got = await apps("GetApplication", { applicationId: appId });
    expect(got.status).toBe(200);
    // BASIC (0) is omitted from JSON, as ZITADEL's JSON leaves out zero values.
    expect(got.json.application).toEqual({
      applicationId: appId,
      projectId,
      name: "py-app",
      state: "APPLICATION_STATE_ACTIVE",
      creationDate: created.json.creationDate,
      changeDate: created.json.creationDate,
      apiConfiguration: { clientId: created.json.apiConfiguration.clientId },
    });

    const listed = await apps("ListApplications", { filters: [{ projectIdFilter: { projectId } }], pagination: { offset: "0", limit: 10, asc: true } });
    expect(listed.status).toBe(200);
    expect(listed.json).toEqual({ applications: [got.json.application], pagination: { totalResult: "1", appliedLimit: "10" } });

    const updated = await apps("UpdateApplication", { applicationId: appId, projectId, name: "py-app-2", apiConfiguration: { authMethodType: "API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT" } });
    expect(updated.status).toBe(200);
    expect(updated.json.changeDate).toEqual(expect.any(String));

    // Python's isoformat(): microseconds and an offset.
    const key = await apps("CreateApplicationKey", { applicationId: appId, projectId, expirationDate: "2031-02-03T04:05:06.789012+02:00" });
    expect(key.status).toBe(200);
    const keyFile = JSON.parse(Buffer.from(key.json.keyDetails as string, "base64").toString("utf8")) as Record<string, string>;
    expect(keyFile).toMatchObject({ type: "application", keyId: key.json.keyId, appId });
    const readKey = await apps("GetApplicationKey", { keyId: key.json.keyId });
    // Kept to the millisecond, as every keygate date.
    expect(readKey.json.expirationDate).toBe("2031-02-03T02:05:06.789Z");

    const deleted = await apps("DeleteApplication", { applicationId: appId, projectId });
    expect(deleted.status).toBe(200);
    const gone = await apps("GetApplication", { applicationId: appId });
    expect(gone.status).toBe(404);
    expect(gone.json).toMatchObject({ code: "not_found", message: "Errors.App.NotExisting (QUERY-pCP8P)" });
  });

  test("the older SDKs' v2beta AppService answers the same shape", async () => {
    const projectId = (await admin.addProject({ name: "python-beta" })).id;
    const created = await sdkCall("zitadel.app.v2beta.AppService", "CreateApplication", { projectId, name: "py-beta", apiRequest: {} });
    expect(created.status).toBe(200);
    expect(created.json.apiResponse).toEqual({ clientId: expect.any(String), clientSecret: expect.stringMatching(/^[A-Za-z0-9]{64}$/) });
    const got = await sdkCall("zitadel.app.v2beta.AppService", "GetApplication", { id: created.json.appId });
    expect(got.json.app).toMatchObject({ id: created.json.appId, name: "py-beta", state: "APP_STATE_ACTIVE" });
    expect((await admin.getAppByID({ projectId, appId: created.json.appId })).app?.details?.resourceOwner).toBe(orgId);
  });

  test("bad input and a missing token answer as Connect errors with their HTTP statuses", async () => {
    const projectId = (await admin.addProject({ name: "python-errors" })).id;
    const noConfig = await apps("CreateApplication", { projectId, name: "no-type" });
    expect([noConfig.status, noConfig.json.code, noConfig.json.message]).toEqual([400, "invalid_argument", "invalid CreateApplicationRequest.ApplicationType: value is required"]);
    const oidc = await apps("CreateApplication", { projectId, name: "oidc", oidcConfiguration: { redirectUris: ["https://example.com/cb"] } });
    expect([oidc.status, oidc.json.code]).toEqual([501, "unimplemented"]);
    expect(oidc.json.message).toContain("keygate serves API apps only");
    const unknownProject = await apps("CreateApplication", { projectId: "no-such-project", name: "x", apiConfiguration: {} });
    expect([unknownProject.status, unknownProject.json.code, unknownProject.json.message]).toEqual([400, "failed_precondition", "Project not found (COMMAND-EbFMN)"]);
    const res = await fetch(`${keygate.url}/zitadel.application.v2.ApplicationService/GetApplication`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ applicationId: "1" }),
    });
    expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([401, "unauthenticated"]);
  });
});
