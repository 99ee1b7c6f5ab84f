import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import * as http2 from "node:http2";
import { Code, ConnectError, type ConnectRouter, type Interceptor } from "@connectrpc/connect";
import { Health, HealthCheckResponse_ServingStatus } from "../../src/gen/grpc/health/v1/health_pb.js";
import { ManagementService } from "../../src/gen/zitadel/management_pb.js";
import { createConnectHandler } from "../../src/server/connect-handler.js";
import { createMuxServer, type MuxServer } from "../../src/server/mux.js";
import { restRaw, rpcRaw, RPC_PROTOCOLS, type RawTarget } from "../support/raw-calls.js";
import { h2cRequest, envelope } from "./raw-http2.js";
import { managementPrefix } from "./fixture.js";

/*
 * A throw anywhere on a call's path ends that call, never the process (issue 12). Before, a call
 * whose interceptor set `connection` as a trailer ended keygate: Node refuses the field only when
 * it sends the trailers, from an event handler (ERR_HTTP2_INVALID_CONNECTION_HEADERS, uncaught), and
 * a throw out of an HTTP route's handler escaped the server's "request" listener. If either
 * happened here, the test worker would die with it.
 */

/** Sets the response metadata that the `x-zitadel-orgid` request header names (a header REST forwards too). */
const badMetadata: Interceptor = (next) => async (req) => {
  const res = await next(req);
  switch (req.header.get("x-zitadel-orgid")) {
    case "trailer-connection":
      res.trailer.set("connection", "close");
      break;
    case "trailer-control-char":
      res.trailer.set("x-note", "a\u0001b");
      break;
    case "header-upgrade":
      res.header.set("upgrade", "h2c");
      break;
  }
  return res;
};

/**
 * ListProjects answers; Healthz sets a trailer Node refuses in its context, then fails; Health's
 * Watch (a server stream, which only connect's own path serves) sets one and answers.
 */
function routes(router: ConnectRouter): void {
  router.service(ManagementService, {
    listProjects: () => ({}),
    healthz(_req, ctx) {
      ctx.responseTrailer.set("connection", "close");
      throw new ConnectError("not today", Code.NotFound);
    },
  });
  router.service(Health, {
    check: () => ({}),
    async *watch(_req, ctx) {
      ctx.responseTrailer.set("connection", "close");
      yield { status: HealthCheckResponse_ServingStatus.SERVING };
    },
  });
}

/** The RST_STREAM code a GET of `path` over HTTP/2 ends with (0: it was answered). */
function http2ResetCode(url: string, path: string): Promise<number> {
  return new Promise((resolve) => {
    const session = http2.connect(url);
    const stream = session.request({ ":path": path });
    stream.on("close", () => {
      resolve(stream.rstCode);
      session.close();
    });
    stream.on("error", () => {});
    stream.resume();
  });
}

