/**
 * Every real client, every protocol: on both backends, each client below creates a project in the caller's
 * org context, adds a BASIC and a PRIVATE_KEY_JWT API app, reads them back, and sees the three standard errors
 * (unknown app, no token, unknown org) exactly as ZITADEL sends them.
 *
 * The adapters in ./clients/ only translate each client's native shapes (bigint / Long / JSON strings,
 * Timestamp / Date / RFC 3339, ConnectError / ClientError / ServiceError / HTTP body / buf's exit code)
 * into one neutral shape; every assertion lives here and is shared by all clients.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { describeEachBackend } from "../support/backends.js";
import { startTestKeygate, type TestKeygate } from "../support/keygate-server.js";
import { managementClient } from "../support/management-client.js";
import { bufCurlVariants } from "./clients/buf-curl.js";
import { grpcJs } from "./clients/grpc-js.js";
import { rest } from "./clients/rest.js";
import type { AddedApp, AddedProject, CallError, ClientUnderTest, Details, ErrorDetail, ReadApp, Target } from "./clients/types.js";
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

function expectError(error: CallError, expected: ExpectedError): void {
  expect({ code: error.code, message: error.message }).toEqual({ code: expected.code, message: expected.message });
  expect(error.details).toEqual(expected.details);
  if (error.httpStatus !== undefined) expect(error.httpStatus).toBe(httpStatusOf[expected.code]);
}

/** Add-type ObjectDetails: sequence, creationDate and resourceOwner; never a changeDate. */
function expectAddDetails(client: ClientUnderTest, details: Details | undefined, sequence: bigint, orgId: string, call: Timed<unknown>): void {
  expect(details).toBeDefined();
  expect(details!.sequenceWire).toBe(client.sequenceWire);
  expect(details!.sequence).toBe(sequence);
  expect(details!.resourceOwner).toBe(orgId);
  expect(details!.changeDate).toBeUndefined();
  expect(details!.creationDate).toBeInstanceOf(Date);
  // The server's clock stamps the events while the call runs; allow for the clock granularity either side.
  expect(details!.creationDate!.getTime()).toBeGreaterThanOrEqual(call.startedAt - 1000);
  expect(details!.creationDate!.getTime()).toBeLessThanOrEqual(call.answeredAt + 1000);
}

/** A call's answer, and when it was sent and when answered. */
interface Timed<T> {
  value: T;
  startedAt: number;
  answeredAt: number;
}

async function timed<T>(call: () => Promise<T>): Promise<Timed<T>> {
  const startedAt = Date.now();
  const value = await call();
  return { value, startedAt, answeredAt: Date.now() };
}

/** What one client was answered, call by call, for the tests below to check. */
interface Played {
  project: Promise<Timed<AddedProject>>;
  basic: Promise<Timed<AddedApp>>;
  jwt: Promise<Timed<AddedApp>>;
  /** GetAppByID of the BASIC app, then of the PRIVATE_KEY_JWT one. */
  read: Promise<ReadApp[]>;
  unknownApp: Promise<CallError>;
  noToken: Promise<CallError>;
  unknownOrg: Promise<CallError>;
  /** Settles when every call did, and the client's sessions are closed. */
  done: Promise<void>;
}

/**
 * Makes one client's calls while the other clients make theirs: most of a client's time is waiting
 * (buf curl starts a process per call), so the clients play side by side rather than in turn, each
 * in a project of its own. The project comes first, then the BASIC app, then the PRIVATE_KEY_JWT
 * one (their sequences say so); the reads and the refused calls then go out together.
 */
function play(client: ClientUnderTest, index: number, target: Target, adminToken: string): Played {
  const session = client.connect(target, adminToken);
  const anonymous = client.connect(target, undefined);
  const settled = (step: Promise<unknown>) => step.then(() => undefined, () => undefined);
  const project = timed(() => session.addProject(`clients-${index}`));
  const basic = project.then(({ value }) => timed(() => session.addAPIApp(value.id, "basic-app", "BASIC")));
  const jwt = settled(basic).then(async () => timed(async () => session.addAPIApp((await project).value.id, "jwt-app", "PRIVATE_KEY_JWT")));
  const added = settled(jwt).then(async () => ({ projectId: (await project).value.id, basic: (await basic).value, jwt: (await jwt).value }));
  const read = added.then(({ projectId, basic, jwt }) => Promise.all([session.getAppByID(projectId, basic.appId), session.getAppByID(projectId, jwt.appId)]));
  const unknownApp = added.then(({ projectId }) => failure(client, session.getAppByID(projectId, "404404404")));
  const noToken = added.then(({ projectId, basic }) => failure(client, anonymous.getAppByID(projectId, basic.appId)));
  const unknownOrg = added.then(({ projectId, basic }) => failure(client, session.getAppByID(projectId, basic.appId, { orgId: "999999999" })));
  const done = Promise.all([read, unknownApp, noToken, unknownOrg].map(settled)).then(() => {
    session.close();
    anonymous.close();
  });
  const played = { project, basic, jwt, read, unknownApp, noToken, unknownOrg, done };
  // A failed call fails the test that reads it; until then its rejection is not unhandled.
  for (const step of Object.values(played)) void settled(step);
  return played;
}

