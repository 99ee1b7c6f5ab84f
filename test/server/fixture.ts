import { Code, ConnectError } from "@connectrpc/connect";
import type { ConnectRouter, Interceptor } from "@connectrpc/connect";
import { createConnectHandler } from "../../src/server/connect-handler.js";
import type { ConnectHandlerOptions } from "../../src/server/connect-handler.js";
import { createMuxServer } from "../../src/server/mux.js";
import type { MuxServer } from "../../src/server/mux.js";
import { writeResponse } from "../../src/server/node-http.js";
import { restCallKey } from "../../src/server/rest/rest-call.js";
import type { RestCall } from "../../src/server/rest/rest-call.js";
import { ManagementService } from "../../src/gen/zitadel/management_pb.js";
import { ErrorDetailSchema } from "../../src/gen/zitadel/message_pb.js";

/** What the interceptor saw of one call. */
export interface SeenCall {
  method: string;
  contentType: string | null;
  authorization: string | null;
  orgId: string | null;
  acceptLanguage: string | null;
  /** A header that must never be forwarded from REST. */
  other: string | null;
  rest: RestCall | undefined;
}

export const punctuatedMessage = "Anwendung: nicht/gefunden, a=b & c; 100% (ü)";
export const managementPrefix = "/management/v1";
export const testReadMaxBytes = 64 * 1024;

/**
 * A few ManagementService methods, in memory, shaped to make the transport
 * visible: AddAPIApp echoes its input, GetAppByID fails in chosen ways,
 * ListAppChanges echoes its query.
 */
export function testRoutes(router: ConnectRouter): void {
  router.service(ManagementService, {
    addAPIApp(req) {
      return {
        appId: `app-of-${req.projectId}`,
        clientId: req.name,
        clientSecret: `auth-method-${req.authMethodType}`,
      };
    },
    getAppByID(req) {
      switch (req.appId) {
        case "missing":
          throw new ConnectError("Errors.App.NotExisting (QUERY-pCP8P)", Code.NotFound, undefined, [
            { desc: ErrorDetailSchema, value: { id: "QUERY-pCP8P", message: "Errors.App.NotExisting" } },
          ]);
        case "inactive":
          throw new ConnectError("Application is not active (COMMAND-dsh35)", Code.FailedPrecondition, undefined, [
            { desc: ErrorDetailSchema, value: { id: "COMMAND-dsh35", message: "Application is not active" } },
          ]);
        case "punctuated":
          // Reserved URI characters, a percent sign and non-ASCII in a message.
          throw new ConnectError(punctuatedMessage, Code.NotFound);
        case "boom":
          // A real internal error: must stay Internal on every protocol.
          throw new Error("database on fire");
      }
      return { app: { id: req.appId, name: `in project ${req.projectId}` } };
    },
    listAppChanges(req) {
      return {
        result: [
          {
            sequence: req.query?.sequence ?? 0n,
            editorId: JSON.stringify({
              projectId: req.projectId,
              appId: req.appId,
              limit: req.query?.limit ?? null,
              asc: req.query?.asc ?? null,
            }),
          },
        ],
      };
    },
    listProjects() {
      return { result: [{ id: "listed", name: "from ListProjects" }] };
    },
  });
}

/** Records every call and rejects calls without Authorization, like the real auth interceptor. */
export function recordingInterceptor(seen: SeenCall[]): Interceptor {
  return (next) => async (req) => {
    seen.push({
      method: req.method.name,
      contentType: req.header.get("content-type"),
      authorization: req.header.get("authorization"),
      orgId: req.header.get("x-zitadel-orgid"),
      acceptLanguage: req.header.get("accept-language"),
      other: req.header.get("x-other"),
      rest: req.contextValues.get(restCallKey),
    });
    if (req.header.get("authorization") === null) {
      throw new ConnectError("auth header missing", Code.Unauthenticated);
    }
    return next(req);
  };
}

export interface TestServer {
  port: number;
  baseUrl: string;
  seen: SeenCall[];
  server: MuxServer;
  close(): Promise<void>;
}

export async function startTestServer(overrides: Partial<ConnectHandlerOptions> = {}): Promise<TestServer> {
  const seen: SeenCall[] = [];
  const { handler } = createConnectHandler({
    routes: testRoutes,
    interceptors: [recordingInterceptor(seen)],
    readMaxBytes: testReadMaxBytes,
    httpRoutes: [
      { method: "GET", path: "/healthz", handler: (_req, res) => writeResponse(res, 200, {}, Buffer.from("ok")) },
    ],
    rest: { prefixes: { [ManagementService.typeName]: managementPrefix } },
    ...overrides,
  });
  const server = createMuxServer(handler);
  const { port } = await server.listen(0, "127.0.0.1");
  return { port, baseUrl: `http://127.0.0.1:${port}`, seen, server, close: () => server.close(2_000) };
}
