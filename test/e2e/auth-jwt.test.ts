/**
 * JWT access tokens from an existing identity provider (issue 4, item 6): with KEYGATE_JWT_ISSUER and a
 * JWKS (URL or file), RS256 and ES256 tokens of that issuer are accepted, their `sub` naming a keygate user
 * whose memberships apply. Everything else that looks like a JWT is `Errors.Token.Invalid (AUTH-7fs1e)`
 * (case 28). The JWKS is served on loopback, as an identity provider would serve it.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Code } from "@connectrpc/connect";
import { base64url, exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from "jose";
import { addServiceUser, uniqueName } from "../support/auth-fixtures.js";
import { describeEachBackend } from "../support/backends.js";
import { expectError } from "../support/expect-error.js";
import { startTestKeygate, type TestKeygate } from "../support/keygate-server.js";
import { managementClient, type ManagementClient } from "../support/management-client.js";

const ISSUER = "https://idp.example.test";
const AUDIENCE = "keygate-management-api";

interface SigningKey {
  alg: "RS256" | "ES256";
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  publicPem: string;
}

async function signingKey(alg: SigningKey["alg"], kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { alg, kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" }, publicPem: await exportSPKI(publicKey) };
}

/** A token as the identity provider issues it; `claims` and `header` override the defaults. */
function sign(key: SigningKey, subject: string, claims: JWTPayload = {}, header: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: subject, iat: now, exp: now + 300, ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "JWT", ...header })
    .sign(key.privateKey);
}

/** An unsigned token: `alg: none`, with the given (possibly empty) signature segment. */
function unsigned(kid: string, subject: string, signature: string): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url.encode(JSON.stringify({ alg: "none", kid, typ: "JWT" }));
  const payload = base64url.encode(JSON.stringify({ iss: ISSUER, aud: AUDIENCE, sub: subject, iat: now, exp: now + 300 }));
  return `${header}.${payload}.${signature}`;
}

/** The same header and signature with another payload: a forged claim under a genuine signature. */
function withPayload(token: string, payload: JWTPayload): string {
  const [header, , signature] = token.split(".");
  return `${header}.${base64url.encode(JSON.stringify(payload))}.${signature}`;
}