describe("a throw on a call's path fails the call and is reported once", () => {
  let server: MuxServer;
  let target: RawTarget;
  const reported: unknown[] = [];

  beforeAll(async () => {
    const { handler } = createConnectHandler({
      routes,
      interceptors: [badMetadata],
      onError: (error) => reported.push(error),
      httpRoutes: [
        {
          method: "GET",
          path: "/throws",
          handler: () => {
            throw new Error("route on fire");
          },
        },
        { method: "GET", path: "/rejects", handler: () => Promise.reject(new Error("route on fire, later")) },
      ],
      rest: { prefixes: { [ManagementService.typeName]: managementPrefix } },
    });
    server = createMuxServer(handler, { onError: (error) => reported.push(error) });
    const { port } = await server.listen(0, "127.0.0.1");
    target = { url: `http://127.0.0.1:${port}`, port, headers: {} };
  });
  afterAll(() => server.close(1000));
  beforeEach(() => {
    reported.length = 0;
  });

  const listProjects = ManagementService.method.listProjects;

  test.each(["trailer-connection", "trailer-control-char", "header-upgrade"])("%s: Internal on gRPC, gRPC-Web, Connect and REST, then the server serves on", async (bad) => {
    const bodies = { grpc: new Uint8Array(0), "grpc-web": new Uint8Array(0), connect: "{}" };
    for (const protocol of RPC_PROTOCOLS) {
      const outcome = await rpcRaw({ ...target, headers: { "x-zitadel-orgid": bad } }, protocol, listProjects, bodies[protocol]);
      expect({ protocol, code: Code[outcome.code] }).toEqual({ protocol, code: "Internal" });
    }
    const rest = await restRaw({ ...target, headers: { "x-zitadel-orgid": bad } }, "POST", `${managementPrefix}/projects/_search`, "{}");
    expect([Code[rest.code], rest.httpStatus]).toEqual(["Internal", 500]);
    expect(reported).toHaveLength(RPC_PROTOCOLS.length + 1);
    expect(String(reported[0])).toContain("cannot be sent");

    const fine = await rpcRaw(target, "grpc", listProjects, new Uint8Array(0));
    expect(fine.code).toBe(0);
  });

  test("the same through connect's own path (a compressed gRPC request)", async () => {
    const res = await h2cRequest(
      target.port,
      { ":path": `/${ManagementService.typeName}/ListProjects`, "content-type": "application/grpc", "grpc-encoding": "gzip", te: "trailers", "x-zitadel-orgid": "trailer-connection" },
      envelope(new Uint8Array(0)),
    );
    expect(res.trailers["grpc-status"] ?? res.headers["grpc-status"]).toBe(String(Code.Internal));
    expect(reported).toHaveLength(1);
  });

  test("an implementation that set such a trailer in its context and then threw: the stream is reset", async () => {
    const outcome = await rpcRaw(target, "grpc", ManagementService.method.healthz, new Uint8Array(0)).catch((error: unknown) => String(error));
    expect(outcome).toContain("NGHTTP2_INTERNAL_ERROR");
    expect(reported).toHaveLength(1);
    expect((await rpcRaw(target, "grpc", listProjects, new Uint8Array(0))).code).toBe(0);
  });

  test("a server stream whose trailers Node refuses (connect's own path): the stream is reset once its messages went out", async () => {
    const outcome = await h2cRequest(target.port, { ":path": "/grpc.health.v1.Health/Watch", "content-type": "application/grpc", te: "trailers" }, envelope(new Uint8Array(0))).then(
      (res) => `answered ${JSON.stringify(res.trailers)}`,
      (error: unknown) => String(error),
    );
    expect(outcome).toContain("NGHTTP2_INTERNAL_ERROR");
    expect(reported).toHaveLength(1);
    expect(String(reported[0])).toContain("connection");
    expect((await rpcRaw(target, "grpc", listProjects, new Uint8Array(0))).code).toBe(0);
  });

  test("a throw out of an HTTP route's handler is a 500 (HTTP/1.1) or a reset stream (HTTP/2)", async () => {
    const res = await fetch(`${target.url}/throws`);
    expect(res.status).toBe(500);
    const reset = await http2ResetCode(target.url, "/throws");
    expect(reset).toBe(http2.constants.NGHTTP2_INTERNAL_ERROR);
    expect(reported.map(String)).toEqual(["Error: route on fire", "Error: route on fire"]);
  });

  test("an HTTP route's handler whose promise rejects: a 500 (HTTP/1.1) or a reset stream (HTTP/2), not an unhandled rejection", async () => {
    expect((await fetch(`${target.url}/rejects`)).status).toBe(500);
    const reset = await http2ResetCode(target.url, "/rejects");
    expect(reset).toBe(http2.constants.NGHTTP2_INTERNAL_ERROR);
    expect(reported.map(String)).toEqual(["Error: route on fire, later", "Error: route on fire, later"]);
  });
});
