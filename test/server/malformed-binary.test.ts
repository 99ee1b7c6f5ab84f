import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import * as http from "node:http";
import { gzipSync } from "node:zlib";
import type grpc from "@grpc/grpc-js";
import { AddAPIAppRequestSchema, AddAPIAppResponseSchema } from "../../src/gen/zitadel/management_pb.js";
import { startTestServer, testReadMaxBytes, testRoutes } from "./fixture.js";
import type { TestServer } from "./fixture.js";
import { grpcJsClient, grpcJsUnary } from "./grpc-js-client.js";
import { envelope, grpcWebStatus, h2cRequest } from "./raw-http2.js";

let t: TestServer;
let grpcJs: grpc.Client;

beforeAll(async () => {
  t = await startTestServer();
  grpcJs = grpcJsClient(t.port);
});
afterAll(async () => {
  grpcJs.close();
  await t.close();
});
beforeEach(() => {
  t.seen.length = 0;
});

const path = "/zitadel.management.v1.ManagementService/AddAPIApp";
const auth = { authorization: "Bearer token-1" };
/** Field 1 (project_id) announces 5 bytes and brings 1: "premature EOF". */
const truncated = Buffer.from([0x0a, 0x05, 0x61]);
/** A tag varint that never ends. */
const endlessVarint = Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
const valid = Buffer.from(toBinary(AddAPIAppRequestSchema, create(AddAPIAppRequestSchema, { projectId: "p1", name: "n" })));

describe("undecodable binary request bodies are the client's fault: InvalidArgument", () => {
  it("gRPC (grpc-js, h2c): grpc-status 3, and the interceptor never runs", async () => {
    for (const garbage of [truncated, endlessVarint]) {
      const { error } = await grpcJsUnary(grpcJs, path, (b: Buffer) => b, (b) => fromBinary(AddAPIAppResponseSchema, b), garbage, auth);
      expect(error?.code).toBe(3);
      expect(error?.details).toMatch(/^invalid protobuf message: /);
    }
    expect(t.seen).toEqual([]);
  });

  it("gRPC with a gzip-compressed malformed message: grpc-status 3", async () => {
    const res = await h2cRequest(
      t.port,
      { ":path": path, "content-type": "application/grpc", te: "trailers", "grpc-encoding": "gzip", ...auth },
      envelope(gzipSync(truncated), 1),
    );
    expect(res.trailers["grpc-status"] ?? res.headers["grpc-status"]).toBe("3");
  });

  it("gRPC-Web over HTTP/1.1: grpc-status 3 in the trailer frame", async () => {
    const res = await fetch(`${t.baseUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/grpc-web+proto", ...auth },
      body: envelope(truncated),
    });
    expect(res.status).toBe(200);
    const trailer = grpcWebStatus(Buffer.from(await res.arrayBuffer()));
    expect(res.headers.get("grpc-status") ?? trailer.status).toBe("3");
    expect(decodeURIComponent(trailer.message ?? "")).toMatch(/^invalid protobuf message: /);
  });

  it("Connect binary over HTTP/1.1 and h2c: HTTP 400 invalid_argument", async () => {
    const res = await fetch(`${t.baseUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/proto", ...auth },
      body: truncated,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ code: "invalid_argument", message: expect.stringMatching(/^invalid protobuf message: /) });

    const h2 = await h2cRequest(t.port, { ":path": path, "content-type": "application/proto", ...auth }, endlessVarint);
    expect(h2.headers[":status"]).toBe(400);
    expect(JSON.parse(h2.body.toString())).toMatchObject({ code: "invalid_argument" });
  });

  it("still accepts a valid message split into 1-byte chunks (gRPC-Web)", async () => {
    const bytes = envelope(valid);
    let i = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (i < bytes.length) controller.enqueue(bytes.subarray(i, ++i));
        else controller.close();
      },
    });
    const res = await fetch(`${t.baseUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/grpc-web+proto", ...auth },
      body,
      duplex: "half",
    } as RequestInit);
    const out = Buffer.from(await res.arrayBuffer());
    expect(grpcWebStatus(out).status).toBe("0");
    const length = out.readUInt32BE(1);
    expect(fromBinary(AddAPIAppResponseSchema, out.subarray(5, 5 + length))).toMatchObject({ appId: "app-of-p1", clientId: "n" });
  });
});

describe("other request errors keep connect's own codes", () => {
  it("a message over readMaxBytes: ResourceExhausted, not InvalidArgument", async () => {
    const big = Buffer.from(toBinary(AddAPIAppRequestSchema, create(AddAPIAppRequestSchema, { name: "x".repeat(testReadMaxBytes) })));
    const { error } = await grpcJsUnary(grpcJs, path, (b: Buffer) => b, (b) => fromBinary(AddAPIAppResponseSchema, b), big, auth);
    expect(error?.code).toBe(8);
  });

  it("an unknown grpc-encoding: Unimplemented", async () => {
    const res = await h2cRequest(
      t.port,
      { ":path": path, "content-type": "application/grpc", te: "trailers", "grpc-encoding": "snappy", ...auth },
      envelope(truncated, 1),
    );
    expect(res.trailers["grpc-status"] ?? res.headers["grpc-status"]).toBe("12");
  });

  it("an unsupported content-type on an RPC path: HTTP 415", async () => {
    for (const contentType of ["text/plain", "application/grpc-web-text", "application/xml"]) {
      const res = await fetch(`${t.baseUrl}${path}`, { method: "POST", headers: { "content-type": contentType, ...auth }, body: valid });
      expect({ contentType, status: res.status }).toEqual({ contentType, status: 415 });
    }
  });

  it("malformed Connect JSON stays InvalidArgument", async () => {
    const res = await fetch(`${t.baseUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...auth },
      body: '{"name":',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "invalid_argument" });
  });
});

describe("the trap this guards against", () => {
  it("plain connectNodeAdapter answers the same bytes with Internal (HTTP 500)", async () => {
    const server = http.createServer(connectNodeAdapter({ routes: testRoutes }));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    try {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, {
        method: "POST",
        headers: { "content-type": "application/proto", connection: "close" },
        body: truncated,
      });
      expect(res.status).toBe(500);
      expect(await res.json()).toMatchObject({ code: "internal" });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
