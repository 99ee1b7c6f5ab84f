import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import type { Transport } from "@connectrpc/connect";
import {
  Http2SessionManager,
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import type grpc from "@grpc/grpc-js";
import {
  AddAPIAppRequestSchema,
  AddAPIAppResponseSchema,
  GetAppByIDRequestSchema,
  GetAppByIDResponseSchema,
  ManagementService,
} from "../../src/gen/zitadel/management_pb.js";
import { APIAuthMethodType } from "../../src/gen/zitadel/app_pb.js";
import { ErrorDetailSchema } from "../../src/gen/zitadel/message_pb.js";
import { managementPrefix, punctuatedMessage, startTestServer } from "./fixture.js";
import { envelope, h2cRequest } from "./raw-http2.js";
import type { TestServer } from "./fixture.js";
import { grpcJsClient, grpcJsUnary } from "./grpc-js-client.js";

let t: TestServer;
let sessions: Http2SessionManager;
let grpcJs: grpc.Client;
let transports: Array<[string, Transport, string]>;

beforeAll(async () => {
  t = await startTestServer();
  sessions = new Http2SessionManager(t.baseUrl);
  const baseUrl = t.baseUrl;
  // [name, transport, the content-type the server must see]
  transports = [
    ["gRPC (h2c)", createGrpcTransport({ baseUrl, sessionManager: sessions }), "application/grpc+proto"],
    ["gRPC-Web (HTTP/1.1)", createGrpcWebTransport({ baseUrl, httpVersion: "1.1" }), "application/grpc-web+proto"],
    ["gRPC-Web (h2c)", createGrpcWebTransport({ baseUrl, httpVersion: "2", sessionManager: sessions }), "application/grpc-web+proto"],
    ["Connect JSON (HTTP/1.1)", createConnectTransport({ baseUrl, httpVersion: "1.1", useBinaryFormat: false }), "application/json"],
    ["Connect binary (HTTP/1.1)", createConnectTransport({ baseUrl, httpVersion: "1.1", useBinaryFormat: true }), "application/proto"],
    ["Connect JSON (h2c)", createConnectTransport({ baseUrl, httpVersion: "2", sessionManager: sessions, useBinaryFormat: false }), "application/json"],
    ["Connect binary (h2c)", createConnectTransport({ baseUrl, httpVersion: "2", sessionManager: sessions, useBinaryFormat: true }), "application/proto"],
  ];
  grpcJs = grpcJsClient(t.port);
});

afterAll(async () => {
  grpcJs.close();
  sessions.abort();
  await t.close();
});

beforeEach(() => {
  t.seen.length = 0;
});

const headers = { authorization: "Bearer token-1", "x-zitadel-orgid": "org-1" };
const addRequest = { projectId: "p1", name: "api", authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT };
const addPath = "/zitadel.management.v1.ManagementService/AddAPIApp";

describe("one handler, one interceptor chain, four protocols", () => {
  it("serves AddAPIApp identically over gRPC, gRPC-Web, Connect and REST", async () => {
    const expected = { appId: "app-of-p1", clientId: "api", clientSecret: "auth-method-1" };
    const seenTypes: string[] = [];
    for (const [name, transport, contentType] of transports) {
      const client = createClient(ManagementService, transport);
      const res = await client.addAPIApp(addRequest, { headers });
      expect({ name, appId: res.appId, clientId: res.clientId, clientSecret: res.clientSecret }).toEqual({ name, ...expected });
      seenTypes.push(contentType);
    }

    const viaGrpcJs = await grpcJsUnary(
      grpcJs,
      addPath,
      (m: typeof addRequest) => Buffer.from(toBinary(AddAPIAppRequestSchema, { $typeName: AddAPIAppRequestSchema.typeName, ...m })),
      (b) => fromBinary(AddAPIAppResponseSchema, b),
      addRequest,
      headers,
    );
    expect(viaGrpcJs.error).toBeUndefined();
    expect(viaGrpcJs.response).toMatchObject(expected);
    seenTypes.push("application/grpc");

    const viaRest = await fetch(`${t.baseUrl}${managementPrefix}/projects/p1/apps/api`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ name: "api", authMethodType: "API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT" }),
    });
    expect(viaRest.status).toBe(200);
    expect(await viaRest.json()).toEqual(expected);
    seenTypes.push("application/json");

    // Every call went through the same interceptor, with the caller's headers.
    expect(t.seen.map((s) => s.contentType)).toEqual(seenTypes);
    for (const s of t.seen) {
      expect(s).toMatchObject({ method: "AddAPIApp", authorization: "Bearer token-1", orgId: "org-1" });
    }
    // Only the last call came from REST, and the interceptor can tell.
    expect(t.seen.map((s) => s.rest?.httpMethod)).toEqual([...transports.map(() => undefined), undefined, "POST"]);
  });

  it("carries a NotFound error with its zitadel.v1.ErrorDetail on every protocol", async () => {
    for (const [name, transport] of transports) {
      const client = createClient(ManagementService, transport);
      const error = await client.getAppByID({ projectId: "p1", appId: "missing" }, { headers }).then(
        () => undefined,
        (e: unknown) => ConnectError.from(e),
      );
      expect({ name, code: error?.code, message: error?.rawMessage }).toEqual({
        name,
        code: Code.NotFound,
        message: "Errors.App.NotExisting (QUERY-pCP8P)",
      });
      expect(error?.findDetails(ErrorDetailSchema).map((d) => d.id)).toEqual(["QUERY-pCP8P"]);
    }
    const viaGrpcJs = await grpcJsUnary(
      grpcJs,
      "/zitadel.management.v1.ManagementService/GetAppByID",
      (m: { projectId: string; appId: string }) => Buffer.from(toBinary(GetAppByIDRequestSchema, { $typeName: GetAppByIDRequestSchema.typeName, ...m })),
      (b) => fromBinary(GetAppByIDResponseSchema, b),
      { projectId: "p1", appId: "missing" },
      headers,
    );
    expect(viaGrpcJs.error?.code).toBe(5);
    expect(viaGrpcJs.error?.details).toBe("Errors.App.NotExisting (QUERY-pCP8P)");
    expect(viaGrpcJs.error?.metadata.get("grpc-status-details-bin")).toHaveLength(1);
  });

  it("sends grpc-message percent-encoded as grpc-go does, readable by grpc-js and connect", async () => {
    const viaGrpcJs = await grpcJsUnary(
      grpcJs,
      "/zitadel.management.v1.ManagementService/GetAppByID",
      (m: { projectId: string; appId: string }) => Buffer.from(toBinary(GetAppByIDRequestSchema, { $typeName: GetAppByIDRequestSchema.typeName, ...m })),
      (b) => fromBinary(GetAppByIDResponseSchema, b),
      { projectId: "p1", appId: "punctuated" },
      headers,
    );
    expect(viaGrpcJs.error?.details).toBe(punctuatedMessage);
    for (const [name, transport] of transports) {
      const client = createClient(ManagementService, transport);
      const error = await client.getAppByID({ projectId: "p1", appId: "punctuated" }, { headers }).then(
        () => undefined,
        (e: unknown) => ConnectError.from(e),
      );
      expect({ name, message: error?.rawMessage }).toEqual({ name, message: punctuatedMessage });
    }
    const raw = await h2cRequest(
      t.port,
      { ":path": "/zitadel.management.v1.ManagementService/GetAppByID", "content-type": "application/grpc", te: "trailers", ...headers },
      envelope(toBinary(GetAppByIDRequestSchema, create(GetAppByIDRequestSchema, { projectId: "p1", appId: "punctuated" }))),
    );
    expect(raw.trailers["grpc-message"]).toBe("Anwendung: nicht/gefunden, a=b & c; 100%25 (%C3%BC)");
  });

  it("rejects a call without Authorization in the interceptor, on every protocol", async () => {
    for (const [name, transport] of transports) {
      const client = createClient(ManagementService, transport);
      const error = await client.addAPIApp(addRequest).then(
        () => undefined,
        (e: unknown) => ConnectError.from(e),
      );
      expect({ name, code: error?.code, message: error?.rawMessage }).toEqual({
        name,
        code: Code.Unauthenticated,
        message: "auth header missing",
      });
    }
    expect(t.seen).toHaveLength(transports.length);
  });

  it("keeps a real internal error Internal", async () => {
    for (const [name, transport] of transports) {
      const client = createClient(ManagementService, transport);
      const error = await client.getAppByID({ projectId: "p1", appId: "boom" }, { headers }).then(
        () => undefined,
        (e: unknown) => ConnectError.from(e),
      );
      expect({ name, code: error?.code }).toEqual({ name, code: Code.Internal });
    }
  });
});
