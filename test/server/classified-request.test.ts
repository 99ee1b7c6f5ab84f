import { describe, expect, it } from "vitest";
import { createConnection } from "node:net";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequestClassifier } from "../../src/server/classified-request.js";
import type { NodeRequest } from "../../src/server/node-http.js";
import { readBody, readBodyWithin } from "../../src/server/read-body.js";

const rpcPath = "/zitadel.management.v1.ManagementService/GetAppByID";
const classify = createRequestClassifier({ rpcPaths: new Set([rpcPath]), httpPaths: new Set(["/healthz"]) });
const request = (url: string, contentType?: string) => ({ url, headers: contentType === undefined ? {} : { "content-type": contentType } }) as unknown as NodeRequest;

describe("a request is classified once at the door", () => {
  it.each([
    // [url, content type, protocol, framing layout, Connect unary]
    [rpcPath, "application/grpc", "grpc", "enveloped", undefined],
    [rpcPath, "Application/GRPC+proto", "grpc", "enveloped", undefined],
    [rpcPath, "application/grpc+json", "grpc", undefined, undefined],
    [rpcPath, "application/grpc-web+proto", "grpc-web", "enveloped", undefined],
    [rpcPath, "application/grpc-web-text", "grpc-web", undefined, undefined],
    [rpcPath, "application/connect+proto", "connect", "enveloped", undefined],
    [rpcPath, "application/connect+json", "connect", undefined, undefined],
    [rpcPath, "application/proto", "connect", "whole", "proto"],
    [rpcPath, "application/json; charset=utf-8", "connect", undefined, "json"],
    [rpcPath, undefined, "connect", undefined, undefined],
    ["/healthz?verbose", undefined, "http", undefined, undefined],
    ["/management/v1/projects/1?x=1", "application/json", "rest", undefined, "json"],
    ["/healthz", "application/grpc", "grpc", "enveloped", undefined],
  ])("%s as %s: %s", (url, contentType, protocol, layout, connectUnary) => {
    const classified = classify(request(url, contentType));
    expect(classified.protocol).toBe(protocol);
    expect(classified.framing?.layout).toBe(layout);
    expect(classified.connectUnary).toBe(connectUnary);
  });

  it("splits the path from the query once, the path still percent-encoded", () => {
    expect(classify(request("/management/v1/projects/a%2F1?query.limit=2&x=%20"))).toMatchObject({ path: "/management/v1/projects/a%2F1", query: "query.limit=2&x=%20" });
    expect(classify(request("/healthz"))).toMatchObject({ path: "/healthz", query: "", route: "http" });
    expect(classify(request(`${rpcPath}?`))).toMatchObject({ path: rpcPath, query: "", route: "rpc" });
  });

  it("names the encoding header of each framing", () => {
    expect(classify(request(rpcPath, "application/grpc")).framing?.encodingHeader).toBe("grpc-encoding");
    expect(classify(request(rpcPath, "application/connect+proto")).framing?.encodingHeader).toBe("connect-content-encoding");
    expect(classify(request(rpcPath, "application/proto")).framing?.encodingHeader).toBe("content-encoding");
  });
});

describe("the body reader", () => {
  /** A server whose requests go to `read`; returns its port. */
  async function serving(read: (req: IncomingMessage) => void) {
    const server = createServer((req) => read(req));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { port: (server.address() as AddressInfo).port, close: () => new Promise((resolve) => server.close(resolve)) };
  }

  it("reports a request that closes before its body is complete, and stops listening", async () => {
    let arrived!: (read: { req: IncomingMessage; outcome: Promise<unknown> }) => void;
    const reading = new Promise<{ req: IncomingMessage; outcome: Promise<unknown> }>((resolve) => (arrived = resolve));
    const server = await serving((req) => arrived({ req, outcome: readBodyWithin(req, 1024) }));
    try {
      const socket = createConnection(server.port, "127.0.0.1", () => socket.write("POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\npartial"));
      const { req, outcome } = await reading;
      socket.destroy();
      await expect(outcome).rejects.toThrow(/aborted|closed before its body was complete/);
      expect([req.listenerCount("data"), req.listenerCount("end")]).toEqual([0, 0]);
    } finally {
      await server.close();
    }
  });

  it("stops at the limit and hands over what it read, paused", async () => {
    const server = await serving((req) =>
      readBody(req, 4, {
        done: () => void req.socket.end("HTTP/1.1 500 done\r\n\r\n"),
        tooLarge: (read) => void req.socket.end(`HTTP/1.1 413 ${read.byteLength >= 5 && req.isPaused() ? "paused" : "running"}\r\ncontent-length: 0\r\n\r\n`),
        failed: () => {},
      }),
    );
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/`, { method: "POST", body: "0123456789" });
      expect([res.status, res.statusText]).toEqual([413, "paused"]);
    } finally {
      await server.close();
    }
  });
});
