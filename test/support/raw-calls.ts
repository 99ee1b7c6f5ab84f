import { toBinary, type DescMessage, type DescMethod, type Message } from "@bufbuild/protobuf";
import { h2cRequest, envelope, grpcWebStatus } from "../server/raw-http2.js";

/**
 * One request over each RPC protocol, written byte by byte (no typed client would send NULs, lone
 * surrogates or invalid UTF-8), and the status it got as a gRPC code. Used by the bad-input tests
 * and the fuzz test, which need the same request on every protocol and only its outcome.
 */

export type RpcProtocol = "grpc" | "grpc-web" | "connect";
export const RPC_PROTOCOLS: readonly RpcProtocol[] = ["grpc", "grpc-web", "connect"];

export interface RawOutcome {
  code: number;
  message: string;
  /** The HTTP status (200 for gRPC and gRPC-Web, whatever the code). */
  httpStatus: number;
}

export interface RawTarget {
  url: string;
  port: number;
  headers: Record<string, string>;
}

/** The request `body` (a binary message for gRPC and gRPC-Web, JSON text or bytes for Connect) to `method`. */
export async function rpcRaw(target: RawTarget, protocol: RpcProtocol, method: DescMethod, body: Uint8Array | string): Promise<RawOutcome> {
  const path = `/${method.parent.typeName}/${method.name}`;
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  if (protocol === "grpc") {
    const res = await h2cRequest(target.port, { ":path": path, "content-type": "application/grpc", te: "trailers", ...target.headers }, envelope(bytes));
    const status = res.trailers["grpc-status"] ?? res.headers["grpc-status"];
    return { code: Number(status), message: decodeURIComponent(String(res.trailers["grpc-message"] ?? res.headers["grpc-message"] ?? "")), httpStatus: Number(res.headers[":status"]) };
  }
  if (protocol === "grpc-web") {
    const res = await fetch(`${target.url}${path}`, { method: "POST", headers: { "content-type": "application/grpc-web+proto", ...target.headers }, body: envelope(bytes) });
    const status = grpcWebStatus(Buffer.from(await res.arrayBuffer()));
    return { code: Number(status.status ?? res.headers.get("grpc-status")), message: decodeURIComponent(status.message ?? res.headers.get("grpc-message") ?? ""), httpStatus: res.status };
  }
  const contentType = typeof body === "string" ? "application/json" : "application/proto";
  const res = await fetch(`${target.url}${path}`, { method: "POST", headers: { "content-type": contentType, ...target.headers }, body: bytes });
  return { ...(await connectOutcome(res)), httpStatus: res.status };
}

/** A REST call; `body` is sent as it is (JSON text or bytes). */
export async function restRaw(target: RawTarget, method: string, path: string, body?: string | Uint8Array): Promise<RawOutcome> {
  const res = await fetch(`${target.url}${path}`, {
    method,
    headers: { ...target.headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: typeof body === "string" ? Buffer.from(body, "utf8") : body,
  });
  const text = await res.text();
  if (res.status === 200) return { code: 0, message: "", httpStatus: 200 };
  const json = parseJson(text) as { code?: unknown; message?: unknown } | undefined;
  return { code: typeof json?.code === "number" ? json.code : -res.status, message: typeof json?.message === "string" ? json.message : text, httpStatus: res.status };
}

/** The same request as binary for gRPC and gRPC-Web and as JSON for Connect. */
export function encodingsOf(schema: DescMessage, message: Message, json: string): Record<RpcProtocol, Uint8Array | string> {
  const binary = toBinary(schema, message);
  return { grpc: binary, "grpc-web": binary, connect: json };
}

const CONNECT_CODES: Record<string, number> = {
  canceled: 1, unknown: 2, invalid_argument: 3, deadline_exceeded: 4, not_found: 5, already_exists: 6, permission_denied: 7, resource_exhausted: 8,
  failed_precondition: 9, aborted: 10, out_of_range: 11, unimplemented: 12, internal: 13, unavailable: 14, data_loss: 15, unauthenticated: 16,
};

async function connectOutcome(res: Response): Promise<Omit<RawOutcome, "httpStatus">> {
  const text = await res.text();
  if (res.status === 200) return { code: 0, message: "" };
  const json = parseJson(text) as { code?: string; message?: string } | undefined;
  return { code: CONNECT_CODES[json?.code ?? ""] ?? -res.status, message: json?.message ?? text };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
