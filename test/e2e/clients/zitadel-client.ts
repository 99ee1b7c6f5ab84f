/**
 * @zitadel/client 1.3.1 (connect-es v2 over @zitadel/proto descriptors) on four transports:
 * its own gRPC server transport (h2c), and connect-node's gRPC-Web and Connect transports.
 */
import { ConnectError, type Interceptor, type Transport } from "@connectrpc/connect";
import {
  Http2SessionManager,
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import { createServerTransport } from "@zitadel/client/node";
import { createManagementServiceClient } from "@zitadel/client/v1";
import type { APIAuthMethodType } from "@zitadel/proto/zitadel/app_pb.js";
import { ErrorDetailSchema } from "@zitadel/proto/zitadel/message_pb.js";
import type { CallOptions, ClientUnderTest, Session, Target } from "./types.js";
import { authMethodNumber, readDetails, secretOrAbsent, readAppMessage } from "./wire.js";

function bearer(token: string | undefined): Interceptor[] {
  if (token === undefined) return [];
  return [
    (next) => (req) => {
      req.header.set("authorization", `Bearer ${token}`);
      return next(req);
    },
  ];
}

function headers(options?: CallOptions): { headers?: Record<string, string> } {
  return options?.orgId === undefined ? {} : { headers: { "x-zitadel-orgid": options.orgId } };
}

function session(transport: Transport, sessions?: Http2SessionManager): Session {
  const client = createManagementServiceClient(transport);
  return {
    async addProject(name, options) {
      const res = await client.addProject({ name }, headers(options));
      return { id: res.id, details: readDetails(res.details) };
    },
    async addAPIApp(projectId, name, authMethod, options) {
      const authMethodType = authMethodNumber[authMethod] as APIAuthMethodType;
      const res = await client.addAPIApp({ projectId, name, authMethodType }, headers(options));
      return { appId: res.appId, clientId: res.clientId, clientSecret: secretOrAbsent(res.clientSecret), details: readDetails(res.details) };
    },
    async getAppByID(projectId, appId, options) {
      const { app } = await client.getAppByID({ projectId, appId }, headers(options));
      return readAppMessage(app);
    },
    close: () => sessions?.abort(),
  };
}

function toCallError(error: unknown) {
  if (!(error instanceof ConnectError)) throw error;
  const details = error.findDetails(ErrorDetailSchema).map((d) => ({ id: d.id, message: d.message }));
  // Any detail that is not a zitadel.v1.ErrorDetail shows up as a mismatch.
  for (let i = details.length; i < error.details.length; i++) details.push({ id: "<unexpected detail>", message: "" });
  return { code: error.code as number, message: error.rawMessage, details };
}

function zitadelClient(name: string, transport: (target: Target, token: string | undefined, sessions: Http2SessionManager) => Transport): ClientUnderTest {
  return {
    name,
    sequenceWire: "bigint",
    connect(target, token) {
      const sessions = new Http2SessionManager(target.url);
      return session(transport(target, token, sessions), sessions);
    },
    toCallError,
  };
}

export const zitadelClientVariants: ClientUnderTest[] = [
  zitadelClient("@zitadel/client createServerTransport (gRPC h2c)", ({ url }, token, sessionManager) =>
    // createServerTransport always adds a bearer token; without one, use the transport it wraps.
    token === undefined ? createGrpcTransport({ baseUrl: url, sessionManager }) : createServerTransport(token, { baseUrl: url, sessionManager }),
  ),
  zitadelClient("@zitadel/client + createGrpcWebTransport (HTTP/1.1)", ({ url }, token) =>
    createGrpcWebTransport({ baseUrl: url, httpVersion: "1.1", interceptors: bearer(token) }),
  ),
  zitadelClient("@zitadel/client + createConnectTransport (HTTP/1.1, JSON)", ({ url }, token) =>
    createConnectTransport({ baseUrl: url, httpVersion: "1.1", useBinaryFormat: false, interceptors: bearer(token) }),
  ),
  zitadelClient("@zitadel/client + createConnectTransport (h2c, binary)", ({ url }, token, sessionManager) =>
    createConnectTransport({ baseUrl: url, httpVersion: "2", sessionManager, interceptors: bearer(token) }),
  ),
];
