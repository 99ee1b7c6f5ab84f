/**
 * Tenant isolation and permissions of every ApplicationService (v2) and AppService (v2beta) RPC,
 * and the caller-chosen app ids. A caller of org A naming org B's project, apps and keys must get
 * exactly the answer it gets for ids that do not exist (code and message), B's events must not
 * change, and lists must never show B's apps or keys. A member of B without the permission gets
 * PermissionDenied; an id chosen twice never makes a second app.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { AppService } from "../../src/gen/zitadel/app/v2beta/app_service_pb.js";
import { APIAuthMethodType } from "../../src/gen/zitadel/app_pb.js";
import { ApplicationService } from "../../src/gen/zitadel/application/v2/application_service_pb.js";
import { KeyType } from "../../src/gen/zitadel/auth_n_key_pb.js";
import { addOrgMemberUser, eventCountOf } from "../support/auth-fixtures.js";
import { describeEachBackend } from "../support/backends.js";
import { startTestKeygate, type TestKeygate } from "../support/keygate-server.js";
import { managementClient } from "../support/management-client.js";
import { v2Transports } from "../support/v2-transports.js";

interface Ids {
  projectId: string;
  appId: string;
  jwtAppId: string;
  keyId: string;
  orgId: string;
}

const MISSING: Ids = { projectId: "404404", appId: "404405", jwtAppId: "404406", keyId: "404407", orgId: "404408" };
const later = timestampFromDate(new Date(Date.now() + 86_400_000));

type V2 = Client<typeof ApplicationService>;
type V2beta = Client<typeof AppService>;

/** Every RPC of both services that names an object, as a call on given ids. */
const namedCalls = (v2: V2, beta: V2beta): Array<[string, (ids: Ids) => Promise<unknown>]> => [
  ["v2 CreateApplication", (ids) => v2.createApplication({ projectId: ids.projectId, name: "intruder", applicationType: { case: "apiConfiguration", value: {} } })],
  ["v2 UpdateApplication", (ids) => v2.updateApplication({ projectId: ids.projectId, applicationId: ids.appId, name: "intruder" })],
  ["v2 GetApplication", (ids) => v2.getApplication({ applicationId: ids.appId })],
  ["v2 DeleteApplication", (ids) => v2.deleteApplication({ projectId: ids.projectId, applicationId: ids.appId })],
  ["v2 DeactivateApplication", (ids) => v2.deactivateApplication({ projectId: ids.projectId, applicationId: ids.appId })],
  ["v2 ReactivateApplication", (ids) => v2.reactivateApplication({ projectId: ids.projectId, applicationId: ids.appId })],
  ["v2 GenerateClientSecret", (ids) => v2.generateClientSecret({ projectId: ids.projectId, applicationId: ids.appId })],
  ["v2 CreateApplicationKey", (ids) => v2.createApplicationKey({ projectId: ids.projectId, applicationId: ids.jwtAppId, expirationDate: later })],
  ["v2 DeleteApplicationKey", (ids) => v2.deleteApplicationKey({ projectId: ids.projectId, applicationId: ids.jwtAppId, keyId: ids.keyId })],
  ["v2 GetApplicationKey", (ids) => v2.getApplicationKey({ keyId: ids.keyId })],
  ["v2beta CreateApplication", (ids) => beta.createApplication({ projectId: ids.projectId, name: "intruder", creationRequestType: { case: "apiRequest", value: {} } })],
  ["v2beta UpdateApplication", (ids) => beta.updateApplication({ projectId: ids.projectId, id: ids.appId, name: "intruder" })],
  ["v2beta GetApplication", (ids) => beta.getApplication({ id: ids.appId })],
  ["v2beta DeleteApplication", (ids) => beta.deleteApplication({ projectId: ids.projectId, id: ids.appId })],
  ["v2beta DeactivateApplication", (ids) => beta.deactivateApplication({ projectId: ids.projectId, id: ids.appId })],
  ["v2beta ReactivateApplication", (ids) => beta.reactivateApplication({ projectId: ids.projectId, id: ids.appId })],
  ["v2beta RegenerateClientSecret", (ids) => beta.regenerateClientSecret({ projectId: ids.projectId, applicationId: ids.appId, appType: { case: "isApi", value: true } })],
  ["v2beta CreateApplicationKey", (ids) => beta.createApplicationKey({ projectId: ids.projectId, appId: ids.jwtAppId, expirationDate: later })],
  ["v2beta DeleteApplicationKey", (ids) => beta.deleteApplicationKey({ projectId: ids.projectId, applicationId: ids.jwtAppId, id: ids.keyId })],
  ["v2beta GetApplicationKey", (ids) => beta.getApplicationKey({ id: ids.keyId })],
];

