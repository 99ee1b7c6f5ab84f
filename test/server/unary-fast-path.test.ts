import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Code, ConnectError, createConnectRouter, type ConnectRouter, type Interceptor } from "@connectrpc/connect";
import * as http from "node:http";
import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { gunzipSync, gzipSync } from "node:zlib";
import { AddAPIAppRequestSchema, AddAPIAppResponseSchema, ManagementService } from "../../src/gen/zitadel/management_pb.js";
import { ErrorDetailSchema } from "../../src/gen/zitadel/message_pb.js";
import { createConnectHandler } from "../../src/server/connect-handler.js";
import { createRequestClassifier } from "../../src/server/classified-request.js";
import { createUnaryFastPath } from "../../src/server/connect-compat/unary-fast-path.js";
import { recordUnarySpecs, type UnarySpec } from "../../src/server/connect-compat/unary-call.js";
import { createMuxServer, type MuxServer } from "../../src/server/mux.js";
import { envelope, grpcWebStatus, h2cRequest, type RawResponse } from "./raw-http2.js";

const readMaxBytes = 1024;
const path = "/zitadel.management.v1.ManagementService/AddAPIApp";

/** AddAPIApp whose name picks what happens, so every way a call can end is one request away. */
const routes = (router: ConnectRouter) =>
  router.service(ManagementService, {
    async addAPIApp(req, ctx) {
      ctx.responseHeader.set("x-impl-header", ctx.requestHeader.get("x-echo") ?? "none");
      ctx.responseTrailer.set("x-impl-trailer", "t");
      if (req.name === "fail") {
        throw new ConnectError("Anwendung: nicht/gefunden 100%", Code.NotFound, { "x-error-meta": "m" }, [
          { desc: ErrorDetailSchema, value: { id: "APP-1", message: "nope" } },
        ]);
      }
      if (req.name === "throw") throw new Error("database on fire");
      if (req.name === "slow") await abortableSleep(300, ctx.signal);
      return { appId: "1", clientId: "2", clientSecret: "x".repeat(req.name === "big" ? 2000 : 10) };
    },
  });

/** Runs around every call on both paths: shows that the interceptors see the call and can shape the answer. */
const stampingInterceptor: Interceptor = (next) => async (req) => {
  const res = await next(req);
  res.header.set("x-interceptor", `${req.method.name}/${req.requestMethod}`);
  return res;
};

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(timer), reject(signal.reason)));
  });
}

const message = (name: string) => toBinary(AddAPIAppRequestSchema, create(AddAPIAppRequestSchema, { projectId: "p", name }));

type Route = "fast" | "fallback" | "declined";
/** Request headers, body, and which way the fast path must send it. */
const cases: [string, Record<string, string>, Buffer, Route][] = [
  ["ok", {}, envelope(message("ok")), "fast"],
  ["ok, application/grpc+proto", { "content-type": "application/grpc+proto" }, envelope(message("ok")), "fast"],
  ["request header seen by the implementation", { "x-echo": "hello" }, envelope(message("ok")), "fast"],
  ["error with details and metadata", {}, envelope(message("fail")), "fast"],
  ["an error that is not a ConnectError", {}, envelope(message("throw")), "fast"],
  ["deadline exceeded", { "grpc-timeout": "50m" }, envelope(message("slow")), "fast"],
  ["deadline not reached", { "grpc-timeout": "5S" }, envelope(message("slow")), "fast"],
  ["malformed grpc-timeout", { "grpc-timeout": "soon" }, envelope(message("ok")), "declined"],
  ["gzip request", { "grpc-encoding": "gzip" }, envelope(gzipSync(message("ok")), 1), "declined"],
  ["unknown request encoding", { "grpc-encoding": "snappy" }, envelope(message("ok")), "declined"],
  ["gRPC-Web", { "content-type": "application/grpc-web+proto" }, envelope(message("ok")), "fast"],
  ["gRPC-Web text (base64)", { "content-type": "application/grpc-web-text" }, envelope(message("ok")), "declined"],
  ["gRPC-Web JSON", { "content-type": "application/grpc-web+json" }, Buffer.from('\u0000\u0000\u0000\u0000\u0002{}'), "declined"],
  ["compressed flag without an encoding", {}, envelope(message("ok"), 1), "fallback"],
  ["undecodable message", {}, envelope(Buffer.from([0x0a, 0xff])), "fallback"],
  ["two messages", {}, Buffer.concat([envelope(message("a")), envelope(message("b"))]), "fallback"],
  ["incomplete envelope", {}, envelope(message("ok")).subarray(0, 7), "fallback"],
  ["empty body", {}, Buffer.alloc(0), "fallback"],
  ["message over readMaxBytes", {}, envelope(message("x".repeat(readMaxBytes * 3))), "fallback"],
];

