import * as http from "node:http";
import grpc from "@grpc/grpc-js";
import { create, fromBinary, toBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import {
  AddAPIAppRequestSchema,
  AddAPIAppResponseSchema,
  AddAppKeyRequestSchema,
  AddAppKeyResponseSchema,
  GetAppByIDRequestSchema,
  GetAppByIDResponseSchema,
  HealthzRequestSchema,
  HealthzResponseSchema,
  ListAppsRequestSchema,
  ListAppsResponseSchema,
} from "../../src/gen/zitadel/management_pb.js";
import { CreateApplicationRequestSchema, CreateApplicationResponseSchema } from "../../src/gen/zitadel/application/v2/application_service_pb.js";

export type Protocol = "grpc" | "connect" | "grpc-web" | "rest";
export type Op = "healthz" | "addApiApp" | "createApplicationV2" | "getApp" | "listApps" | "addAppKey";

/** What one call needs; every op takes the fields it uses. */
export interface CallInput {
  projectId?: string;
  appId?: string;
  name?: string;
}

export type Caller = (input: CallInput) => Promise<void>;

const SERVICE = "zitadel.management.v1.ManagementService";

interface OpDef {
  /** Default: ManagementService. */
  service?: string;
  method: string;
  req: DescMessage;
  res: DescMessage;
  message(input: CallInput): Record<string, unknown>;
  json(input: CallInput): Record<string, unknown>;
  rest(input: CallInput): { method: string; path: string; body?: Record<string, unknown> };
  check(res: any): void;
}

const enc = encodeURIComponent;

const OPS: Record<Op, OpDef> = {
  healthz: {
    method: "Healthz",
    req: HealthzRequestSchema,
    res: HealthzResponseSchema,
    message: () => ({}),
    json: () => ({}),
    rest: () => ({ method: "GET", path: "/management/v1/healthz" }),
    check: () => {},
  },
  addApiApp: {
    method: "AddAPIApp",
    req: AddAPIAppRequestSchema,
    res: AddAPIAppResponseSchema,
    message: (i) => ({ projectId: i.projectId, name: i.name, authMethodType: 0 }),
    json: (i) => ({ projectId: i.projectId, name: i.name, authMethodType: "API_AUTH_METHOD_TYPE_BASIC" }),
    rest: (i) => ({ method: "POST", path: `/management/v1/projects/${enc(i.projectId!)}/apps/api`, body: { name: i.name, authMethodType: "API_AUTH_METHOD_TYPE_BASIC" } }),
    check: (r) => {
      if (!r.appId || !r.clientSecret) throw new Error(`AddAPIApp answered without app id or secret: ${JSON.stringify(r)}`);
    },
  },
  // The same BASIC API app as addApiApp, made over v2 (the body ZITADEL's Python SDK sends).
  createApplicationV2: {
    service: "zitadel.application.v2.ApplicationService",
    method: "CreateApplication",
    req: CreateApplicationRequestSchema,
    res: CreateApplicationResponseSchema,
    message: (i) => ({ projectId: i.projectId, name: i.name, applicationType: { case: "apiConfiguration", value: {} } }),
    json: (i) => ({ projectId: i.projectId, name: i.name, apiConfiguration: {} }),
    rest: () => {
      throw new Error("ApplicationService v2 has no REST binding (Connect, gRPC and gRPC-Web only, as in ZITADEL)");
    },
    check: (r) => {
      if (!r.applicationId || !(r.applicationType?.value?.clientSecret ?? r.apiConfiguration?.clientSecret)) {
        throw new Error(`CreateApplication answered without app id or secret: ${JSON.stringify(r)}`);
      }
    },
  },
  getApp: {
    method: "GetAppByID",
    req: GetAppByIDRequestSchema,
    res: GetAppByIDResponseSchema,
    message: (i) => ({ projectId: i.projectId, appId: i.appId }),
    json: (i) => ({ projectId: i.projectId, appId: i.appId }),
    rest: (i) => ({ method: "GET", path: `/management/v1/projects/${enc(i.projectId!)}/apps/${enc(i.appId!)}` }),
    check: (r) => {
      if (!r.app?.id) throw new Error("GetAppByID answered without app");
    },
  },
  listApps: {
    method: "ListApps",
    req: ListAppsRequestSchema,
    res: ListAppsResponseSchema,
    message: (i) => ({ projectId: i.projectId, query: { limit: 100 } }),
    json: (i) => ({ projectId: i.projectId, query: { limit: 100 } }),
    rest: (i) => ({ method: "POST", path: `/management/v1/projects/${enc(i.projectId!)}/apps/_search`, body: { query: { limit: 100 } } }),
    check: (r) => {
      if ((r.result?.length ?? 0) !== 100) throw new Error(`ListApps answered ${r.result?.length} apps, not 100`);
    },
  },
  addAppKey: {
    method: "AddAppKey",
    req: AddAppKeyRequestSchema,
    res: AddAppKeyResponseSchema,
    message: (i) => ({ projectId: i.projectId, appId: i.appId, type: 1 }),
    json: (i) => ({ projectId: i.projectId, appId: i.appId, type: "KEY_TYPE_JSON" }),
    rest: (i) => ({ method: "POST", path: `/management/v1/projects/${enc(i.projectId!)}/apps/${enc(i.appId!)}/keys`, body: { type: "KEY_TYPE_JSON" } }),
    check: (r) => {
      if (!r.id || !(r.keyDetails?.length > 0)) throw new Error("AddAppKey answered without key");
    },
  },
};

export interface ClientOptions {
  url: string;
  token?: string;
  concurrency: number;
}

export interface Client {
  call(op: Op, input: CallInput): Promise<void>;
  close(): void;
}

export function createClient(protocol: Protocol, options: ClientOptions): Client {
  return protocol === "grpc" ? grpcClient(options) : http1Client(protocol, options);
}

/** @grpc/grpc-js, one channel (one HTTP/2 connection) for all calls, as ZITADEL's Node SDK uses it. */
function grpcClient({ url, token }: ClientOptions): Client {
  const target = new URL(url).host;
  const client = new grpc.Client(target, grpc.credentials.createInsecure(), { "grpc.max_receive_message_length": 64 * 1024 * 1024 });
  const metadata = new grpc.Metadata();
  if (token) metadata.set("authorization", `Bearer ${token}`);
  return {
    call(op, input) {
      const def = OPS[op];
      const message = create(def.req, def.message(input) as any);
      return new Promise((resolve, reject) => {
        client.makeUnaryRequest(
          `/${def.service ?? SERVICE}/${def.method}`,
          (m: MessageShape<DescMessage>) => Buffer.from(toBinary(def.req, m)),
          (b: Buffer) => fromBinary(def.res, b),
          message,
          metadata,
          {},
          (error, response) => {
            if (error) return reject(new Error(`gRPC ${error.code}: ${error.details}`));
            try {
              def.check(response);
              resolve();
            } catch (e) {
              reject(e);
            }
          },
        );
      });
    },
    close: () => client.close(),
  };
}

/** Connect JSON, gRPC-Web (binary) and REST over HTTP/1.1 keep-alive, one connection per concurrent call. */
function http1Client(protocol: Exclude<Protocol, "grpc">, { url, token, concurrency }: ClientOptions): Client {
  const base = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  return {
    async call(op, input) {
      const def = OPS[op];
      if (protocol === "rest") {
        const r = def.rest(input);
        const body = r.body ? Buffer.from(JSON.stringify(r.body)) : undefined;
        const res = await send(agent, base, r.method, r.path, { ...auth, ...(body ? { "content-type": "application/json" } : {}) }, body);
        if (res.status !== 200) throw new Error(`REST ${res.status}: ${res.body.toString().slice(0, 200)}`);
        def.check(JSON.parse(res.body.toString()));
        return;
      }
      const path = `/${def.service ?? SERVICE}/${def.method}`;
      if (protocol === "connect") {
        const body = Buffer.from(JSON.stringify(def.json(input)));
        const res = await send(agent, base, "POST", path, { ...auth, "content-type": "application/json", "connect-protocol-version": "1" }, body);
        if (res.status !== 200) throw new Error(`Connect ${res.status}: ${res.body.toString().slice(0, 200)}`);
        def.check(JSON.parse(res.body.toString()));
        return;
      }
      const payload = toBinary(def.req, create(def.req, def.message(input) as any));
      const frame = Buffer.alloc(5 + payload.length);
      frame.writeUInt32BE(payload.length, 1);
      frame.set(payload, 5);
      const res = await send(agent, base, "POST", path, { ...auth, "content-type": "application/grpc-web+proto", "x-grpc-web": "1" }, frame);
      if (res.status !== 200) throw new Error(`gRPC-Web HTTP ${res.status}`);
      const { message, status, grpcMessage } = parseGrpcWeb(res.body, res.headers);
      if (status !== "0") throw new Error(`gRPC-Web ${status}: ${grpcMessage}`);
      def.check(fromBinary(def.res, message ?? new Uint8Array()));
    },
    close: () => agent.destroy(),
  };
}

function parseGrpcWeb(body: Buffer, headers: http.IncomingHttpHeaders) {
  let message: Uint8Array | undefined;
  let status = headers["grpc-status"] as string | undefined;
  let grpcMessage = headers["grpc-message"] as string | undefined;
  for (let offset = 0; offset + 5 <= body.length; ) {
    const flags = body[offset]!;
    const length = body.readUInt32BE(offset + 1);
    const data = body.subarray(offset + 5, offset + 5 + length);
    offset += 5 + length;
    if (flags & 0x80) {
      for (const line of data.toString().split("\r\n")) {
        const i = line.indexOf(":");
        if (i < 0) continue;
        const key = line.slice(0, i).trim().toLowerCase();
        if (key === "grpc-status") status = line.slice(i + 1).trim();
        if (key === "grpc-message") grpcMessage = decodeURIComponent(line.slice(i + 1).trim());
      }
    } else {
      message = data;
    }
  }
  return { message, status, grpcMessage };
}

function send(agent: http.Agent, base: URL, method: string, path: string, headers: Record<string, string>, body?: Buffer) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const req = http.request(
      { agent, host: base.hostname, port: base.port, method, path, headers: body ? { ...headers, "content-length": String(body.length) } : headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