/** The lists, as the ids they return. */
const listCalls = (v2: V2, beta: V2beta): Array<[string, (ids: Ids) => Promise<string[]>]> => [
  ["v2 ListApplications", async () => (await v2.listApplications({})).applications.map((a) => a.applicationId)],
  ["v2 ListApplications of B's project", async (ids) => (await v2.listApplications({ filters: [{ filter: { case: "projectIdFilter", value: { projectId: ids.projectId } } }] })).applications.map((a) => a.applicationId)],
  ["v2 ListApplicationKeys", async () => (await v2.listApplicationKeys({})).keys.map((k) => k.keyId)],
  ["v2 ListApplicationKeys of B's org", async (ids) => (await v2.listApplicationKeys({ filters: [{ filter: { case: "organizationIdFilter", value: { organizationId: ids.orgId } } }] })).keys.map((k) => k.keyId)],
  ["v2beta ListApplications", async (ids) => (await beta.listApplications({ projectId: ids.projectId })).applications.map((a) => a.id)],
  ["v2beta ListApplicationKeys", async (ids) => (await beta.listApplicationKeys({ resourceId: { case: "applicationId", value: ids.jwtAppId } })).keys.map((k) => k.id)],
];

async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "OK";
  } catch (error) {
    const e = ConnectError.from(error);
    return `${Code[e.code]}: ${e.rawMessage}`;
  }
}

