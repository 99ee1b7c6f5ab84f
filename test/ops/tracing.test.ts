import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { randomBytes } from "node:crypto";
import { ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { Http2SessionManager, createGrpcTransport } from "@connectrpc/connect-node";
import { APIAuthMethodType } from "../../src/gen/zitadel/app_pb.js";
import { ManagementService } from "../../src/gen/zitadel/management_pb.js";
import { createLogger } from "../../src/logger.js";
import { parseTraceparent, startTracing, tracingWanted } from "../../src/server/tracing.js";
import { describeEachBackend, type Backend } from "../support/backends.js";
import { startTestKeygate, type TestKeygate } from "../support/keygate-server.js";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "../support/otlp-receiver.js";
import { captureLog, embedded, type LogCapture } from "./ops-support.js";

const addAPIApp = "zitadel.management.v1.ManagementService/AddAPIApp";
const getAppByID = "zitadel.management.v1.ManagementService/GetAppByID";
const SERVER = 2;
const CLIENT = 3;

/** A caller's trace context: a W3C traceparent and the ids it names. */
function callerTrace() {
  const traceId = randomBytes(16).toString("hex");
  const spanId = randomBytes(8).toString("hex");
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

/** Starts keygate with `env` set for as long as it starts (the SDK reads it then). */
async function startWithEnv(backend: Backend, env: Record<string, string>, log: LogCapture): Promise<TestKeygate> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await startTestKeygate(backend, { logLevel: "info" }, createLogger("info", log.stream));
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** ManagementService over gRPC (h2c), sending `traceparent` when given. */
function grpcClient(url: string, token: string, traceparent?: string) {
  const sessions = new Http2SessionManager(url);
  const headers: Interceptor = (next) => (req) => {
    req.header.set("authorization", `Bearer ${token}`);
    if (traceparent !== undefined) req.header.set("traceparent", traceparent);
    return next(req);
  };
  return { client: createClient(ManagementService, createGrpcTransport({ baseUrl: url, sessionManager: sessions, interceptors: [headers] })), close: () => sessions.abort() };
}

const requestLines = (log: LogCapture) => log.lines().filter((l) => l.msg === "request");

describeEachBackend("tracing over OTLP", (backend) => {
  let receiver: OtlpReceiver;
  let log: LogCapture;
  let orgId: string;
  const traced = callerTrace();
  const restTraced = callerTrace();
  let spans: ReceivedSpan[];

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    log = captureLog();
    const keygate = await startWithEnv(backend, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: "50" }, log);
    try {
      const plain = grpcClient(keygate.url, keygate.adminToken);
      const withParent = grpcClient(keygate.url, keygate.adminToken, traced.traceparent);
      try {
        orgId = (await plain.client.getMyOrg({})).org!.id;
        const project = await plain.client.addProject({ name: "traced" });
        await withParent.client.addAPIApp({ projectId: project.id, name: "grpc-traced", authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC });
        await plain.client.addAPIApp({ projectId: project.id, name: "grpc-untraced", authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC });
        await expect(plain.client.getAppByID({ projectId: project.id, appId: "404404404" })).rejects.toBeInstanceOf(ConnectError);
        const rest = await fetch(`${keygate.url}/management/v1/projects/${project.id}/apps/api`, {
          method: "POST",
          headers: { authorization: `Bearer ${keygate.adminToken}`, "content-type": "application/json", traceparent: restTraced.traceparent, "user-agent": "tracing-test/1.0" },
          body: JSON.stringify({ name: "rest-traced", authMethodType: "API_AUTH_METHOD_TYPE_BASIC" }),
        });
        expect(rest.status).toBe(200);
      } finally {
        plain.close();
        withParent.close();
      }
    } finally {
      // Closing flushes the spans still batched.
      await keygate.dispose();
    }
    spans = receiver.spans();
  });
  afterAll(() => receiver.close());

  const callSpan = (method: string, traceId?: string) =>
    spans.find((s) => s.kind === SERVER && s.name === method && (traceId === undefined || s.traceId === traceId));
  const childrenOf = (span: ReceivedSpan) => spans.filter((s) => s.parentSpanId === span.spanId);

  test("exports over OTLP http/protobuf, with service.name keygate", () => {
    expect(receiver.requests.length).toBeGreaterThan(0);
    for (const request of receiver.requests) expect(request.contentType).toBe("application/x-protobuf");
    expect(spans.length).toBeGreaterThan(0);
    for (const span of spans) expect(span.resource["service.name"]).toBe("keygate");
  });

  test("a gRPC call with a traceparent is a server span, child of the caller's, with the rpc attributes and the org", () => {
    const span = callSpan(addAPIApp, traced.traceId);
    expect(span).toBeDefined();
    expect(span!.parentSpanId).toBe(traced.spanId);
    expect(span!.attributes).toMatchObject({
      "rpc.system": "grpc",
      "rpc.service": "zitadel.management.v1.ManagementService",
      "rpc.method": "AddAPIApp",
      "rpc.grpc.status_code": 0,
      "keygate.org_id": orgId,
    });
    expect(span!.status.code).toBe(0);
  });

  test("the call's database round trips are client spans under it, with the statements and postgresql", () => {
    const span = callSpan(addAPIApp, traced.traceId)!;
    const db = childrenOf(span);
    expect(db.length).toBeGreaterThan(0);
    for (const child of db) {
      expect(child.kind).toBe(CLIENT);
      expect(child.traceId).toBe(traced.traceId);
      expect(child.attributes["db.system"]).toBe("postgresql");
      expect(child.attributes["db.query.text"]).toEqual(expect.any(String));
    }
    const texts = db.map((s) => String(s.attributes["db.query.text"]).toLowerCase());
    expect(texts.some((t) => t.includes("insert into"))).toBe(true);
    // Statements sent together are one span that names how many there were.
    const batch = db.find((s) => s.name === "BATCH");
    expect(batch).toBeDefined();
    expect(batch!.attributes["db.operation.batch.size"]).toBe(String(batch!.attributes["db.query.text"]).split(";\n").length);
  });

  test("a call without a traceparent starts its own trace", () => {
    const untraced = spans.filter((s) => s.kind === SERVER && s.name === addAPIApp && s.traceId !== traced.traceId && s.traceId !== restTraced.traceId);
    expect(untraced).toHaveLength(1);
    expect(untraced[0]!.parentSpanId).toBe("");
    expect(childrenOf(untraced[0]!).length).toBeGreaterThan(0);
  });

  test("a refused call carries its gRPC status; a client's mistake does not mark the span as failed", () => {
    const span = callSpan(getAppByID);
    expect(span?.attributes["rpc.grpc.status_code"]).toBe(5);
    expect(span?.status.code).toBe(0);
  });

  test("a REST call honours its traceparent and is named for the RPC it maps to", () => {
    const span = callSpan(addAPIApp, restTraced.traceId);
    expect(span?.parentSpanId).toBe(restTraced.spanId);
    expect(span?.attributes).toMatchObject({ "rpc.system": "connect_rpc", "rpc.method": "AddAPIApp", "keygate.org_id": orgId, "user_agent.original": "tracing-test/1.0" });
    expect(childrenOf(span!).length).toBeGreaterThan(0);
  });

  test("the request log line names the trace, the span, the request, the peer and the user agent", () => {
    const span = callSpan(addAPIApp, traced.traceId)!;
    const line = requestLines(log).find((l) => l.method === addAPIApp && l.traceId === traced.traceId);
    expect(line).toMatchObject({
      protocol: "grpc",
      spanId: span.spanId,
      requestId: expect.stringMatching(/^[\da-f-]{36}$/),
      remoteAddress: expect.stringMatching(/127\.0\.0\.1$/),
      userAgent: expect.stringMatching(/connect-es/),
    });
    const rest = requestLines(log).find((l) => l.protocol === "rest" && l.traceId === restTraced.traceId);
    expect(rest).toMatchObject({ spanId: callSpan(addAPIApp, restTraced.traceId)!.spanId, userAgent: "tracing-test/1.0" });
    const ids = requestLines(log).map((l) => l.requestId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("tracing off", () => {
  test("OTEL_TRACES_EXPORTER=none keeps it off even with an endpoint: nothing is exported", async () => {
    const receiver = await startOtlpReceiver();
    const log = captureLog();
    try {
      const keygate = await startWithEnv(embedded, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_TRACES_EXPORTER: "none", OTEL_BSP_SCHEDULE_DELAY: "50" }, log);
      const { client, close } = grpcClient(keygate.url, keygate.adminToken, callerTrace().traceparent);
      await client.getMyOrg({});
      close();
      await keygate.dispose();
      expect(receiver.requests).toEqual([]);
      expect(log.lines().some((l) => String(l.msg).startsWith("tracing"))).toBe(false);
    } finally {
      await receiver.close();
    }
  });

  test("without an endpoint the log line still has a request id, the peer and the user agent, and the caller's trace", async () => {
    const log = captureLog();
    const keygate = await startWithEnv(embedded, {}, log);
    const caller = callerTrace();
    try {
      const traced = grpcClient(keygate.url, keygate.adminToken, caller.traceparent);
      await traced.client.getMyOrg({});
      traced.close();
      await fetch(`${keygate.url}/management/v1/orgs/me`, { headers: { authorization: `Bearer ${keygate.adminToken}`, "user-agent": "plain/2" } });
    } finally {
      await keygate.dispose();
    }
    const lines = requestLines(log);
    const grpcLine = lines.find((l) => l.protocol === "grpc");
    expect(grpcLine).toMatchObject({ requestId: expect.stringMatching(/^[\da-f-]{36}$/), remoteAddress: expect.stringMatching(/127\.0\.0\.1$/), traceId: caller.traceId, spanId: caller.spanId });
    const restLine = lines.find((l) => l.protocol === "rest");
    expect(restLine).toMatchObject({ requestId: expect.any(String), remoteAddress: expect.stringMatching(/127\.0\.0\.1$/), userAgent: "plain/2" });
    expect(restLine).not.toHaveProperty("traceId");
    expect(restLine).not.toHaveProperty("spanId");
  });

  test("which variables turn it on", () => {
    expect(tracingWanted({})).toBe(false);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" })).toBe(true);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://collector:4318/v1/traces" })).toBe(true);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_SDK_DISABLED: "true" })).toBe(false);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_TRACES_EXPORTER: "otlp" })).toBe(true);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_TRACES_EXPORTER: "none" })).toBe(false);
  });

  test("an OTLP protocol other than http/protobuf is refused at start, by name", async () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4317", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" };
    await expect(startTracing(env, createLogger("silent"))).rejects.toThrow("OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported");
  });
});

describe("traceparent", () => {
  const id = "4bf92f3577b34da6a3ce929d0e0e4736";
  test.each([
    [`00-${id}-00f067aa0ba902b7-01`, { traceId: id, spanId: "00f067aa0ba902b7", traceFlags: 1 }],
    [`cc-${id}-00f067aa0ba902b7-00-future`, { traceId: id, spanId: "00f067aa0ba902b7", traceFlags: 0 }],
    [`00-${id}-00f067aa0ba902b7-01-extra`, undefined],
    [`ff-${id}-00f067aa0ba902b7-01`, undefined],
    [`00-${"0".repeat(32)}-00f067aa0ba902b7-01`, undefined],
    [`00-${id}-${"0".repeat(16)}-01`, undefined],
    [`00-${id.toUpperCase()}-00f067aa0ba902b7-01`, undefined],
    ["garbage", undefined],
  ])("%s", (header, expected) => {
    expect(parseTraceparent(header)).toEqual(expected);
  });
});
