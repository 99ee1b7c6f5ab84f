/**
 * Tenant isolation, tested as an attack (issue 4, items 3 and 4; zitadel-api.md §2.3–2.5).
 *
 * Org B (the victim) has a project, a BASIC and a PRIVATE_KEY_JWT app, a key, and a service user with a
 * token and memberships. Callers of org A try every RPC keygate serves against B's objects: with no org
 * header, with `x-zitadel-orgid: A`, and with a forged `x-zitadel-orgid: B`, always naming B's real ids.
 * Every answer must be a refusal (or an empty list) that carries none of B's ids or names, and B's events
 * must not change. Callers that should not get in at all (deactivated or removed user, expired token,
 * removed membership) must be stopped by the interceptor on every RPC.
 *
 * Connect covers every method; gRPC, gRPC-Web and REST a representative subset through the same chain.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { toJsonString, type DescMethod, type JsonObject, type Message } from "@bufbuild/protobuf";
import { METHOD_PERMISSIONS } from "../../src/api/method-permissions.js";
import { APIAuthMethodType } from "../../src/gen/zitadel/app_pb.js";
import { KeyType } from "../../src/gen/zitadel/auth_n_key_pb.js";
import { attackedMethods, attackRequest, attackRequests, refusalCodes, victimMarkers, type Victim } from "../support/auth-attacks.js";
import { describeOutcome, protocolCaller, type CallOutcome, type Credentials, type Protocol, type ProtocolCaller } from "../support/auth-calls.js";
import { addOrgMemberUser, addProjectMemberUser, addServiceUser, eventCountOf, projectionRowsOf, uniqueName } from "../support/auth-fixtures.js";
import { describeEachBackend } from "../support/backends.js";
import { startTestKeygate, type TestKeygate } from "../support/keygate-server.js";
import { managementClient } from "../support/management-client.js";
import { testClock } from "../support/test-clock.js";

/** The subset run over gRPC, gRPC-Web and REST: reads, writes, a delete, the key methods and service user credentials. */
const PROTOCOL_SUBSET = ["GetAppByID", "ListApps", "UpdateApp", "RemoveApp", "AddAppKey", "GetAppKey", "GenerateMachineSecret", "AddMachineKey", "GetMachineKeyByIDs"];

/** Setting up two orgs and eleven users takes a while on the embedded database of a busy machine. */
const SETUP_TIMEOUT = 180_000;
const MINUTE = 60_000;

type Context = "no header" | "x-zitadel-orgid: A" | "forged x-zitadel-orgid: B";

/** How a caller is expected to be answered. */
type Expectation =
  /** Passes the interceptor in its own org: every attack on B is refused (or an empty list). */
  | { kind: "refused" }
  /** Stopped by the interceptor on every RPC with exactly this error. */
  | { kind: "stopped"; code: string; message: string };

const MEMBERSHIP_NOT_FOUND: Expectation = { kind: "stopped", code: "NotFound", message: "membership not found (AUTHZ-cdgFk)" };
const TOKEN_INVALID: Expectation = { kind: "stopped", code: "Unauthenticated", message: "Errors.Token.Invalid (AUTH-7fs1e)" };

interface AttackerSpec {
  label: string;
  contexts: Context[];
  /** The expectation in A's context; a forged B context is always "membership not found" (or the same stop). */
  inOwnOrg: Expectation;
}

const ALL_CONTEXTS: Context[] = ["no header", "x-zitadel-orgid: A", "forged x-zitadel-orgid: B"];

const ATTACKERS: AttackerSpec[] = [
  { label: "ORG_OWNER of A", contexts: ALL_CONTEXTS, inOwnOrg: { kind: "refused" } },
  { label: "ORG_OWNER_VIEWER of A", contexts: ALL_CONTEXTS, inOwnOrg: { kind: "refused" } },
  { label: "PROJECT_OWNER of a project of A", contexts: ALL_CONTEXTS, inOwnOrg: { kind: "refused" } },
  // An instance role legitimately reaches B with x-zitadel-orgid: B, so only its other contexts are attacks.
  { label: "IAM_OWNER", contexts: ["no header", "x-zitadel-orgid: A"], inOwnOrg: { kind: "refused" } },
  { label: "deactivated ORG_OWNER of A", contexts: ["no header", "forged x-zitadel-orgid: B"], inOwnOrg: TOKEN_INVALID },
  { label: "removed ORG_OWNER of A", contexts: ["no header", "forged x-zitadel-orgid: B"], inOwnOrg: TOKEN_INVALID },
  { label: "ORG_OWNER of A with an expired token", contexts: ["no header", "forged x-zitadel-orgid: B"], inOwnOrg: TOKEN_INVALID },
  { label: "former ORG_OWNER of A (membership removed)", contexts: ["no header", "forged x-zitadel-orgid: B"], inOwnOrg: MEMBERSHIP_NOT_FOUND },
];

