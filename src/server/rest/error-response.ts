import { create, toBinary, toJson } from "@bufbuild/protobuf";
import type { JsonObject, JsonValue, Registry } from "@bufbuild/protobuf";
import { AnySchema } from "@bufbuild/protobuf/wkt";
import { base64Encode } from "@bufbuild/protobuf/wire";
import { Code, ConnectError } from "@connectrpc/connect";
import { codeFromHttpStatus, errorFromJsonBytes } from "@connectrpc/connect/protocol-connect";
import type { OutgoingHttpHeaders } from "node:http";
import type { NodeResponse } from "../node-http.js";
import { httpStatusFromCode } from "./http-status.js";
import { sendJson } from "./json-response.js";

/**
 * The error body of grpc-gateway (google.rpc.Status as JSON), as ZITADEL's
 * REST API sends it:
 *   {"code":5,"message":"…","details":[{"@type":"type.googleapis.com/zitadel.v1.ErrorDetail","id":"…","message":"…"}]}
 * "details" is left out when there are none (zero values are not emitted).
 */
export function restErrorBody(error: ConnectError, registry: Registry): JsonObject {
  const body: JsonObject = { code: error.code, message: error.rawMessage };
  if (error.details.length > 0) {
    body.details = error.details.map((detail) =>
      "desc" in detail
        ? anyJson(detail.desc.typeName, toBinary(detail.desc, create(detail.desc, detail.value)), registry)
        : anyJson(detail.type, detail.value, registry),
    );
  }
  return body;
}

/**
 * google.protobuf.Any in JSON: the message's fields beside "@type". A type
 * the registry does not know keeps its bytes, base64, under "value".
 */
function anyJson(typeName: string, value: Uint8Array, registry: Registry): JsonValue {
  const any = create(AnySchema, { typeUrl: `type.googleapis.com/${typeName}`, value });
  try {
    return toJson(AnySchema, any, { registry });
  } catch {
    return { "@type": any.typeUrl, value: base64Encode(value) };
  }
}

export interface SendRestErrorOptions {
  /** Overrides the status derived from the code (ZITADEL's 405 for a wrong method). */
  status?: number;
  /** Ask an HTTP/1.1 client to drop the connection (e.g. an unread, oversized body). */
  closeConnection?: boolean;
}

export function sendRestError(
  res: NodeResponse,
  error: ConnectError,
  registry: Registry,
  options: SendRestErrorOptions = {},
): void {
  const headers: OutgoingHttpHeaders = {};
  if (error.code === Code.Unauthenticated) {
    // grpc-gateway's DefaultHTTPErrorHandler does the same.
    headers["www-authenticate"] = headerSafe(error.rawMessage);
  }
  if (options.closeConnection === true && !("stream" in res)) {
    headers.connection = "close";
  }
  sendJson(res, options.status ?? httpStatusFromCode(error.code), JSON.stringify(restErrorBody(error, registry)), headers);
}

/** Node rejects header values with control characters or code points above U+00FF. */
function headerSafe(value: string): string {
  return value.replace(/[^\t\x20-\x7e\x80-\xff]/g, "?");
}

/**
 * The error a Connect unary handler answered with (`{"code":"not_found",
 * "message":…,"details":[{"type":…,"value":base64}]}`); a body that is not
 * one falls back to the code of the HTTP status.
 */
export function connectErrorFromResponse(status: number, body: Uint8Array): ConnectError {
  const fallback = new ConnectError(`HTTP ${status}`, codeFromHttpStatus(status));
  try {
    return errorFromJsonBytes(body, undefined, fallback);
  } catch {
    return fallback;
  }
}
