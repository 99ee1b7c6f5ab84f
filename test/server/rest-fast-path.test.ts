import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createRegistry } from "@bufbuild/protobuf";
import { createConnectRouter } from "@connectrpc/connect";
import type { UniversalHandler, UniversalServerRequest } from "@connectrpc/connect/protocol";
import { ManagementService } from "../../src/gen/zitadel/management_pb.js";
import { createRequestClassifier, type ClassifiedHandler } from "../../src/server/classified-request.js";
import { defaultForwardHeader } from "../../src/server/rest/forwarded-headers.js";
import { createRestTranscoder } from "../../src/server/rest/transcoder.js";
import { recordUnarySpecs, type UnarySpec } from "../../src/server/connect-compat/unary-call.js";
import { managementPrefix, startTestServer, testRoutes, type TestServer } from "./fixture.js";

/** A REST request: method, path under the management prefix, body, and whether it carries a token. */
type Case = [name: string, method: string, path: string, body: string | undefined, authorized: boolean];

const cases: Case[] = [
  ["a call with a body", "POST", "/projects/p1/apps/api", JSON.stringify({ name: "app", authMethodType: "API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT" }), true],
  ["enum as its number, unknown fields ignored", "POST", "/projects/p1/apps/api", JSON.stringify({ name: "app", authMethodType: 1, bogus: { x: 1 } }), true],
  ["a field of the wrong type", "POST", "/projects/p1/apps/api", JSON.stringify({ name: 5 }), true],
  ["an unknown enum name", "POST", "/projects/p1/apps/api", JSON.stringify({ name: "app", authMethodType: "NOPE" }), true],
  ["a body that is not JSON", "POST", "/projects/p1/apps/api", "{name:", true],
  ["path values only", "GET", "/projects/p%201/apps/a%2F1", undefined, true],
  ["an error with details", "GET", "/projects/p1/apps/missing", undefined, true],
  ["another error with details", "GET", "/projects/p1/apps/inactive", undefined, true],
  ["a message with reserved characters", "GET", "/projects/p1/apps/punctuated", undefined, true],
  ["an internal error", "GET", "/projects/p1/apps/boom", undefined, true],
  ["no token", "GET", "/projects/p1/apps/a1", undefined, false],
  ["query parameters", "POST", "/projects/p1/apps/a1/changes/_search?query.limit=10&query.asc=true&query.sequence=42", undefined, true],
  ["a query parameter of the wrong type", "POST", "/projects/p1/apps/a1/changes/_search?query.limit=ten", undefined, true],
  ["an unimplemented method", "GET", "/healthz", undefined, true],
];

async function send(server: TestServer, [, method, path, body, authorized]: Case) {
  const res = await fetch(`${server.baseUrl}${managementPrefix}${path}`, {
    method,
    headers: { ...(authorized ? { authorization: "Bearer t" } : {}), "x-zitadel-orgid": "org-1", "accept-language": "de", "x-other": "dropped" },
    body,
  });
  return { status: res.status, contentType: res.headers.get("content-type"), wwwAuthenticate: res.headers.get("www-authenticate"), body: await res.text() };
}

describe("REST answers alike whether it calls the implementation directly or through connect's handler", () => {
  let direct: TestServer;
  let viaConnect: TestServer;

  beforeAll(async () => {
    [direct, viaConnect] = await Promise.all([startTestServer(), startTestServer({ unaryFastPath: false })]);
  });
  afterAll(() => Promise.all([direct.close(), viaConnect.close()]));

  it.each(cases)("%s", async (...call) => {
    direct.seen.length = viaConnect.seen.length = 0;
    const [a, b] = await Promise.all([send(direct, call), send(viaConnect, call)]);
    expect(a).toEqual(b);
    // The interceptor saw the same call: headers forwarded alike, the REST origin in the context.
    expect(direct.seen).toEqual(viaConnect.seen);
  });

});

describe("which way a REST call goes", () => {
  /** A transcoder over the test routes whose connect handlers count their calls. */
  function transcoder(direct: boolean) {
    const router = createConnectRouter();
    const specs = new Map<string, UnarySpec>();
    testRoutes(recordUnarySpecs(router, specs));
    let viaHandler = 0;
    const handlers = router.handlers.map((h): UniversalHandler => Object.assign((req: UniversalServerRequest) => (viaHandler++, h(req)), h));
    const rest = createRestTranscoder({
      handlers,
      prefixes: { [ManagementService.typeName]: managementPrefix },
      readMaxBytes: 1024,
      registry: createRegistry(),
      forwardHeader: defaultForwardHeader,
      onError: (error) => {
        throw error;
      },
      ...(direct ? { unary: { specs, options: { interceptors: [] } } } : {}),
    });
    return { handle: rest.handle, handlerCalls: () => viaHandler };
  }

  async function post(handle: ClassifiedHandler) {
    const classify = createRequestClassifier({ rpcPaths: new Set(), httpPaths: new Set() });
    const server = createServer((req, res) => handle(req, res, classify(req)));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${managementPrefix}/projects/p1/apps/api`, { method: "POST", body: JSON.stringify({ name: "app" }) });
      return { status: res.status, body: await res.json() };
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it.each([true, false])("with unary specs given: %s, the implementation answers, through connect's handler only without them", async (direct) => {
    const { handle, handlerCalls } = transcoder(direct);
    expect(await post(handle)).toEqual({ status: 200, body: { appId: "app-of-p1", clientId: "app", clientSecret: "auth-method-0" } });
    expect(handlerCalls()).toBe(direct ? 0 : 1);
  });
});
