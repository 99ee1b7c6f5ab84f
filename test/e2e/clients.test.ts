/**
 * Every real client, every protocol: on both backends, each client below creates a project in the caller's
 * org context, adds a BASIC and a PRIVATE_KEY_JWT API app, reads them back, and sees the three standard errors
 * (unknown app, no token, unknown org) exactly as ZITADEL sends them.
 *
 * The adapters in ./clients/ only translate each client's native shapes (bigint / Long / JSON strings,
 * Timestamp / Date / RFC 3339, ConnectError / ClientError / ServiceError / HTTP body / buf's exit code)
 * into one neutral shape; every assertion lives here and is shared by all clients.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { describeEachBackend } from "../support/backends.js";
import { startTestKeygate, type TestKeygate } from "../support/keygate-server.js";
import { managementClient } from "../support/management-client.js";
import { bufCurlVariants } from "./clients/buf-curl.js";
import { grpcJs } from "./clients/grpc-js.js";
import { rest } from "./clients/rest.js";
import type { AddedApp, AddedProject, CallError, ClientUnderTest, Details, ErrorDetail, Session } from "./clients/types.js";
import { zitadelClientVariants } from "./clients/zitadel-client.js";
import { zitadelNode } from "./clients/zitadel-node.js";

const clients: ClientUnderTest[] = [...zitadelClientVariants, zitadelNode, grpcJs, rest, ...bufCurlVariants];

/** buf curl starts a process per call; on a busy 2-core machine that takes a few seconds. */
const SLOW = 120_000;

/** grpc-gateway's HTTP status for the gRPC codes met here. */
const httpStatusOf: Record<number, number> = { 5: 404, 6: 409, 7: 403, 16: 401 };

interface ExpectedError {
  code: number;
  message: string;
  /** The zitadel.v1.ErrorDetail(s) the error carries ([] for a plain status). */
  details: ErrorDetail[];
}

const UNKNOWN_APP: ExpectedError = {
  code: 5,
  message: "Errors.App.NotExisting (QUERY-pCP8P)",
  details: [{ id: "QUERY-pCP8P", message: "Errors.App.NotExisting" }],
};
const NO_TOKEN: ExpectedError = { code: 16, message: "auth header missing", details: [] };
const UNKNOWN_ORG: ExpectedError = {
  code: 7,
  message: "Organisation doesn't exist (AUTH-Bs7Ds)",
  details: [{ id: "AUTH-Bs7Ds", message: "Organisation doesn't exist" }],
};

async function failure(client: ClientUnderTest, call: Promise<unknown>): Promise<CallError> {
  let result: unknown;
  try {
    result = await call;
  } catch (error) {
    return client.toCallError(error);
  }
  throw new Error(`expected the call to fail, it answered ${JSON.stringify(result, (_, v) => (typeof v === "bigint" ? `${v}n` : v))}`);
}

async function expectFailure(client: ClientUnderTest, call: Promise<unknown>, expected: ExpectedError): Promise<void> {
  const error = await failure(client, call);
  expect({ code: error.code, message: error.message }).toEqual({ code: expected.code, message: expected.message });
  expect(error.details).toEqual(expected.details);
  if (error.httpStatus !== undefined) expect(error.httpStatus).toBe(httpStatusOf[expected.code]);
}

