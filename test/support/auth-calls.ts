/**
 * Calls any ManagementService method, given as its descriptor and a request message, over one of the four
 * protocols, and reports the outcome in one shape: the response as protobuf JSON, or the error's gRPC code,
 * message and ZITADEL error id. Used by the isolation matrix (test/e2e/auth-isolation.test.ts).
 */
import { getOption, hasOption, toJson, type DescMethod, type JsonObject, type Message } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { http } from "../../src/gen/google/api/annotations_pb.js";
import { ManagementService } from "../../src/gen/zitadel/management_pb.js";
import { ErrorDetailSchema } from "../../src/gen/zitadel/message_pb.js";

export type Protocol = "Connect" | "gRPC" | "gRPC-Web" | "REST";

export type CallOutcome =
  | { ok: true; json: JsonObject }
  | {
      ok: false;
      /** The gRPC code's name, e.g. "NotFound". */
      code: string;
      message: string;
      errorId: string | undefined;
    };

export interface Credentials {
  token: string;
  /** Sent as x-zitadel-orgid when set. */
  orgId?: string;
}

export interface ProtocolCaller {
  protocol: Protocol;
  call(method: DescMethod, request: Message, credentials: Credentials): Promise<CallOutcome>;
  close(): void;
}

const headersOf = ({ token, orgId }: Credentials): Record<string, string> => ({
  authorization: `Bearer ${token}`,
  ...(orgId === undefined ? {} : { "x-zitadel-orgid": orgId }),
});

export function protocolCaller(protocol: Protocol, baseUrl: string): ProtocolCaller {
  if (protocol === "REST") return { protocol, call: (method, request, credentials) => callRest(baseUrl, method, request, credentials), close: () => {} };
  const sessions = new Http2SessionManager(baseUrl);
  const transport: Transport =
    protocol === "gRPC"
      ? createGrpcTransport({ baseUrl, sessionManager: sessions })
      : protocol === "gRPC-Web"
        ? createGrpcWebTransport({ baseUrl, httpVersion: "1.1" })
        : createConnectTransport({ baseUrl, httpVersion: "1.1" });
  const client = createClient(ManagementService, transport) as unknown as Record<string, (req: Message, options: { headers: Record<string, string> }) => Promise<Message>>;
  return {
    protocol,
    async call(method, request, credentials) {
      try {
        const response = await client[method.localName]!(request, { headers: headersOf(credentials) });
        return { ok: true, json: toJson(method.output, response) as JsonObject };
      } catch (error) {
        const e = ConnectError.from(error);
        return { ok: false, code: Code[e.code], message: e.rawMessage, errorId: e.findDetails(ErrorDetailSchema)[0]?.id };
      }
    },
    close: () => sessions.abort(),
  };
}

/** grpc-gateway style: path parameters from the request, the rest as the JSON body where the rule has `body: "*"`. */
async function callRest(baseUrl: string, method: DescMethod, request: Message, credentials: Credentials): Promise<CallOutcome> {
  if (!hasOption(method, http)) throw new Error(`${method.name} has no REST binding`);
  const rule = getOption(method, http);
  const pattern = rule.pattern;
  if (pattern.case === undefined || pattern.case === "custom") throw new Error(`${method.name}: unexpected http rule`);
  const fields = toJson(method.input, request) as JsonObject;
  const path = pattern.value.replace(/\{([a-z_]+)\}/g, (_, protoName: string) => {
    const field = method.input.fields.find((f) => f.name === protoName);
    if (!field) throw new Error(`${method.name}: no field ${protoName}`);
    const value = fields[field.jsonName];
    delete fields[field.jsonName];
    return encodeURIComponent(String(value ?? ""));
  });
  const withBody = rule.body === "*";
  const res = await fetch(`${baseUrl}/management/v1${path}`, {
    method: pattern.case.toUpperCase(),
    headers: { ...headersOf(credentials), ...(withBody ? { "content-type": "application/json" } : {}) },
    ...(withBody ? { body: JSON.stringify(fields) } : {}),
  });
  const body = (await res.json()) as JsonObject;
  if (res.status === 200) return { ok: true, json: body };
  const details = (body.details ?? []) as JsonObject[];
  return { ok: false, code: Code[body.code as number], message: String(body.message), errorId: details[0]?.id as string | undefined };
}

/** A one-line description of an outcome for failure messages. */
export function describeOutcome(outcome: CallOutcome): string {
  return outcome.ok ? `OK ${JSON.stringify(outcome.json)}` : `${outcome.code} "${outcome.message}"`;
}