describeEachBackend("e2e: every client and protocol adds and reads API apps", (backend) => {
  let keygate: TestKeygate;
  let orgId: string;
  /** Each client's calls, by the client's index; all begun at once. */
  let plays: Played[];

  beforeAll(async () => {
    keygate = await startTestKeygate(backend);
    orgId = (await managementClient(keygate.url, keygate.adminToken).getMyOrg({})).org!.id;
    plays = clients.map((client, index) => play(client, index, { url: keygate.url, port: keygate.port }, keygate.adminToken));
  }, 180_000);
  afterAll(async () => {
    await Promise.all((plays ?? []).map((played) => played.done));
    await keygate?.dispose();
  });

  describe.each(clients.map((client, index) => [client.name, client, index] as const))("%s", (_, client, index) => {
    const played = () => plays[index]!;

    test("AddProject creates a project in the caller's org at sequence 1", async () => {
      const project = await played().project;
      expect(project.value.id).toMatch(/^\d+$/);
      expectAddDetails(client, project.value.details, 1n, orgId, project);
    }, SLOW);

    test("AddAPIApp BASIC: numeric distinct ids, a 64-character secret, add-type details at sequence 3", async () => {
      const added = await played().basic;
      const basic = added.value;
      expect(basic.appId).toMatch(/^\d+$/);
      expect(basic.clientId).toMatch(/^\d+$/);
      expect(basic.clientId).not.toBe(basic.appId);
      expect(basic.clientSecret).toMatch(/^[A-Za-z0-9]{64}$/);
      // application.added + config.api.added follow project.added (1) on the project aggregate.
      expectAddDetails(client, basic.details, 3n, orgId, added);
    }, SLOW);

    test("AddAPIApp PRIVATE_KEY_JWT: no secret, details at sequence 5", async () => {
      const added = await played().jwt;
      const [basic, jwt] = [(await played().basic).value, added.value];
      expect(jwt.appId).toMatch(/^\d+$/);
      expect(jwt.clientId).toMatch(/^\d+$/);
      expect(new Set([basic.appId, basic.clientId, jwt.appId, jwt.clientId]).size).toBe(4);
      expect(jwt.clientSecret).toBeUndefined();
      expectAddDetails(client, jwt.details, 5n, orgId, added);
    }, SLOW);

    test("GetAppByID reads both apps back: ACTIVE, apiConfig with client id and auth method, read-type details", async () => {
      const [basic, jwt] = [(await played().basic).value, (await played().jwt).value];
      const read = await played().read;
      for (const [app, added, name, authMethod] of [
        [read[0]!, basic, "basic-app", "BASIC"],
        [read[1]!, jwt, "jwt-app", "PRIVATE_KEY_JWT"],
      ] as const) {
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
      expectError(await played().unknownApp, UNKNOWN_APP);
    }, SLOW);

    test("a call without a token is Unauthenticated 'auth header missing'", async () => {
      expectError(await played().noToken, NO_TOKEN);
    }, SLOW);

    test("an x-zitadel-orgid naming no org is PermissionDenied AUTH-Bs7Ds", async () => {
      expectError(await played().unknownOrg, UNKNOWN_ORG);
    }, SLOW);
  });

  describe("across clients", () => {
    test("every app and client id issued across all clients is distinct", async () => {
      const added = await Promise.all(plays.flatMap((played) => [played.basic, played.jwt]));
      const issuedIds = added.flatMap(({ value }) => [value.appId, value.clientId]);
      expect(issuedIds).toHaveLength(clients.length * 4);
      expect(new Set(issuedIds).size).toBe(issuedIds.length);
    });

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
