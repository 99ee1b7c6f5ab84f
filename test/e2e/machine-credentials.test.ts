/**
 * Service users' OAuth credentials in the v1 API (issue 13, item 1): GenerateMachineSecret /
 * RemoveMachineSecret, AddMachineKey / ListMachineKeys / GetMachineKeyByIDs / RemoveMachineKey,
 * UpdateMachine and AddMachineUser's accessTokenType, as ZITADEL serves them, on all four protocols,
 * with every refusal.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { create, type DescMethod, type JsonObject, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import { verifySecret } from "../../src/domain/secrets.js";
import { KeyType } from "../../src/gen/zitadel/auth_n_key_pb.js";
import { ManagementService } from "../../src/gen/zitadel/management_pb.js";
import { AccessTokenType } from "../../src/gen/zitadel/user_pb.js";
import { addOrgMemberUser, uniqueName } from "../support/auth-fixtures.js";
import { describeOutcome, protocolCaller, type CallOutcome, type Protocol, type ProtocolCaller } from "../support/auth-calls.js";
import { describeEachBackend } from "../support/backends.js";
import { expectError } from "../support/expect-error.js";
import { startTestKeygate, type TestKeygate } from "../support/keygate-server.js";
import { managementClient, type ManagementClient } from "../support/management-client.js";
import { snapshot } from "../support/projection-snapshot.js";

const PROTOCOLS: Protocol[] = ["Connect", "gRPC", "gRPC-Web", "REST"];
const NO_EXPIRATION = "9999-12-31T23:59:59Z";
const SECRET = /^[A-Za-z0-9]{64}$/;

type MethodName = keyof typeof ManagementService.method;
const methodOf = (name: MethodName): DescMethod => ManagementService.method[name] as DescMethod;

interface KeyFile {
  type: string;
  keyId: string;
  key: string;
  userId: string;
}
const keyFileOf = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes)) as KeyFile;

describeEachBackend("service user credentials (v1)", (backend) => {
  let keygate: TestKeygate;
  let orgId: string;
  /** The instance admin acting in the test org. */
  let admin: ManagementClient;
  let adminToken: string;
  const callers = new Map<Protocol, ProtocolCaller>();

  beforeAll(async () => {
    keygate = await startTestKeygate(backend);
    adminToken = keygate.adminToken;
    orgId = (await managementClient(keygate.url, adminToken).addOrg({ name: uniqueName("credentials-org") })).id;
    admin = managementClient(keygate.url, adminToken, orgId);
    for (const protocol of PROTOCOLS) callers.set(protocol, protocolCaller(protocol, keygate.url));
  });
  afterAll(async () => {
    for (const caller of callers.values()) caller.close();
    await keygate?.dispose();
  });

  const db = () => keygate.store.db;
  const addUser = async (prefix = "svc", accessTokenType?: AccessTokenType) => {
    const userName = uniqueName(prefix);
    const { userId } = await admin.addMachineUser({ userName, name: userName, ...(accessTokenType === undefined ? {} : { accessTokenType }) });
    return { userId, userName };
  };
  const eventsOf = (userId: string) => db().selectFrom("events2").selectAll().where("aggregate_id", "=", userId).orderBy("sequence").execute();
  const lastEventOf = async (userId: string) => (await eventsOf(userId)).at(-1)!;
  const eventCount = async () => Number((await db().selectFrom("events2").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n);

  /** Calls `name` over `protocol` as the admin in the test org; fails the test with the answer when it is a refusal. */
  async function call<M extends MethodName>(protocol: Protocol, name: M, request: MessageInitShape<(typeof ManagementService.method)[M]["input"]>): Promise<JsonObject> {
    const method = methodOf(name);
    const outcome = await callers.get(protocol)!.call(method, create(method.input, request as never), { token: adminToken, orgId });
    if (!outcome.ok) throw new Error(`${name} over ${protocol}: ${describeOutcome(outcome)}`);
    return outcome.json;
  }
  async function refusal<M extends MethodName>(
    protocol: Protocol,
    name: M,
    request: MessageInitShape<(typeof ManagementService.method)[M]["input"]>,
    token = adminToken,
  ): Promise<Extract<CallOutcome, { ok: false }>> {
    const method = methodOf(name);
    const outcome = await callers.get(protocol)!.call(method, create(method.input, request as never), { token, orgId });
    if (outcome.ok) throw new Error(`${name} over ${protocol} answered OK: ${describeOutcome(outcome)}`);
    return outcome;
  }

  describe.each(PROTOCOLS)("over %s", (protocol) => {
    test("GenerateMachineSecret: the user name as client id and a fresh 64-character secret, once, with add details; the event and the row hold only its hash", async () => {
      const { userId, userName } = await addUser();
      const res = await call(protocol, "generateMachineSecret", { userId });
      expect(Object.keys(res).sort()).toEqual(["clientId", "clientSecret", "details"]);
      expect(res.clientId).toBe(userName);
      expect(res.clientSecret).toMatch(SECRET);
      const event = await lastEventOf(userId);
      expect(event.event_type).toBe("user.machine.secret.set");
      expect(Object.keys(event.payload as object)).toEqual(["hashedSecret"]);
      const hash = (event.payload as { hashedSecret: string }).hashedSecret;
      expect(await verifySecret(res.clientSecret as string, hash)).toBe(true);
      expect(res.details).toEqual({ sequence: String(event.sequence), creationDate: expect.any(String), resourceOwner: orgId });
      const row = await db().selectFrom("users").select("secret_hash").where("id", "=", userId).executeTakeFirstOrThrow();
      expect(row.secret_hash).toBe(hash);

      const again = await call(protocol, "generateMachineSecret", { userId });
      expect(again.clientSecret).not.toBe(res.clientSecret);
    });

    test("RemoveMachineSecret: change details, user.machine.secret.removed, hasSecret false again", async () => {
      const { userId } = await addUser();
      await call(protocol, "generateMachineSecret", { userId });
      expect(((await call(protocol, "getUserByID", { id: userId })).user as JsonObject).machine).toMatchObject({ hasSecret: true });
      const res = await call(protocol, "removeMachineSecret", { userId });
      const event = await lastEventOf(userId);
      expect(event.event_type).toBe("user.machine.secret.removed");
      expect(event.payload).toBeNull();
      expect(res.details).toEqual({ sequence: String(event.sequence), changeDate: expect.any(String), resourceOwner: orgId });
      expect(((await call(protocol, "getUserByID", { id: userId })).user as JsonObject).machine).not.toHaveProperty("hasSecret");
      const refused = await refusal(protocol, "removeMachineSecret", { userId });
      expect([refused.code, refused.message, refused.errorId]).toEqual(["FailedPrecondition", "Secret doesn't exist (COMMAND-coi82n)", "COMMAND-coi82n"]);
    });

    test("AddMachineKey: a key file with a 2048-bit private key that matches the stored public key, once; Get and List show metadata only; RemoveMachineKey removes it", async () => {
      const { userId } = await addUser();
      const res = await call(protocol, "addMachineKey", { userId, type: KeyType.JSON });
      expect(Object.keys(res).sort()).toEqual(["details", "keyDetails", "keyId"]);
      const file = keyFileOf(Buffer.from(res.keyDetails as string, "base64"));
      expect(Object.keys(file)).toEqual(["type", "keyId", "key", "userId"]);
      expect(file).toMatchObject({ type: "serviceaccount", keyId: res.keyId, userId });
      const privateKey = createPrivateKey(file.key);
      expect(privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);

      const event = await lastEventOf(userId);
      expect(event.event_type).toBe("user.machine.key.added");
      expect(res.details).toEqual({ sequence: String(event.sequence), creationDate: expect.any(String), resourceOwner: orgId });
      const stored = await db().selectFrom("machine_keys").selectAll().where("id", "=", res.keyId as string).executeTakeFirstOrThrow();
      expect(event.payload).toEqual({ keyId: res.keyId, type: 1, expirationDate: "9999-12-31T23:59:59.000Z", publicKey: stored.public_key });
      const publicPem = Buffer.from(stored.public_key, "base64").toString("utf8");
      const assertion = Buffer.from("eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0");
      expect(verify("sha256", assertion, publicPem, sign("sha256", assertion, privateKey))).toBe(true);

      const got = (await call(protocol, "getMachineKeyByIDs", { userId, keyId: res.keyId as string })).key as JsonObject;
      expect(got).toEqual({
        id: res.keyId,
        type: "KEY_TYPE_JSON",
        expirationDate: NO_EXPIRATION,
        details: { sequence: String(event.sequence), creationDate: expect.any(String), changeDate: expect.any(String), resourceOwner: orgId },
      });
      const listed = await call(protocol, "listMachineKeys", { userId });
      expect((listed.result as JsonObject[]).map((key) => key.id)).toEqual([res.keyId]);
      expect(listed.details).toMatchObject({ totalResult: "1", processedSequence: String(event.sequence) });
      expect(JSON.stringify([got, listed])).not.toMatch(/PRIVATE|PUBLIC KEY|LS0t/);

      const removed = await call(protocol, "removeMachineKey", { userId, keyId: res.keyId as string });
      const removedEvent = await lastEventOf(userId);
      expect([removedEvent.event_type, removedEvent.payload]).toEqual(["user.machine.key.removed", { keyId: res.keyId }]);
      expect(removed.details).toEqual({ sequence: String(removedEvent.sequence), changeDate: expect.any(String), resourceOwner: orgId });
      expect((await call(protocol, "listMachineKeys", { userId })).result ?? []).toEqual([]);
      const gone = await refusal(protocol, "getMachineKeyByIDs", { userId, keyId: res.keyId as string });
      expect([gone.code, gone.message]).toEqual(["NotFound", "Errors.AuthNKey.NotFound (QUERY-Dgr3g)"]);
    });

    test("AddMachineUser's accessTokenType and UpdateMachine: GetUserByID and ListUsers show it; BEARER is the default", async () => {
      const jwtUser = await addUser("jwt", AccessTokenType.JWT);
      const bearerUser = await addUser("bearer");
      const machineOf = async (userId: string) => ((await call(protocol, "getUserByID", { id: userId })).user as JsonObject).machine as JsonObject;
      expect(await machineOf(jwtUser.userId)).toMatchObject({ accessTokenType: "ACCESS_TOKEN_TYPE_JWT" });
      // proto3 JSON leaves the default out: ZITADEL's BEARER reads as absent.
      expect(await machineOf(bearerUser.userId)).not.toHaveProperty("accessTokenType");
      const listed = await call(protocol, "listUsers", { queries: [{ query: { case: "inUserIdsQuery", value: { userIds: [jwtUser.userId] } } }] });
      expect(((listed.result as JsonObject[])[0]!.machine as JsonObject).accessTokenType).toBe("ACCESS_TOKEN_TYPE_JWT");

      const res = await call(protocol, "updateMachine", { userId: bearerUser.userId, name: "renamed", description: "d", accessTokenType: AccessTokenType.JWT });
      const event = await lastEventOf(bearerUser.userId);
      expect([event.event_type, event.payload]).toEqual(["user.machine.changed", { name: "renamed", description: "d", accessTokenType: 1 }]);
      expect(res.details).toEqual({ sequence: String(event.sequence), changeDate: expect.any(String), resourceOwner: orgId });
      expect(await machineOf(bearerUser.userId)).toEqual({ name: "renamed", description: "d", accessTokenType: "ACCESS_TOKEN_TYPE_JWT" });
      await call(protocol, "updateMachine", { userId: bearerUser.userId, name: "renamed", description: "d", accessTokenType: AccessTokenType.BEARER });
      expect((await lastEventOf(bearerUser.userId)).payload).toEqual({ accessTokenType: 0 });
    });
  });

  describe("the secret and the private key are never readable again", () => {
    test("no read, event or projection holds the secret; the hash never leaves the store", async () => {
      const { userId } = await addUser();
      const { clientSecret } = await admin.generateMachineSecret({ userId });
      const hash = (await db().selectFrom("users").select("secret_hash").where("id", "=", userId).executeTakeFirstOrThrow()).secret_hash!;
      const reads = JSON.stringify([
        await call("REST", "getUserByID", { id: userId }),
        await call("Connect", "listUsers", {}),
        await call("REST", "listMachineKeys", { userId }),
      ]);
      expect(reads).not.toContain(clientSecret);
      expect(reads).not.toContain(hash);
      const events = JSON.stringify(await db().selectFrom("events2").select("payload").execute());
      const projections = JSON.stringify(await snapshot(keygate.store));
      expect(events).not.toContain(clientSecret);
      expect(projections).not.toContain(clientSecret);
    });

    test("no event or projection holds a key file's private key", async () => {
      const { userId } = await addUser();
      const file = keyFileOf((await admin.addMachineKey({ userId, type: KeyType.JSON })).keyDetails);
      const body = file.key.split("\n").filter((line) => line && !line.startsWith("-----"));
      for (const haystack of [JSON.stringify(await db().selectFrom("events2").select("payload").execute()), JSON.stringify(await snapshot(keygate.store))]) {
        expect(haystack).not.toContain("PRIVATE KEY");
        for (const line of body) expect(haystack).not.toContain(line);
      }
    });
  });

  describe("AddMachineKey with the caller's own public key", () => {
    test("an RSA public key is stored as given and no key file is returned", async () => {
      const { userId } = await addUser();
      const own = generateKeyPairSync("rsa", { modulusLength: 2048 });
      const pem = own.publicKey.export({ type: "spki", format: "pem" }) as string;
      const expiration = new Date(Math.floor(Date.now() / 1000) * 1000 + 86_400_000);
      const res = await admin.addMachineKey({ userId, type: KeyType.JSON, publicKey: new TextEncoder().encode(pem), expirationDate: timestampFromDate(expiration) });
      expect(res.keyDetails).toHaveLength(0);
      const stored = await db().selectFrom("machine_keys").selectAll().where("id", "=", res.keyId).executeTakeFirstOrThrow();
      expect(Buffer.from(stored.public_key, "base64").toString("utf8")).toBe(pem);
      expect(stored.expiration.toISOString()).toBe(expiration.toISOString());
      expect(createPublicKey(pem).equals(own.publicKey)).toBe(true);
    });

    test.each([
      ["not a key", "hello"],
      ["an EC public key", generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "pem" }) as string],
      ["an RSA private key", generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ type: "pkcs1", format: "pem" }) as string],
    ])("%s → InvalidArgument COMMAND-5F3h1, nothing appended", async (_name, pem) => {
      const { userId } = await addUser();
      const before = await eventCount();
      await expectError(
        admin.addMachineKey({ userId, type: KeyType.JSON, publicKey: new TextEncoder().encode(pem) }),
        Code.InvalidArgument,
        "Public key is not a valid RSA public key in PKIX format with PEM encoding (COMMAND-5F3h1)",
        "COMMAND-5F3h1",
      );
      expect(await eventCount()).toBe(before);
    });
  });

  describe("refusals (nothing appended)", () => {
    /** Expects the call to be refused as given over every protocol, appending no event. */
    async function expectRefusedEverywhere<M extends MethodName>(
      name: M,
      request: MessageInitShape<(typeof ManagementService.method)[M]["input"]>,
      expected: { code: string; message: string; errorId?: string },
      token = adminToken,
      protocols = PROTOCOLS,
    ): Promise<void> {
      const before = await eventCount();
      for (const protocol of protocols) {
        const outcome = await refusal(protocol, name, request, token);
        expect({ protocol, code: outcome.code, message: outcome.message, ...(expected.errorId ? { errorId: outcome.errorId } : {}) }).toEqual({ protocol, ...expected });
      }
      expect(await eventCount()).toBe(before);
    }

    const userNotFound = (id: string) => ({ code: "NotFound", message: `User could not be found (${id})`, errorId: id });

    test("an unknown user: NotFound on every write; GetMachineKeyByIDs NotFound; ListMachineKeys empty", async () => {
      await expectRefusedEverywhere("generateMachineSecret", { userId: "4711" }, userNotFound("COMMAND-x8910n"));
      await expectRefusedEverywhere("removeMachineSecret", { userId: "4711" }, userNotFound("COMMAND-x7s802"));
      await expectRefusedEverywhere("addMachineKey", { userId: "4711", type: KeyType.JSON }, userNotFound("COMMAND-bnipwm1"));
      await expectRefusedEverywhere("removeMachineKey", { userId: "4711", keyId: "4712" }, { code: "NotFound", message: "Machine key not found (COMMAND-4m77G)", errorId: "COMMAND-4m77G" });
      await expectRefusedEverywhere("updateMachine", { userId: "4711", name: "x" }, userNotFound("COMMAND-5M0od"));
      await expectRefusedEverywhere("getMachineKeyByIDs", { userId: "4711", keyId: "4712" }, { code: "NotFound", message: "Errors.AuthNKey.NotFound (QUERY-Dgr3g)" });
      expect((await admin.listMachineKeys({ userId: "4711" })).result).toEqual([]);
    });

    test("a user and key of another org are as unknown, even with that org's real ids; the other org is unchanged", async () => {
      const otherOrg = (await managementClient(keygate.url, adminToken).addOrg({ name: uniqueName("other-org") })).id;
      const other = managementClient(keygate.url, adminToken, otherOrg);
      const { userId } = await other.addMachineUser({ userName: uniqueName("theirs"), name: "theirs" });
      const { keyId } = await other.addMachineKey({ userId, type: KeyType.JSON });
      await other.generateMachineSecret({ userId });
      await expectRefusedEverywhere("generateMachineSecret", { userId }, userNotFound("COMMAND-x8910n"));
      await expectRefusedEverywhere("removeMachineSecret", { userId }, userNotFound("COMMAND-x7s802"));
      await expectRefusedEverywhere("addMachineKey", { userId, type: KeyType.JSON }, userNotFound("COMMAND-bnipwm1"));
      await expectRefusedEverywhere("removeMachineKey", { userId, keyId }, { code: "NotFound", message: "Machine key not found (COMMAND-4m77G)", errorId: "COMMAND-4m77G" });
      await expectRefusedEverywhere("updateMachine", { userId, name: "mine now", accessTokenType: AccessTokenType.JWT }, userNotFound("COMMAND-5M0od"));
      await expectRefusedEverywhere("getMachineKeyByIDs", { userId, keyId }, { code: "NotFound", message: "Errors.AuthNKey.NotFound (QUERY-Dgr3g)" });
      expect((await admin.listMachineKeys({ userId })).result).toEqual([]);
      expect((await other.listMachineKeys({ userId })).result.map((key) => key.id)).toEqual([keyId]);
      expect((await other.getUserByID({ id: userId })).user?.type.value).toMatchObject({ name: "theirs", hasSecret: true });
    });

    test("permissions: user.read lets ORG_OWNER_VIEWER read keys but not write; a caller without a membership in the org is refused", async () => {
      const viewer = await addOrgMemberUser(admin, "viewer", ["ORG_OWNER_VIEWER"]);
      const { userId } = await addUser();
      const { keyId } = await admin.addMachineKey({ userId, type: KeyType.JSON });
      const denied = { code: "PermissionDenied", message: "No matching permissions found (AUTH-5mWD2)" };
      await expectRefusedEverywhere("generateMachineSecret", { userId }, denied, viewer.token);
      await expectRefusedEverywhere("removeMachineSecret", { userId }, denied, viewer.token);
      await expectRefusedEverywhere("addMachineKey", { userId, type: KeyType.JSON }, denied, viewer.token);
      await expectRefusedEverywhere("removeMachineKey", { userId, keyId }, denied, viewer.token);
      await expectRefusedEverywhere("updateMachine", { userId, name: "x" }, denied, viewer.token);
      const asViewer = managementClient(keygate.url, viewer.token);
      expect((await asViewer.getMachineKeyByIDs({ userId, keyId })).key?.id).toBe(keyId);
      expect((await asViewer.listMachineKeys({ userId })).result.map((key) => key.id)).toEqual([keyId]);

      const { token: outsider } = await addOrgMemberUser(managementClient(keygate.url, adminToken, (await managementClient(keygate.url, adminToken).addOrg({ name: uniqueName("outsider-org") })).id), "outsider", ["ORG_OWNER"]);
      await expectRefusedEverywhere("listMachineKeys", { userId }, { code: "NotFound", message: "membership not found (AUTHZ-cdgFk)" }, outsider);
    });

    test("an expiration in the past → InvalidArgument DOMAIN-dv3t5", async () => {
      const { userId } = await addUser();
      await expectRefusedEverywhere(
        "addMachineKey",
        { userId, type: KeyType.JSON, expirationDate: timestampFromDate(new Date(Date.now() - 60_000)) },
        { code: "InvalidArgument", message: "Errors.AuthNKey.ExpireBeforeNow (DOMAIN-dv3t5)", errorId: "DOMAIN-dv3t5" },
      );
    });

    test("bad input → InvalidArgument as ZITADEL's validation words it", async () => {
      const { userId } = await addUser();
      const invalid = (message: string) => ({ code: "InvalidArgument", message });
      await expectRefusedEverywhere("addMachineKey", { userId, type: KeyType.UNSPECIFIED }, invalid("invalid AddMachineKeyRequest.Type: value must not be in list [0]"));
      // REST cannot name an empty path segment: `PUT /users//secret` matches no route (404, as grpc-gateway).
      const withBody: Protocol[] = ["Connect", "gRPC", "gRPC-Web"];
      await expectRefusedEverywhere("generateMachineSecret", { userId: "" }, invalid("invalid GenerateMachineSecretRequest.UserId: value length must be at least 1 runes"), adminToken, withBody);
      await expectRefusedEverywhere("removeMachineSecret", { userId: "" }, invalid("invalid RemoveMachineSecretRequest.UserId: value length must be between 1 and 200 runes, inclusive"), adminToken, withBody);
      await expectRefusedEverywhere("listMachineKeys", { userId: "" }, invalid("invalid ListMachineKeysRequest.UserId: value length must be between 1 and 200 runes, inclusive"), adminToken, withBody);
      expect((await refusal("REST", "generateMachineSecret", { userId: "" })).code).toBe("NotFound");
      await expectRefusedEverywhere("getMachineKeyByIDs", { userId, keyId: "x".repeat(201) }, invalid("invalid GetMachineKeyByIDsRequest.KeyId: value length must be between 1 and 200 runes, inclusive"));
      await expectRefusedEverywhere("updateMachine", { userId, name: "" }, invalid("invalid UpdateMachineRequest.Name: value length must be between 1 and 200 runes, inclusive"));
      await expectRefusedEverywhere("updateMachine", { userId, name: "n", description: "d".repeat(501) }, invalid("invalid UpdateMachineRequest.Description: value length must be at most 500 runes"));
      await expectRefusedEverywhere("updateMachine", { userId, name: "n", accessTokenType: 7 as AccessTokenType }, invalid("invalid UpdateMachineRequest.AccessTokenType: value must be one of the defined enum values"));
      await expectRefusedEverywhere("addMachineUser", { userName: uniqueName("bad"), name: "n", accessTokenType: 2 as AccessTokenType }, invalid("invalid AddMachineUserRequest.AccessTokenType: value must be one of the defined enum values"));
    });

    test("UpdateMachine that changes nothing → FailedPrecondition COMMAND-2n8vs", async () => {
      const { userId, userName } = await addUser();
      await expectRefusedEverywhere("updateMachine", { userId, name: userName }, { code: "FailedPrecondition", message: "Errors.User.NotChanged (COMMAND-2n8vs)", errorId: "COMMAND-2n8vs" });
    });
  });

  describe("deactivated and removed users", () => {
    test("a deactivated user can still be given a secret and keys, as in ZITADEL (its tokens are refused while it is inactive)", async () => {
      const { userId } = await addUser();
      await admin.deactivateUser({ id: userId });
      expect((await admin.generateMachineSecret({ userId })).clientSecret).toMatch(SECRET);
      expect((await admin.addMachineKey({ userId, type: KeyType.JSON })).keyId).toMatch(/^\d+$/);
      expect((await admin.removeMachineSecret({ userId })).details?.resourceOwner).toBe(orgId);
    });

    test("a removed user's secret and keys go with it: its ids answer as unknown", async () => {
      const { userId } = await addUser();
      await admin.generateMachineSecret({ userId });
      const { keyId } = await admin.addMachineKey({ userId, type: KeyType.JSON });
      await admin.removeUser({ id: userId });
      expect((await admin.listMachineKeys({ userId })).result).toEqual([]);
      await expectError(admin.getMachineKeyByIDs({ userId, keyId }), Code.NotFound, "Errors.AuthNKey.NotFound (QUERY-Dgr3g)");
      await expectError(admin.removeMachineSecret({ userId }), Code.NotFound, "User could not be found (COMMAND-x7s802)");
      await expectError(admin.generateMachineSecret({ userId }), Code.NotFound, "User could not be found (COMMAND-x8910n)");
      expect(await db().selectFrom("machine_keys").select("id").where("user_id", "=", userId).execute()).toEqual([]);
    });
  });
});
