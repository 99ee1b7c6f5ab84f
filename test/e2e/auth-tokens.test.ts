/**
 * Service users and their personal access tokens (issue 4, item 1; zitadel-api.md §2.2, cases 26–28):
 * created through ZITADEL's RPCs and REST paths, opaque 256-bit tokens returned once and stored as digests,
 * rejected after expiry (by keygate's clock, moved on), removal of the token, deactivation or removal of the user.
 */
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { Code } from "@connectrpc/connect";
import { UserState } from "../../src/gen/zitadel/user_pb.js";
import { addOrgMemberUser, addServiceUser, uniqueName } from "../support/auth-fixtures.js";
import { describeEachBackend } from "../support/backends.js";
import { expectError } from "../support/expect-error.js";
import { startTestKeygate, type TestKeygate } from "../support/keygate-server.js";
import { managementClient, type ManagementClient } from "../support/management-client.js";
import { testClock } from "../support/test-clock.js";

/** A PAT: at least 256 bits, i.e. at least 43 base64url characters. */
const OPAQUE_TOKEN = /^[A-Za-z0-9_-]{43,}$/;
const MINUTE = 60_000;

describeEachBackend("service users and personal access tokens", (backend) => {
  let keygate: TestKeygate;
  let orgId: string;
  /** The instance admin acting in the test org. */
  let admin: ManagementClient;
  const clock = testClock();

  beforeAll(async () => {
    keygate = await startTestKeygate(backend, {}, undefined, { now: clock.now });
    orgId = (await managementClient(keygate.url, keygate.adminToken).addOrg({ name: uniqueName("tokens-org") })).id;
    admin = managementClient(keygate.url, keygate.adminToken, orgId);
  });
  afterAll(() => keygate.dispose());
  afterEach(() => clock.reset());

  /** The token authenticates: GetMyOrg answers with the user's own org. */
  async function expectAccepted(token: string): Promise<void> {
    expect((await managementClient(keygate.url, token).getMyOrg({})).org?.id).toBe(orgId);
  }
  async function expectRejected(token: string): Promise<void> {
    await expectError(managementClient(keygate.url, token).getMyOrg({}), Code.Unauthenticated, "Errors.Token.Invalid (AUTH-7fs1e)");
  }

  test("AddMachineUser creates a service user of the org context that GetUserByID and ListUsers show", async () => {
    const userName = uniqueName("svc");
    const added = await admin.addMachineUser({ userName, name: "Service", description: "a service user" });
    expect(added.userId).toMatch(/^\d+$/);
    expect(added.details?.resourceOwner).toBe(orgId);
    const read = (await admin.getUserByID({ id: added.userId })).user!;
    expect(read).toMatchObject({ id: added.userId, userName, state: UserState.ACTIVE });
    expect(read.type.case).toBe("machine");
    expect(read.type.value).toMatchObject({ name: "Service", description: "a service user" });
    const listed = await admin.listUsers({ queries: [{ query: { case: "inUserIdsQuery", value: { userIds: [added.userId] } } }] });
    expect(listed.result.map((u) => u.userName)).toEqual([userName]);
  });

  test("AddPersonalAccessToken returns an opaque token of at least 256 bits, once; the token calls keygate as its user", async () => {
    const user = await addOrgMemberUser(admin, "caller", ["ORG_OWNER_VIEWER"]);
    expect(user.token).toMatch(OPAQUE_TOKEN);
    expect(user.tokenId).toMatch(/^\d+$/);
    const second = await admin.addPersonalAccessToken({ userId: user.userId });
    expect(second.token).toMatch(OPAQUE_TOKEN);
    expect(second.token).not.toBe(user.token);

    const listed = await admin.listPersonalAccessTokens({ userId: user.userId });
    expect(listed.result.map((t) => t.id).sort()).toEqual([user.tokenId, second.tokenId].sort());
    expect(listed.result[0]!.expirationDate).toBeDefined();
    expect(JSON.stringify(listed, (_, v) => (typeof v === "bigint" ? String(v) : v))).not.toContain(user.token);

    await expectAccepted(user.token);
    await expectAccepted(second.token);
  });

  test("only a digest is stored: personal_access_tokens.token_digest is not the token and no event carries it", async () => {
    const user = await addServiceUser(admin, "stored");
    const row = await keygate.store.db.selectFrom("personal_access_tokens").selectAll().where("id", "=", user.tokenId).executeTakeFirstOrThrow();
    expect(row.token_digest).not.toBe(user.token);
    expect(row.token_digest).not.toContain(user.token);
    expect(row.user_id).toBe(user.userId);
    const events = await keygate.store.db.selectFrom("events2").selectAll().where("aggregate_id", "=", user.userId).execute();
    expect(events.map((e) => e.event_type)).toContain("user.personal.access.token.added");
    expect(JSON.stringify(events)).not.toContain(user.token);
    const everything = await keygate.store.db.selectFrom("events2").select("payload").execute();
    expect(JSON.stringify(everything)).not.toContain(user.token);
  });

  test("a token that differs in one character is rejected (case 28)", async () => {
    const user = await addOrgMemberUser(admin, "near-miss", ["ORG_OWNER_VIEWER"]);
    const last = user.token.at(-1) === "A" ? "B" : "A";
    await expectRejected(`${user.token.slice(0, -1)}${last}`);
    await expectAccepted(user.token);
  });

  test("case 28: a token is rejected after its expiration date", async () => {
    const user = await addServiceUser(admin, "expiring", { expiresAt: new Date(Date.now() + MINUTE) });
    await admin.addOrgMember({ userId: user.userId, roles: ["ORG_OWNER_VIEWER"] });
    await expectAccepted(user.token);
    clock.advance(2 * MINUTE);
    await expectRejected(user.token);
  });

  test("RemovePersonalAccessToken rejects that token; the user's other token keeps working", async () => {
    const user = await addOrgMemberUser(admin, "revoked", ["ORG_OWNER_VIEWER"]);
    const other = await admin.addPersonalAccessToken({ userId: user.userId });
    await expectAccepted(user.token);
    await admin.removePersonalAccessToken({ userId: user.userId, tokenId: user.tokenId });
    await expectRejected(user.token);
    await expectAccepted(other.token);
    expect((await admin.listPersonalAccessTokens({ userId: user.userId })).result.map((t) => t.id)).toEqual([other.tokenId]);
  });

  test("DeactivateUser rejects the user's tokens; ReactivateUser accepts them again", async () => {
    const user = await addOrgMemberUser(admin, "paused", ["ORG_OWNER_VIEWER"]);
    await expectAccepted(user.token);
    await admin.deactivateUser({ id: user.userId });
    expect((await admin.getUserByID({ id: user.userId })).user?.state).toBe(UserState.INACTIVE);
    await expectRejected(user.token);
    await admin.reactivateUser({ id: user.userId });
    await expectAccepted(user.token);
  });

  test("RemoveUser rejects the user's tokens for good, and the user is gone", async () => {
    const user = await addOrgMemberUser(admin, "removed", ["ORG_OWNER_VIEWER"]);
    await expectAccepted(user.token);
    await admin.removeUser({ id: user.userId });
    await expectRejected(user.token);
    await expectError(admin.getUserByID({ id: user.userId }), Code.NotFound);
    await expectError(admin.reactivateUser({ id: user.userId }), Code.NotFound);
    await expectRejected(user.token);
  });

  test("over REST: POST /users/machine and /users/{id}/pats create a user and token that GET /orgs/me accepts", async () => {
    const post = (path: string, body: object) =>
      fetch(`${keygate.url}/management/v1${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${keygate.adminToken}`, "x-zitadel-orgid": orgId, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const userName = uniqueName("rest-svc");
    const added = await post("/users/machine", { userName, name: userName });
    expect(added.status).toBe(200);
    const { userId } = (await added.json()) as { userId: string };
    const patRes = await post(`/users/${userId}/pats`, {});
    expect(patRes.status).toBe(200);
    const pat = (await patRes.json()) as { token: string; tokenId: string };
    expect(pat.token).toMatch(OPAQUE_TOKEN);
    expect((await post("/orgs/me/members", { userId, roles: ["ORG_OWNER_VIEWER"] })).status).toBe(200);

    const me = await fetch(`${keygate.url}/management/v1/orgs/me`, { headers: { authorization: `Bearer ${pat.token}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { org: { id: string } }).org.id).toBe(orgId);

    const removed = await fetch(`${keygate.url}/management/v1/users/${userId}/pats/${pat.tokenId}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${keygate.adminToken}`, "x-zitadel-orgid": orgId },
    });
    expect(removed.status).toBe(200);
    const after = await fetch(`${keygate.url}/management/v1/orgs/me`, { headers: { authorization: `Bearer ${pat.token}` } });
    expect(after.status).toBe(401);
    expect(after.headers.get("www-authenticate")).toBe("Errors.Token.Invalid (AUTH-7fs1e)");
  });
});