const expectationFor = (attacker: AttackerSpec, context: Context): Expectation =>
  context === "forged x-zitadel-orgid: B" && attacker.inOwnOrg.kind === "refused" ? MEMBERSHIP_NOT_FOUND : attacker.inOwnOrg;

describeEachBackend("tenant isolation under attack", (backend) => {
  let keygate: TestKeygate;
  let orgA: string;
  let victim: Victim;
  let markers: string[];
  let victimEventsBefore: number;
  /** B's event count as last seen, so that each change is reported once, at the call that made it. */
  let victimEventsSeen: number;
  let victimRowsBefore: string[];
  const tokens = new Map<string, string>();
  const callers = new Map<Protocol, ProtocolCaller>();
  const clock = testClock();

  beforeAll(async () => {
    keygate = await startTestKeygate(backend, {}, undefined, { now: clock.now });
    const admin = managementClient(keygate.url, keygate.adminToken);
    tokens.set("IAM_OWNER", keygate.adminToken);

    // The victim, org B, set up by the instance admin.
    const orgName = uniqueName("victim-org");
    const orgB = (await admin.addOrg({ name: orgName })).id;
    const adminB = managementClient(keygate.url, keygate.adminToken, orgB);
    const projectName = uniqueName("victim-project");
    const projectId = (await adminB.addProject({ name: projectName })).id;
    const basicAppName = uniqueName("victim-basic-app");
    const basic = await adminB.addAPIApp({ projectId, name: basicAppName });
    const jwtAppName = uniqueName("victim-jwt-app");
    const jwt = await adminB.addAPIApp({ projectId, name: jwtAppName, authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT });
    const key = await adminB.addAppKey({ projectId, appId: jwt.appId, type: KeyType.JSON });
    const roleKey = uniqueName("victim-role");
    await adminB.addProjectRole({ projectId, roleKey, displayName: uniqueName("victim-role-name") });
    const victimUser = await addOrgMemberUser(adminB, "victim-user", ["ORG_OWNER"]);
    await adminB.addProjectMember({ projectId, userId: victimUser.userId, roles: ["PROJECT_OWNER"] });
    const machineKey = await adminB.addMachineKey({ userId: victimUser.userId, type: KeyType.JSON });
    const secret = await adminB.generateMachineSecret({ userId: victimUser.userId });
    victim = {
      orgId: orgB,
      orgName,
      projectId,
      projectName,
      roleKey,
      basicAppId: basic.appId,
      basicAppName,
      basicClientId: basic.clientId,
      jwtAppId: jwt.appId,
      jwtAppName,
      jwtClientId: jwt.clientId,
      keyId: key.id,
      userId: victimUser.userId,
      userName: victimUser.userName,
      tokenId: victimUser.tokenId,
      token: victimUser.token,
      machineKeyId: machineKey.keyId,
      clientSecret: secret.clientSecret,
    };
    markers = victimMarkers(victim);

    // The attackers, in org A.
    orgA = (await admin.addOrg({ name: uniqueName("attacker-org") })).id;
    const adminA = managementClient(keygate.url, keygate.adminToken, orgA);
    const projectA = (await adminA.addProject({ name: uniqueName("attacker-project") })).id;
    await adminA.addAPIApp({ projectId: projectA, name: uniqueName("attacker-app") });
    tokens.set("ORG_OWNER of A", (await addOrgMemberUser(adminA, "owner", ["ORG_OWNER"])).token);
    tokens.set("ORG_OWNER_VIEWER of A", (await addOrgMemberUser(adminA, "viewer", ["ORG_OWNER_VIEWER"])).token);
    tokens.set("PROJECT_OWNER of a project of A", (await addProjectMemberUser(adminA, "project-owner", projectA, ["PROJECT_OWNER"])).token);

    const deactivated = await addOrgMemberUser(adminA, "deactivated", ["ORG_OWNER"]);
    await adminA.deactivateUser({ id: deactivated.userId });
    tokens.set("deactivated ORG_OWNER of A", deactivated.token);
    const removed = await addOrgMemberUser(adminA, "removed", ["ORG_OWNER"]);
    await adminA.removeUser({ id: removed.userId });
    tokens.set("removed ORG_OWNER of A", removed.token);
    const expiring = await addServiceUser(adminA, "expiring", { expiresAt: new Date(Date.now() + MINUTE) });
    await adminA.addOrgMember({ userId: expiring.userId, roles: ["ORG_OWNER"] });
    tokens.set("ORG_OWNER of A with an expired token", expiring.token);
    const former = await addOrgMemberUser(adminA, "former", ["ORG_OWNER"]);
    await adminA.removeOrgMember({ userId: former.userId });
    tokens.set("former ORG_OWNER of A (membership removed)", former.token);

    for (const protocol of ["Connect", "gRPC", "gRPC-Web", "REST"] as const) callers.set(protocol, protocolCaller(protocol, keygate.url));
    victimEventsBefore = await eventCountOf(keygate, orgB);
    victimEventsSeen = victimEventsBefore;
    victimRowsBefore = await projectionRowsOf(keygate, orgB);
    // Every test runs past the expiring token's expiry, by keygate's clock.
    clock.advance(2 * MINUTE);
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    for (const caller of callers.values()) caller.close();
    await keygate?.dispose();
  });

  const orgHeader = (context: Context): string | undefined =>
    context === "x-zitadel-orgid: A" ? orgA : context === "forged x-zitadel-orgid: B" ? victim.orgId : undefined;

  const serialized = (method: DescMethod, request: Message) => toJsonString(method.input, request);

  /** What is wrong with one answer, or undefined. */
  async function violation(method: DescMethod, request: Message, outcome: CallOutcome, expectation: Expectation): Promise<string | undefined> {
    const leaked = markers.filter((marker) => JSON.stringify(outcome).includes(marker));
    if (leaked.length > 0) return `answer contains B's data ${leaked.join(", ")}`;
    const victimEvents = await eventCountOf(keygate, victim.orgId);
    if (victimEvents !== victimEventsSeen) {
      victimEventsSeen = victimEvents;
      return "B's events changed";
    }
    if (expectation.kind === "stopped") {
      if (outcome.ok || outcome.code !== expectation.code || outcome.message !== expectation.message) return `expected ${expectation.code} "${expectation.message}"`;
      return undefined;
    }
    const targetsVictim = markers.some((marker) => serialized(method, request).includes(marker));
    if (!targetsVictim) {
      // Requests that name nothing of B (AddProject, GetMyOrg, ListProjects, ...) act in A's context: any
      // sound answer will do, as long as it carries nothing of B (checked above).
      return !outcome.ok && ["Internal", "Unknown", "Unimplemented"].includes(outcome.code) ? "failed unexpectedly" : undefined;
    }
    if (outcome.ok) {
      const result = outcome.json.result as JsonObject[] | undefined;
      return method.name.startsWith("List") && (result === undefined || result.length === 0) ? undefined : "answered OK to a request on B's objects";
    }
    const allowed = refusalCodes(method);
    return allowed.includes(outcome.code) ? undefined : `expected one of ${allowed.join(", ")}`;
  }

  /** Every attack request of `methods` with one token and org header; the problems found. */
  async function runAttacks(protocol: Protocol, methods: DescMethod[], credentials: Credentials, expectation: Expectation): Promise<string[]> {
    const caller = callers.get(protocol)!;
    const problems: string[] = [];
    for (const method of methods) {
      for (const request of attackRequests(method, victim)) {
        const outcome = await caller.call(method, request, credentials);
        const problem = await violation(method, request, outcome, expectation);
        if (problem) problems.push(`${method.name} ${serialized(method, request)} → ${describeOutcome(outcome)}: ${problem}`);
      }
    }
    return problems;
  }

  function credentialsOf(attacker: AttackerSpec, context: Context): Credentials {
    const orgId = orgHeader(context);
    return { token: tokens.get(attacker.label)!, ...(orgId === undefined ? {} : { orgId }) };
  }

  test("control: the attack requests name B's real objects (B's own ORG_OWNER reads them through the same requests)", async () => {
    const reads = attackedMethods.filter((m) => /^(Get|List)/.test(m.name) && markers.some((marker) => serialized(m, attackRequest(m, victim)).includes(marker)));
    expect(reads.map((m) => m.name)).toEqual(
      expect.arrayContaining([
        "GetAppByID",
        "ListApps",
        "GetAppKey",
        "ListAppKeys",
        "GetProjectByID",
        "GetUserByID",
        "ListProjectMembers",
        "ListUserMemberships",
        "GetMachineKeyByIDs",
        "ListMachineKeys",
      ]),
    );
    const connect = callers.get("Connect")!;
    const misses: string[] = [];
    for (const method of reads) {
      const outcome = await connect.call(method, attackRequest(method, victim), { token: victim.token });
      const found = outcome.ok && markers.some((marker) => JSON.stringify(outcome.json.result ?? outcome.json).includes(marker));
      if (!found) misses.push(`${method.name} → ${describeOutcome(outcome)}`);
    }
    expect(misses).toEqual([]);
  });

  test("control: every RPC that names B's objects is attacked, and every RPC keygate serves is in the matrix", () => {
    const served = Object.entries(METHOD_PERMISSIONS).filter(([, permission]) => permission !== "none").map(([name]) => name);
    expect(attackedMethods.map((m) => m.name).sort()).toEqual(served.sort());
    const untargeted = attackedMethods.filter((m) => !markers.some((marker) => serialized(m, attackRequest(m, victim)).includes(marker))).map((m) => m.name);
    // These act on the caller's org context only; with a forged header B they are attacks too.
    expect(untargeted.sort()).toEqual(["AddOrg", "AddProject", "GetMyOrg", "ListOrgMemberRoles", "ListOrgMembers", "ListProjectMemberRoles", "ListProjects", "ListUsers"].sort());
  });

  test("control: the matrix flags a caller that does reach B (B's own ORG_OWNER, read RPCs only)", async () => {
    const reads = attackedMethods.filter((m) => ["GetAppByID", "ListApps", "GetAppKey", "GetUserByID"].includes(m.name));
    const problems = await runAttacks("Connect", reads, { token: victim.token }, { kind: "refused" });
    expect(problems).toHaveLength(reads.length + 1); // ListApps has an extra attack by name
    for (const problem of problems) expect(problem).toMatch(/answer contains B's data/);
  });

  /** One test per attacker and org context, each trying `methods` (all their attack requests) over `protocol`. */
  function attackTests(protocol: Protocol, methodNames: string[] | "all"): void {
    const methods = methodNames === "all" ? attackedMethods : attackedMethods.filter((m) => methodNames.includes(m.name));
    for (const attacker of ATTACKERS) {
      for (const context of attacker.contexts) {
        const expectation = expectationFor(attacker, context);
        const outcome = expectation.kind === "refused" ? "refused, no data of B" : `${expectation.code} "${expectation.message}"`;
        test(`${attacker.label}, ${context} → ${outcome}`, async () => {
          if (methodNames !== "all") expect(methods.map((m) => m.name).sort()).toEqual([...methodNames].sort());
          expect(await runAttacks(protocol, methods, credentialsOf(attacker, context), expectation)).toEqual([]);
        });
      }
    }
  }

  describe("Connect, every RPC", () => attackTests("Connect", "all"));
  describe("gRPC, representative RPCs", () => attackTests("gRPC", PROTOCOL_SUBSET));
  describe("gRPC-Web, representative RPCs", () => attackTests("gRPC-Web", PROTOCOL_SUBSET));
  describe("REST, representative RPCs", () => attackTests("REST", PROTOCOL_SUBSET));

  describe("afterwards", () => {
    test("B is unchanged: same events, same rows, and B's own user still reaches its objects", async () => {
      expect(await eventCountOf(keygate, victim.orgId)).toBe(victimEventsBefore);
      expect(await projectionRowsOf(keygate, victim.orgId)).toEqual(victimRowsBefore);
      const owner = managementClient(keygate.url, victim.token);
      expect((await owner.getAppByID({ projectId: victim.projectId, appId: victim.basicAppId })).app?.name).toBe(victim.basicAppName);
      expect((await owner.getAppKey({ projectId: victim.projectId, appId: victim.jwtAppId, keyId: victim.keyId })).key?.id).toBe(victim.keyId);
    });
  });
});
