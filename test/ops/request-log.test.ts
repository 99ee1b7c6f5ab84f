import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { errorInterceptor } from "../../src/api/interceptors.js";
import { Health } from "../../src/gen/grpc/health/v1/health_pb.js";
import { createConnectHandler } from "../../src/server/connect-handler.js";
import { createMuxServer } from "../../src/server/mux.js";
import { requestLog } from "../../src/server/request-log.js";
import { createRequestObserver } from "../../src/server/request-observer.js";
import { APIAuthMethodType } from "../../src/gen/zitadel/app_pb.js";
import { KeyType } from "../../src/gen/zitadel/auth_n_key_pb.js";
import { createLogger } from "../../src/logger.js";
import { captureLog, clientsFor, embedded, type LogCapture, type ProtocolName } from "./ops-support.js";
import { startTestKeygate, type TestKeygate } from "../support/keygate-server.js";

const protocols: ProtocolName[] = ["grpc", "grpc-web", "connect"];
const addAPIApp = "zitadel.management.v1.ManagementService/AddAPIApp";

describe("request logs", () => {
  let keygate: TestKeygate;
  let log: LogCapture;
  let orgId: string;
  /** Everything the calls below send or get back that must never reach a log. */
  const secrets: string[] = [];

  beforeAll(async () => {
    log = captureLog();
    keygate = await startTestKeygate(embedded, { logLevel: "info" }, createLogger("info", log.stream));
    secrets.push(keygate.adminToken);
    const { clients, close } = clientsFor(keygate.url, keygate.adminToken);
    const badToken = "not-a-real-token-but-must-not-be-logged-either";
    secrets.push(badToken);
    try {
      orgId = (await clients.connect.getMyOrg({})).org!.id;
      const project = await clients.connect.addProject({ name: "logged" });
      for (const protocol of protocols) {
        const client = clients[protocol];
        const basic = await client.addAPIApp({ projectId: project.id, name: `basic-${protocol}`, authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC });
        const regenerated = await client.regenerateAPIClientSecret({ projectId: project.id, appId: basic.appId });
        const jwt = await client.addAPIApp({ projectId: project.id, name: `jwt-${protocol}`, authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT });
        const key = await client.addAppKey({ projectId: project.id, appId: jwt.appId, type: KeyType.JSON });
        const keyFile = JSON.parse(new TextDecoder().decode(key.keyDetails)) as { key: string };
        secrets.push(basic.clientSecret, regenerated.clientSecret, keyFile.key, Buffer.from(key.keyDetails).toString("base64"));
        // The private key's body, line by line, in case only part of it leaked.
        secrets.push(...keyFile.key.split("\n").filter((l) => l.length > 40));
      }
      const rest = await fetch(`${keygate.url}/management/v1/projects/${project.id}/apps/api`, {
        method: "POST",
        headers: { authorization: `Bearer ${keygate.adminToken}`, "content-type": "application/json" },
        body: JSON.stringify({ name: "basic-rest", authMethodType: "API_AUTH_METHOD_TYPE_BASIC" }),
      });
      secrets.push(((await rest.json()) as { clientSecret: string }).clientSecret);
      for (const protocol of protocols) {
        const intruder = clientsFor(keygate.url, badToken);
        await expect(intruder.clients[protocol].getMyOrg({})).rejects.toBeInstanceOf(ConnectError);
        intruder.close();
      }
      await fetch(`${keygate.url}/management/v1/orgs/me`, { headers: { authorization: `Bearer ${badToken}` } });
    } finally {
      close();
    }
  });
  afterAll(() => keygate.dispose());

  const requestLines = () => log.lines().filter((l) => l.msg === "request");

  test.each([...protocols, "rest"])("AddAPIApp over %s is logged with method, code, duration, org and caller", (protocol) => {
    const line = requestLines().find((l) => l.protocol === protocol && l.method === addAPIApp);
    expect(line).toMatchObject({ level: 30, code: "ok", httpStatus: 200, orgId, callerId: keygate.adminUserId, durationMs: expect.any(Number) });
    if (protocol === "rest") expect(line?.http).toMatch(/^POST \/management\/v1\/projects\/\d+\/apps\/api$/);
  });

  test("AddAppKey and RegenerateAPIClientSecret are logged on every protocol", () => {
    for (const method of ["AddAppKey", "RegenerateAPIClientSecret"]) {
      const seen = requestLines().filter((l) => l.method === `zitadel.management.v1.ManagementService/${method}` && l.code === "ok");
      expect(seen.map((l) => l.protocol).sort()).toEqual([...protocols].sort());
    }
  });

  test("a bad token is logged as unauthenticated, with the error's message and no caller", () => {
    const rejected = requestLines().filter((l) => l.code === "unauthenticated");
    expect(rejected.map((l) => l.protocol).sort()).toEqual(["connect", "grpc", "grpc-web", "rest"]);
    for (const line of rejected) {
      expect(line.error).toBe("Errors.Token.Invalid (AUTH-7fs1e)");
      expect(line.callerId).toBeUndefined();
    }
  });

  test("no token, client secret or private key appears anywhere in the log", () => {
    const text = log.text();
    expect(secrets.length).toBeGreaterThan(20);
    for (const secret of secrets) expect(text.includes(secret)).toBe(false);
    expect(text).not.toContain("PRIVATE KEY");
    expect(text).not.toMatch(/bearer /i);
  });
});