/** Add-type ObjectDetails: sequence, creationDate and resourceOwner; never a changeDate. */
function expectAddDetails(client: ClientUnderTest, details: Details | undefined, sequence: bigint, orgId: string, startedAt: number): void {
  expect(details).toBeDefined();
  expect(details!.sequenceWire).toBe(client.sequenceWire);
  expect(details!.sequence).toBe(sequence);
  expect(details!.resourceOwner).toBe(orgId);
  expect(details!.changeDate).toBeUndefined();
  expect(details!.creationDate).toBeInstanceOf(Date);
  // The server's clock stamps the events; allow for the clock granularity either side.
  expect(details!.creationDate!.getTime()).toBeGreaterThanOrEqual(startedAt - 1000);
  expect(details!.creationDate!.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
}

/** A call's answer, and when it was made (the bounds of its details' creation date). */
interface Timed<T> {
  startedAt: number;
  result: T;
}

async function timed<T>(call: () => Promise<T>): Promise<Timed<T>> {
  const startedAt = Date.now();
  return { startedAt, result: await call() };
}

/** What one client adds: a project, then a BASIC and a PRIVATE_KEY_JWT app, in that order (each add's sequence follows the one before). */
interface Added {
  project: Timed<AddedProject>;
  basic: Timed<AddedApp>;
  jwt: Timed<AddedApp>;
}

/**
 * One client's sessions and adds against the keygate `target()` gives, made by whichever test needs
 * them first, so that every test reads the same adds and none depends on another having run.
 */
function clientScenario(client: ClientUnderTest, index: number, target: () => TestKeygate) {
  let sessions: { session: Session; anonymous: Session } | undefined;
  let added: Promise<Added> | undefined;
  const connected = () => {
    const { url, port, adminToken } = target();
    return (sessions ??= { session: client.connect({ url, port }, adminToken), anonymous: client.connect({ url, port }, undefined) });
  };
  return {
    session: () => connected().session,
    anonymous: () => connected().anonymous,
    added: () =>
      (added ??= (async () => {
        const { session } = connected();
        const project = await timed(() => session.addProject(`clients-${index}`));
        const basic = await timed(() => session.addAPIApp(project.result.id, "basic-app", "BASIC"));
        const jwt = await timed(() => session.addAPIApp(project.result.id, "jwt-app", "PRIVATE_KEY_JWT"));
        return { project, basic, jwt };
      })()),
    close() {
      sessions?.session.close();
      sessions?.anonymous.close();
    },
  };
}

describeEachBackend("e2e: every client and protocol adds and reads API apps", (backend) => {
  let keygate: TestKeygate;
  let orgId: string;
  const scenarios = clients.map((client, index) => clientScenario(client, index, () => keygate));

  beforeAll(async () => {
    keygate = await startTestKeygate(backend);
    orgId = (await managementClient(keygate.url, keygate.adminToken).getMyOrg({})).org!.id;
  }, 180_000);
  afterAll(async () => {
    for (const scenario of scenarios) scenario.close();
    await keygate?.dispose();
  });

  describe.each(clients.map((client, index) => [client.name, client, scenarios[index]!] as const))("%s", (_, client, scenario) => {
    test("AddProject creates a project in the caller's org at sequence 1", async () => {
      const { project } = await scenario.added();
      expect(project.result.id).toMatch(/^\d+$/);
      expectAddDetails(client, project.result.details, 1n, orgId, project.startedAt);
    }, SLOW);

    test("AddAPIApp BASIC: numeric distinct ids, a 64-character secret, add-type details at sequence 3", async () => {
      const { basic: added } = await scenario.added();
      const basic = added.result;
      expect(basic.appId).toMatch(/^\d+$/);
      expect(basic.clientId).toMatch(/^\d+$/);
      expect(basic.clientId).not.toBe(basic.appId);
      expect(basic.clientSecret).toMatch(/^[A-Za-z0-9]{64}$/);
      // application.added + config.api.added follow project.added (1) on the project aggregate.
      expectAddDetails(client, basic.details, 3n, orgId, added.startedAt);
    }, SLOW);

    test("AddAPIApp PRIVATE_KEY_JWT: no secret, details at sequence 5", async () => {
      const { basic: { result: basic }, jwt: added } = await scenario.added();
      const jwt = added.result;
      expect(jwt.appId).toMatch(/^\d+$/);
      expect(jwt.clientId).toMatch(/^\d+$/);
      expect(new Set([basic.appId, basic.clientId, jwt.appId, jwt.clientId]).size).toBe(4);
      expect(jwt.clientSecret).toBeUndefined();
      expectAddDetails(client, jwt.details, 5n, orgId, added.startedAt);
    }, SLOW);

    test("GetAppByID reads both apps back: ACTIVE, apiConfig with client id and auth method, read-type details", async () => {
      const { project, basic, jwt } = await scenario.added();
      for (const [added, name, authMethod] of [
        [basic.result, "basic-app", "BASIC"],
        [jwt.result, "jwt-app", "PRIVATE_KEY_JWT"],
      ] as const) {
        const app = await scenario.session().getAppByID(project.result.id, added.appId);
        expect({ id: app.id, name: app.name, state: app.state, configCase: app.configCase, clientId: app.clientId, authMethod: app.authMethod }).toEqual({
          id: added.appId,
          name,
          state: "ACTIVE",
          configCase: "apiConfig",
          clientId: added.clientId,
          authMethod,
        });
        expect(app.details?.sequenceWire).toBe(client.sequenceWire);
        expect(app.details?.sequence).toBe(added.details!.sequence);
        expect(app.details?.creationDate).toEqual(added.details!.creationDate);
        expect(app.details?.changeDate).toBeInstanceOf(Date);
        expect(app.details?.resourceOwner).toBe(orgId);
      }
    }, SLOW);

    test("GetAppByID of an unknown app is NotFound QUERY-pCP8P with its ErrorDetail", async () => {
      const { project } = await scenario.added();
      await expectFailure(client, scenario.session().getAppByID(project.result.id, "404404404"), UNKNOWN_APP);
    }, SLOW);

    test("a call without a token is Unauthenticated 'auth header missing'", async () => {
      const { project, basic } = await scenario.added();
      await expectFailure(client, scenario.anonymous().getAppByID(project.result.id, basic.result.appId), NO_TOKEN);
    }, SLOW);

    test("an x-zitadel-orgid naming no org is PermissionDenied AUTH-Bs7Ds", async () => {
      const { project, basic } = await scenario.added();
      await expectFailure(client, scenario.session().getAppByID(project.result.id, basic.result.appId, { orgId: "999999999" }), UNKNOWN_ORG);
    }, SLOW);
  });

  describe("across clients", () => {
    test("every app and client id issued across all clients is distinct", async () => {
      const issuedIds = (await Promise.all(scenarios.map((scenario) => scenario.added()))).flatMap(({ basic, jwt }) => [basic.result, jwt.result].flatMap((app) => [app.appId, app.clientId]));
      expect(issuedIds).toHaveLength(clients.length * 4);
      expect(new Set(issuedIds).size).toBe(issuedIds.length);
    }, SLOW);

    test("REST: AddAPIApp with a name taken in another case is HTTP 409, code 6, with the ErrorDetail as an Any", async () => {
      const projectId = (await managementClient(keygate.url, keygate.adminToken).addProject({ name: "clients-duplicate" })).id;
      const add = (name: string) =>
        fetch(`${keygate.url}/management/v1/projects/${projectId}/apps/api`, {
          method: "POST",
          headers: { authorization: `Bearer ${keygate.adminToken}`, "content-type": "application/json" },
          body: JSON.stringify({ name }),
        });
      expect((await add("Duplicate-Name")).status).toBe(200);
      const res = await add("duplicate-NAME");
      expect(res.status).toBe(409);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({
        code: 6,
        message: "Application already exists (V3-DKcYh)",
        details: [{ "@type": "type.googleapis.com/zitadel.v1.ErrorDetail", id: "V3-DKcYh", message: "Application already exists" }],
      });
    });
  });
});