describeEachBackend("v2 apps: tenant isolation, permissions and chosen ids", (backend) => {
  let keygate: TestKeygate;
  let transports: ReturnType<typeof v2Transports>;
  let victim: Ids;
  let orgA: string;
  let projectA: string;
  let attacker: { v2: V2; beta: V2beta };
  let viewer: { v2: V2; beta: V2beta };
  const clientsOf = (token: string) => ({
    v2: createClient(ApplicationService, transports.make("Connect binary", token)),
    beta: createClient(AppService, transports.make("gRPC-Web", token)),
  });

  beforeAll(async () => {
    keygate = await startTestKeygate(backend);
    transports = v2Transports(keygate.url);
    const admin = managementClient(keygate.url, keygate.adminToken);
    const orgB = (await admin.addOrg({ name: "victim" })).id;
    const adminB = managementClient(keygate.url, keygate.adminToken, orgB);
    const projectId = (await adminB.addProject({ name: "victim" })).id;
    const basic = await adminB.addAPIApp({ projectId, name: "victim-basic" });
    const jwt = await adminB.addAPIApp({ projectId, name: "victim-jwt", authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT });
    const key = await adminB.addAppKey({ projectId, appId: jwt.appId, type: KeyType.JSON });
    victim = { projectId, appId: basic.appId, jwtAppId: jwt.appId, keyId: key.id, orgId: orgB };
    viewer = clientsOf((await addOrgMemberUser(adminB, "viewer", ["ORG_OWNER_VIEWER"])).token);

    orgA = (await admin.addOrg({ name: "attacker" })).id;
    const adminA = managementClient(keygate.url, keygate.adminToken, orgA);
    projectA = (await adminA.addProject({ name: "attacker" })).id;
    attacker = clientsOf((await addOrgMemberUser(adminA, "attacker", ["ORG_OWNER", "PROJECT_OWNER_GLOBAL"])).token);
  }, 120_000);
  afterAll(async () => {
    transports?.close();
    await keygate?.dispose();
  });

  test("every RPC naming B's objects answers exactly as for objects that do not exist, and B's events stay as they were", async () => {
    const before = await eventCountOf(keygate, victim.orgId);
    for (const [name, call] of namedCalls(attacker.v2, attacker.beta)) {
      const onVictim = await outcome(call(victim));
      expect({ name, onVictim }).toEqual({ name, onVictim: await outcome(call(MISSING)) });
      expect({ name, refused: onVictim.startsWith("NotFound") || onVictim.startsWith("FailedPrecondition") }).toEqual({ name, refused: true });
    }
    expect(await eventCountOf(keygate, victim.orgId)).toBe(before);
  });

  test("lists never show B's apps or keys", async () => {
    for (const [name, list] of listCalls(attacker.v2, attacker.beta)) {
      const ids = await list(victim);
      expect({ name, leaked: ids.filter((id) => [victim.appId, victim.jwtAppId, victim.keyId].includes(id)) }).toEqual({ name, leaked: [] });
    }
  });

  test("a member of B without the permission is denied writes, and reads what a viewer may", async () => {
    const before = await eventCountOf(keygate, victim.orgId);
    for (const [name, call] of namedCalls(viewer.v2, viewer.beta)) {
      const answer = await outcome(call(victim));
      const isRead = /Get/.test(name);
      expect({ name, answer: isRead ? answer : answer.split(":")[0] }).toEqual({ name, answer: isRead ? "OK" : "PermissionDenied" });
    }
    expect(await eventCountOf(keygate, victim.orgId)).toBe(before);
    for (const [name, list] of listCalls(viewer.v2, viewer.beta)) {
      expect({ name, ids: (await list(victim)).length > 0 }).toEqual({ name, ids: true });
    }
  });

  test("a project removed after v2 named it answers as one that never existed", async () => {
    const adminA = managementClient(keygate.url, keygate.adminToken, orgA);
    const doomed = (await adminA.addProject({ name: "doomed" })).id;
    const create = (projectId: string) => outcome(attacker.v2.createApplication({ projectId, name: "late", applicationType: { case: "apiConfiguration", value: {} } }));
    expect(await create(doomed)).toBe("OK");
    await adminA.removeProject({ id: doomed });
    expect(await create(doomed)).toBe(await create(MISSING.projectId));
    expect(await create(doomed)).toBe("FailedPrecondition: Project not found (COMMAND-EbFMN)");
  });

  test("OIDC and SAML apps answer Unimplemented, saying that keygate serves API apps", async () => {
    const oidc = attacker.v2.createApplication({ projectId: projectA, name: "oidc", applicationType: { case: "oidcConfiguration", value: { redirectUris: ["https://a.example/cb"] } } });
    expect(await outcome(oidc)).toBe("Unimplemented: keygate serves API apps only: OIDC applications are not supported");
    const saml = attacker.beta.createApplication({ projectId: projectA, name: "saml", creationRequestType: { case: "samlRequest", value: { metadata: { case: "metadataUrl", value: "https://a.example/md" } } } });
    expect(await outcome(saml)).toBe("Unimplemented: keygate serves API apps only: SAML applications are not supported");
    const oidcSecret = attacker.beta.regenerateClientSecret({ projectId: projectA, applicationId: "1", appType: { case: "isOidc", value: true } });
    expect(await outcome(oidcSecret)).toBe("Unimplemented: keygate serves API apps only: OIDC applications are not supported");
  });

  test("a chosen id: created once however often it is sent, even concurrently; taken ids anywhere are refused", async () => {
    const chosen = "x".repeat(200);
    const create = (id: string, name: string) =>
      outcome(attacker.v2.createApplication({ projectId: projectA, applicationId: id, name, applicationType: { case: "apiConfiguration", value: {} } }));
    const answers = await Promise.all([1, 2, 3, 4, 5].map((i) => create(chosen, `concurrent-${i}`)));
    expect(answers.filter((a) => a === "OK")).toHaveLength(1);
    expect(answers.filter((a) => a === "AlreadyExists: Application already exists (V3-DKcYh)")).toHaveLength(4);
    const apps = await managementClient(keygate.url, keygate.adminToken, orgA).listApps({ projectId: projectA });
    expect(apps.result.filter((a) => a.id === chosen)).toHaveLength(1);

    expect(await create("y".repeat(201), "too-long")).toBe("InvalidArgument: invalid CreateApplicationRequest.ApplicationId: value length must be at most 200 runes");
    // Another org's app id (made by v1, never claimed) is taken too, and nothing else of it shows.
    expect(await create(victim.appId, "collide")).toBe("AlreadyExists: Application already exists (V3-DKcYh)");
    // A deleted app's chosen id stays taken: a late retry cannot bring a second app to life.
    await attacker.v2.deleteApplication({ projectId: projectA, applicationId: chosen });
    expect(await create(chosen, "after-delete")).toBe("AlreadyExists: Application already exists (V3-DKcYh)");
  });
});