describe("log level and redaction", () => {
  test("at KEYGATE_LOG_LEVEL=warn, successful requests are not logged", async () => {
    const log = captureLog();
    const keygate = await startTestKeygate(embedded, {}, createLogger("warn", log.stream));
    try {
      await fetch(`${keygate.url}/zitadel.management.v1.ManagementService/Healthz`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      expect(log.lines().filter((l) => l.msg === "request")).toEqual([]);
    } finally {
      await keygate.dispose();
    }
  });

  test("credentials passed to the logger by mistake are redacted", () => {
    const log = captureLog();
    const logger = createLogger("info", log.stream);
    logger.info({ authorization: "Bearer t1", headers: { authorization: "Bearer t2", cookie: "c1" }, req: { headers: { authorization: "Bearer t3" } } }, "headers");
    logger.info({ clientSecret: "s1", app: { clientSecret: "s2" }, keyDetails: "k1", privateKey: "k2", token: "t4", secret: "s3" }, "values");
    const text = log.text();
    for (const leaked of ["t1", "t2", "t3", "t4", "c1", "s1", "s2", "s3", "k1", "k2"]) expect(text).not.toContain(`"${leaked}"`);
    expect(text).toContain("[redacted]");
  });

  test("a failed call's line carries the error and its cause; internal errors are logged whole beside it", async () => {
    const log = captureLog();
    const logger = createLogger("info", log.stream);
    const observer = createRequestObserver([requestLog(logger)]);
    const connect = createConnectHandler({
      routes: (router) =>
        router.service(Health, {
          check(req) {
            if (req.service === "down") throw new ConnectError("database unavailable", Code.Unavailable, undefined, undefined, new Error("connect ECONNREFUSED"));
            throw new Error("bug with details");
          },
          watch: async function* () {},
          list: () => ({}),
        }),
      interceptors: [observer.interceptor, errorInterceptor({ onInternal: (err) => logger.error({ err }, "internal error") })],
      contextValues: observer.contextValues,
    });
    const server = createMuxServer(observer.wrap(connect.handler, connect.classify));
    const { port } = await server.listen(0, "127.0.0.1");
    try {
      const health = createClient(Health, createConnectTransport({ baseUrl: `http://127.0.0.1:${port}`, httpVersion: "1.1" }));
      await expect(health.check({ service: "down" })).rejects.toBeInstanceOf(ConnectError);
      await expect(health.check({ service: "bug" })).rejects.toBeInstanceOf(ConnectError);
      const lines = log.lines();
      expect(lines.find((l) => l.code === "unavailable")).toMatchObject({ level: 40, error: "database unavailable: connect ECONNREFUSED", method: "grpc.health.v1.Health/Check" });
      expect(lines.find((l) => l.code === "internal")).toMatchObject({ level: 40, error: "internal error" });
      const internal = lines.find((l) => l.msg === "internal error") as { err?: { message: string; stack: string } } | undefined;
      expect(internal?.err?.message).toBe("bug with details");
      expect(internal?.err?.stack).toContain("bug with details");
    } finally {
      await server.close(1000);
    }
  });
});