describeEachBackend("JWT access tokens from a trusted issuer", (backend) => {
  let rsa: SigningKey;
  let ec: SigningKey;
  let jwks: Server;
  let jwksUrl: string;
  let keygate: TestKeygate;
  let orgId: string;
  let admin: ManagementClient;
  /** A service user whose id is the IdP's subject, with ORG_OWNER_VIEWER in the test org. */
  let subject: string;

  const withToken = (token: string) => managementClient(keygate.url, token);
  const expectInvalid = (token: string) => expectError(withToken(token).getMyOrg({}), Code.Unauthenticated, "Errors.Token.Invalid (AUTH-7fs1e)");

  /** Makes `userId` a keygate user of the test org with `roles`. */
  async function subjectUser(userId: string, roles: string[]): Promise<string> {
    const added = await admin.addMachineUser({ userId, userName: uniqueName("idp-user"), name: "IdP user" });
    expect(added.userId).toBe(userId);
    await admin.addOrgMember({ userId, roles });
    return userId;
  }

  beforeAll(async () => {
    rsa = await signingKey("RS256", uniqueName("rsa-kid"));
    ec = await signingKey("ES256", uniqueName("ec-kid"));
    const body = JSON.stringify({ keys: [rsa.publicJwk, ec.publicJwk] });
    jwks = createServer((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(body));
    await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve));
    jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;

    keygate = await startTestKeygate(backend, { jwtIssuer: ISSUER, jwtAudience: AUDIENCE, jwtJwksUrl: jwksUrl });
    orgId = (await managementClient(keygate.url, keygate.adminToken).addOrg({ name: uniqueName("jwt-org") })).id;
    admin = managementClient(keygate.url, keygate.adminToken, orgId);
    subject = await subjectUser(uniqueName("idp-subject"), ["ORG_OWNER_VIEWER"]);
  });
  afterAll(async () => {
    await keygate?.dispose();
    await new Promise((resolve) => jwks?.close(resolve));
  });

  test("a valid RS256 token calls keygate as the user its sub names", async () => {
    expect((await withToken(await sign(rsa, subject)).getMyOrg({})).org?.id).toBe(orgId);
  });

  test("a valid ES256 token calls keygate as the user its sub names", async () => {
    expect((await withToken(await sign(ec, subject)).getMyOrg({})).org?.id).toBe(orgId);
  });

  test("the token's user acts with its memberships: a viewer reads but may not write (case 30)", async () => {
    const client = withToken(await sign(rsa, subject));
    const projectId = (await admin.addProject({ name: uniqueName("jwt-project") })).id;
    expect((await client.listProjects({})).result.map((p) => p.id)).toContain(projectId);
    await expectError(client.addAPIApp({ projectId, name: "x" }), Code.PermissionDenied, "No matching permissions found (AUTH-5mWD2)");
  });

  test("writes with a JWT record its subject as creator", async () => {
    const owner = await subjectUser(uniqueName("idp-owner"), ["ORG_OWNER"]);
    const project = await withToken(await sign(ec, owner)).addProject({ name: uniqueName("by-jwt") });
    const event = await keygate.store.db.selectFrom("events2").select("creator").where("aggregate_id", "=", project.id).executeTakeFirstOrThrow();
    expect(event.creator).toBe(owner);
  });

  test("personal access tokens keep working next to JWTs", async () => {
    const user = await addServiceUser(admin, "pat-user");
    await admin.addOrgMember({ userId: user.userId, roles: ["ORG_OWNER_VIEWER"] });
    expect((await withToken(user.token).getMyOrg({})).org?.id).toBe(orgId);
  });

  describe("case 28: tokens that must not get in are Unauthenticated 'Errors.Token.Invalid (AUTH-7fs1e)'", () => {
    const now = () => Math.floor(Date.now() / 1000);
    const rejected: Array<[string, () => Promise<string> | string]> = [
      ["another issuer", () => sign(rsa, subject, { iss: "https://evil.example.test" })],
      ["another audience", () => sign(rsa, subject, { aud: "some-other-api" })],
      ["no audience", () => sign(ec, subject, { aud: undefined })],
      ["expired", () => sign(rsa, subject, { iat: now() - 3600, exp: now() - 600 })],
      ["a forged payload under a genuine signature (sub changed to the admin)", async () => withPayload(await sign(rsa, subject), { iss: ISSUER, aud: AUDIENCE, sub: keygate.adminUserId, exp: now() + 300 })],
      ["a signature of another key under a trusted kid", async () => sign(await signingKey("RS256", rsa.kid), subject)],
      ["an unknown kid", async () => sign(await signingKey("ES256", uniqueName("unknown-kid")), subject)],
      ["alg: none without signature", () => unsigned(rsa.kid, subject, "")],
      ["alg: none with a signature segment", () => unsigned(rsa.kid, subject, base64url.encode("not-a-signature"))],
      [
        "HS256 with the RSA public key as HMAC secret",
        () => new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: subject, exp: now() + 300 }).setProtectedHeader({ alg: "HS256", kid: rsa.kid }).sign(new TextEncoder().encode(rsa.publicPem)),
      ],
      ["a sub that names no user", () => sign(rsa, uniqueName("nobody"))],
    ];
    test.each(rejected)("%s", async (_name, token) => {
      await expectInvalid(await token());
    });

    test("a sub whose user is deactivated, and again once it is removed", async () => {
      const user = await subjectUser(uniqueName("idp-leaver"), ["ORG_OWNER_VIEWER"]);
      const token = await sign(ec, user);
      expect((await withToken(token).getMyOrg({})).org?.id).toBe(orgId);
      await admin.deactivateUser({ id: user });
      await expectInvalid(token);
      await admin.reactivateUser({ id: user });
      expect((await withToken(token).getMyOrg({})).org?.id).toBe(orgId);
      await admin.removeUser({ id: user });
      await expectInvalid(token);
    });
  });

  describe("with the JWKS in a file (KEYGATE_JWT_JWKS_FILE)", () => {
    let fromFile: TestKeygate;

    beforeAll(async () => {
      const file = join(tmpdir(), `${uniqueName("jwks")}.json`);
      await writeFile(file, JSON.stringify({ keys: [rsa.publicJwk, ec.publicJwk] }));
      fromFile = await startTestKeygate(backend, { jwtIssuer: ISSUER, jwtAudience: AUDIENCE, jwtJwksFile: file });
      const fileAdmin = managementClient(fromFile.url, fromFile.adminToken);
      await fileAdmin.addMachineUser({ userId: subject, userName: uniqueName("idp-user"), name: "IdP user" });
      await fileAdmin.addOrgMember({ userId: subject, roles: ["ORG_OWNER_VIEWER"] });
    });
    // The outer dispose() drops this keygate's database too.
    afterAll(() => fromFile?.close());

    test("valid RS256 and ES256 tokens are accepted", async () => {
      const org = (await managementClient(fromFile.url, fromFile.adminToken).getMyOrg({})).org!.id;
      expect((await managementClient(fromFile.url, await sign(rsa, subject)).getMyOrg({})).org?.id).toBe(org);
      expect((await managementClient(fromFile.url, await sign(ec, subject)).getMyOrg({})).org?.id).toBe(org);
    });

    test("an unknown kid, an expired token and another issuer are Errors.Token.Invalid", async () => {
      const invalid = async (token: string) =>
        expectError(managementClient(fromFile.url, token).getMyOrg({}), Code.Unauthenticated, "Errors.Token.Invalid (AUTH-7fs1e)");
      await invalid(await sign(await signingKey("RS256", uniqueName("unknown-kid")), subject));
      await invalid(await sign(ec, subject, { iat: Math.floor(Date.now() / 1000) - 3600, exp: Math.floor(Date.now() / 1000) - 600 }));
      await invalid(await sign(rsa, subject, { iss: "https://evil.example.test" }));
    });
  });
});