const send = (port: number, headers: Record<string, string>, body: Buffer) =>
  h2cRequest(port, { ":path": path, "content-type": "application/grpc", te: "trailers", ...headers }, body);

/** A response as a client sees it, without the date and the length (framing; gRPC-Web's fast path states it, connect does not). */
function comparable(res: RawResponse) {
  const { date: _date, "content-length": _length, ...headers } = res.headers;
  return { headers, trailers: res.trailers, body: res.body.toString("base64") };
}

/** keygate's handler with the fast path and without it (every call through connect), each on its own port. */
function serverPair(): Record<"fast" | "connect", number> {
  const servers: MuxServer[] = [];
  const ports = { fast: 0, connect: 0 };
  beforeAll(async () => {
    for (const mode of ["fast", "connect"] as const) {
      const { handler } = createConnectHandler({ routes, readMaxBytes, interceptors: [stampingInterceptor], unaryFastPath: mode === "fast" });
      const server = createMuxServer(handler);
      servers.push(server);
      ports[mode] = (await server.listen(0, "127.0.0.1")).port;
    }
  });
  afterAll(() => Promise.all(servers.map((s) => s.close())));
  return ports;
}

describe("keygate's handler answers every unary gRPC request alike with and without the fast path", () => {
  const ports = serverPair();

  it.each(cases)("%s", async (_name, headers, body) => {
    const [viaFastPath, viaConnect] = await Promise.all([send(ports.fast, headers, body), send(ports.connect, headers, body)]);
    expect(comparable(viaFastPath)).toEqual(comparable(viaConnect));
  });

  it("carries status, grpc-go encoded message, details and metadata in the trailers", async () => {
    const res = await send(ports.fast, {}, envelope(message("fail")));
    expect(res.trailers["grpc-status"]).toBe(String(Code.NotFound));
    expect(res.trailers["grpc-message"]).toBe("Anwendung: nicht/gefunden 100%25");
    expect(res.trailers["x-error-meta"]).toBe("m");
    expect(res.trailers["grpc-status-details-bin"]).toBeDefined();
    expect(res.headers["x-interceptor"]).toBeUndefined();
  });

  it("runs the interceptors and the implementation on a successful call", async () => {
    const res = await send(ports.fast, { "x-echo": "hi" }, envelope(message("ok")));
    expect(res.headers["x-interceptor"]).toBe("AddAPIApp/POST");
    expect(res.headers["x-impl-header"]).toBe("hi");
    expect(res.trailers).toMatchObject({ "grpc-status": "0", "x-impl-trailer": "t" });
  });

  it("answers uncompressed, as grpc-go does, when the request was not compressed, even if the client accepts gzip", async () => {
    const headers = { "grpc-accept-encoding": "identity,deflate,gzip" };
    const [viaFastPath, viaConnect] = await Promise.all([send(ports.fast, headers, envelope(message("big"))), send(ports.connect, headers, envelope(message("big")))]);
    expect(viaConnect.headers["grpc-encoding"]).toBe("gzip");
    expect(viaFastPath.headers["grpc-encoding"]).toBeUndefined();
    expect(viaFastPath.body[0]).toBe(0);
    const decoded = fromBinary(AddAPIAppResponseSchema, viaFastPath.body.subarray(5));
    expect(decoded.clientSecret).toBe("x".repeat(2000));
    expect(viaFastPath.trailers["grpc-status"]).toBe("0");
  });

  it("answers a gzip-compressed request through connect, compressed", async () => {
    const res = await send(ports.fast, { "grpc-encoding": "gzip", "grpc-accept-encoding": "gzip" }, envelope(gzipSync(message("big")), 1));
    expect(res.headers["grpc-encoding"]).toBe("gzip");
    expect(res.trailers["grpc-status"]).toBe("0");
  });

  it("survives a client that resets its call with an error code, before and after sending the message, and keeps serving", async () => {
    for (const sendFirst of [false, true]) {
      const session = http2.connect(`http://127.0.0.1:${ports.fast}`);
      const stream = session.request({ ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers" });
      stream.on("error", () => {});
      if (sendFirst) stream.write(envelope(message("slow")));
      await new Promise((resolve) => setTimeout(resolve, 30));
      stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
      await new Promise((resolve) => stream.once("close", resolve));
      // Closed once the server has seen everything sent on the connection, the reset included.
      await new Promise<void>((resolve) => session.close(resolve));
    }
    const res = await send(ports.fast, {}, envelope(message("ok")));
    expect(res.trailers["grpc-status"]).toBe("0");
  });

  it("answers DeadlineExceeded when the client's deadline passes", async () => {
    const res = await send(ports.fast, { "grpc-timeout": "20m" }, envelope(message("slow")));
    expect(res.trailers["grpc-status"]).toBe(String(Code.DeadlineExceeded));
  });
});

interface H1Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One request of AddAPIApp over HTTP/1.1, as a browser sends it. */
function h1Request(port: number, headers: Record<string, string>, body: Buffer, method = "POST"): Promise<H1Response> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path, agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const h1GrpcWebRequest = (port: number, headers: Record<string, string>, body: Buffer) =>
  h1Request(port, { "content-type": "application/grpc-web+proto", "x-grpc-web": "1", ...headers }, body);

/** A response as a browser sees it, without what only frames the bytes (date, length, chunking, keep-alive). */
function comparableWeb(res: H1Response) {
  const { date: _date, "content-length": _length, "transfer-encoding": _chunked, connection: _connection, "keep-alive": _keepAlive, ...headers } = res.headers;
  return { status: res.status, headers, body: res.body.toString("base64") };
}

describe("keygate's handler answers every unary gRPC-Web request over HTTP/1.1 alike with and without the fast path", () => {
  const ports = serverPair();

  const webCases = cases.filter(([, headers]) => headers["content-type"] === undefined);
  it.each(webCases)("%s", async (_name, headers, body) => {
    const [viaFastPath, viaConnect] = await Promise.all([h1GrpcWebRequest(ports.fast, headers, body), h1GrpcWebRequest(ports.connect, headers, body)]);
    expect(comparableWeb(viaFastPath)).toEqual(comparableWeb(viaConnect));
  });

  it("carries the status, connect's encoding of the message and the metadata in the trailer frame after the message", async () => {
    const failed = await h1GrpcWebRequest(ports.fast, {}, envelope(message("fail")));
    expect(failed.status).toBe(200);
    expect(grpcWebStatus(failed.body)).toEqual({ status: String(Code.NotFound), message: encodeURIComponent("Anwendung: nicht/gefunden 100%") });
    expect(failed.body.toString("latin1")).toContain("x-error-meta: m");
    const ok = await h1GrpcWebRequest(ports.fast, { "x-echo": "hi" }, envelope(message("ok")));
    expect(ok.headers["x-impl-header"]).toBe("hi");
    expect(ok.headers["x-interceptor"]).toBe("AddAPIApp/POST");
    expect(grpcWebStatus(ok.body).status).toBe("0");
    expect(ok.body.toString("latin1")).toContain("x-impl-trailer: t");
    expect(fromBinary(AddAPIAppResponseSchema, ok.body.subarray(5, 5 + ok.body.readUInt32BE(1))).clientSecret).toBe("x".repeat(10));
  });
});

const connectJson = (name: string, extra: Record<string, unknown> = {}) => Buffer.from(JSON.stringify({ projectId: "p", name, ...extra }));
const json = { "content-type": "application/json" };
const proto = { "content-type": "application/proto" };

/** Request headers, body and method of Connect unary calls, and which way the fast path must send them. */
const connectCases: [string, Record<string, string>, Buffer, string, Route][] = [
  ["JSON", json, connectJson("ok"), "POST", "fast"],
  ["JSON with a charset", { "content-type": "application/json; charset=utf-8" }, connectJson("ok"), "POST", "fast"],
  ["JSON with the protocol version header", { ...json, "connect-protocol-version": "1" }, connectJson("ok"), "POST", "fast"],
  ["JSON with an unknown field (ignored)", json, connectJson("ok", { unknownField: 1 }), "POST", "fast"],
  ["binary", proto, Buffer.from(message("ok")), "POST", "fast"],
  ["an empty binary message", proto, Buffer.alloc(0), "POST", "fast"],
  ["request header seen by the implementation", { ...json, "x-echo": "hello" }, connectJson("ok"), "POST", "fast"],
  ["error with details and metadata", json, connectJson("fail"), "POST", "fast"],
  ["error with details, binary", proto, Buffer.from(message("fail")), "POST", "fast"],
  ["an error that is not a ConnectError", json, connectJson("throw"), "POST", "fast"],
  ["deadline exceeded", { ...json, "connect-timeout-ms": "50" }, connectJson("slow"), "POST", "fast"],
  ["deadline not reached", { ...json, "connect-timeout-ms": "5000" }, connectJson("slow"), "POST", "fast"],
  ["a large answer to a client that accepts gzip", { ...json, "accept-encoding": "gzip, deflate, br" }, connectJson("big"), "POST", "fast"],
  ["a small answer to a client that accepts gzip", { ...json, "accept-encoding": "gzip" }, connectJson("ok"), "POST", "fast"],
  ["a large answer to a client that accepts nothing", json, connectJson("big"), "POST", "fast"],
  ["malformed connect-timeout-ms", { ...json, "connect-timeout-ms": "soon" }, connectJson("ok"), "POST", "declined"],
  ["gzip request", { ...json, "content-encoding": "gzip" }, gzipSync(connectJson("ok")), "POST", "declined"],
  ["GET", json, Buffer.alloc(0), "GET", "declined"],
  ["undecodable JSON", json, Buffer.from("{nope"), "POST", "fallback"],
  ["JSON of the wrong shape", json, Buffer.from('{"name": 5}'), "POST", "fallback"],
  ["an empty JSON body", json, Buffer.alloc(0), "POST", "fallback"],
  ["undecodable binary", proto, Buffer.from([0x0a, 0xff]), "POST", "fallback"],
  ["message over readMaxBytes", json, connectJson("x".repeat(readMaxBytes * 3)), "POST", "fallback"],
];

describe("keygate's handler answers every unary Connect request over HTTP/1.1 alike with and without the fast path", () => {
  const ports = serverPair();

  it.each(connectCases)("%s", async (_name, headers, body, method) => {
    const [viaFastPath, viaConnect] = await Promise.all([h1Request(ports.fast, headers, body, method), h1Request(ports.connect, headers, body, method)]);
    const { "content-length": fastLength, ...fast } = viaFastPath.headers;
    const { "content-length": connectLength, ...connect } = viaConnect.headers;
    expect(comparableWeb({ ...viaFastPath, headers: fast })).toEqual(comparableWeb({ ...viaConnect, headers: connect }));
    // Connect states the length of every unary answer; so must the fast path.
    if (method === "POST") expect(fastLength).toBe(connectLength);
  });

  it("sends the implementation's trailers as trailer- headers, the error as JSON with its HTTP status, large answers gzipped", async () => {
    const ok = await h1Request(ports.fast, { ...json, "x-echo": "hi" }, connectJson("ok"));
    expect(ok.status).toBe(200);
    expect(ok.headers).toMatchObject({ "content-type": "application/json", "x-impl-header": "hi", "trailer-x-impl-trailer": "t", "x-interceptor": "AddAPIApp/POST" });
    expect(JSON.parse(ok.body.toString())).toEqual({ appId: "1", clientId: "2", clientSecret: "x".repeat(10) });
    const failed = await h1Request(ports.fast, json, connectJson("fail"));
    expect(failed.status).toBe(404);
    expect(failed.headers["x-error-meta"]).toBe("m");
    expect(JSON.parse(failed.body.toString())).toMatchObject({ code: "not_found", message: "Anwendung: nicht/gefunden 100%" });
    const big = await h1Request(ports.fast, { ...json, "accept-encoding": "gzip" }, connectJson("big"));
    expect(big.headers["content-encoding"]).toBe("gzip");
    expect(JSON.parse(gunzipSync(big.body).toString()).clientSecret).toBe("x".repeat(2000));
  });
});

describe("the fast path takes the well-formed unary calls and hands everything else to connect", () => {
  let server: http2.Http2Server;
  let port = 0;
  const seen: { route: Route; replayed?: Buffer }[] = [];

  beforeAll(async () => {
    const specs = new Map<string, UnarySpec>();
    routes(recordUnarySpecs(createConnectRouter(), specs));
    const fastPath = createUnaryFastPath(specs, { interceptors: [], readMaxBytes, acceptCompression: [], onError: unexpected });
    const classify = createRequestClassifier({ rpcPaths: new Set(specs.keys()), httpPaths: new Set() });
    server = http2.createServer((req, res) => {
      const fallback = async (body: AsyncIterable<Uint8Array>) => {
        const chunks: Uint8Array[] = [];
        for await (const chunk of body) chunks.push(chunk);
        seen.push({ route: "fallback", replayed: Buffer.concat(chunks) });
        res.writeHead(200, { "content-type": "application/grpc" });
        res.end();
      };
      if (fastPath(req, res, classify(req), (body) => void fallback(body))) {
        res.once("finish", () => seen.at(-1)?.route !== "fallback" && seen.push({ route: "fast" }));
        return;
      }
      seen.push({ route: "declined" });
      res.writeHead(200, { "content-type": "application/grpc" });
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each(cases)("%s", async (_name, headers, body, route) => {
    seen.length = 0;
    await send(port, headers, body);
    expect(seen.map((s) => s.route)).toEqual([route]);
    // What connect gets is exactly what the client sent, whether the fast path read some of it or all.
    if (route === "fallback") expect(seen[0]!.replayed!.equals(body)).toBe(true);
  });

  it.each(connectCases)("Connect: %s", async (_name, headers, body, method, route) => {
    seen.length = 0;
    await h2cRequest(port, { ":path": path, ...headers, ":method": method }, body);
    expect(seen.map((s) => s.route)).toEqual([route]);
    if (route === "fallback") expect(seen[0]!.replayed!.equals(body)).toBe(true);
  });

  it("leaves paths without a unary implementation alone", () => {
    const specs = new Map<string, UnarySpec>();
    const fastPath = createUnaryFastPath(specs, { interceptors: [], readMaxBytes, acceptCompression: [], onError: unexpected });
    const req = { method: "POST", url: path, headers: { "content-type": "application/grpc" } } as unknown as http2.Http2ServerRequest;
    const request = createRequestClassifier({ rpcPaths: new Set([path]), httpPaths: new Set() })(req);
    expect(fastPath(req, {} as http2.Http2ServerResponse, request, () => {})).toBe(false);
  });
});

function unexpected(error: unknown): never {
  throw error;
}
