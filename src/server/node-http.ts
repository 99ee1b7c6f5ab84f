import * as http2 from "node:http2";
import type * as http from "node:http";

/**
 * A request from either server behind the mux. Both carry the same
 * information; code that needs the HTTP/2 stream can narrow with
 * `"stream" in req`.
 */
export type NodeRequest = http.IncomingMessage | http2.Http2ServerRequest;

/** The response that belongs to a NodeRequest. */
export type NodeResponse = http.ServerResponse | http2.Http2ServerResponse;

/**
 * One handler serves both HTTP/1.1 and HTTP/2 (compatibility API), like
 * connect-node's NodeHandlerFn.
 */
export type NodeHandler = (req: NodeRequest, res: NodeResponse) => void;

/** The URL a call made by `req` shows its interceptors and implementation: its authority (HTTP/2) or Host, and `path`. */
export function callUrl(req: NodeRequest, path: string): string {
  // As connect-node: https when the connection is TLS.
  const scheme = "encrypted" in req.socket && req.socket.encrypted === true ? "https" : "http";
  return `${scheme}://${req.headers[":authority"] ?? req.headers.host ?? ""}${path}`;
}

/** Write a complete response unless one is already under way. */
export function writeResponse(
  res: NodeResponse,
  status: number,
  headers: http.OutgoingHttpHeaders,
  body?: Uint8Array,
): void {
  if (res.headersSent || res.writableEnded) {
    return;
  }
  writeResponseHead(res, status, { ...headers, "content-length": body?.byteLength ?? 0 });
  res.end(body ?? new Uint8Array(0));
}

/** writeHead of either response class; their overloads are incompatible, hence the narrowing. */
export function writeResponseHead(res: NodeResponse, status: number, headers: http.OutgoingHttpHeaders): void {
  if (res instanceof http2.Http2ServerResponse) {
    res.writeHead(status, headers);
  } else {
    res.writeHead(status, headers);
  }
}

/**
 * Ends a response that can no longer be answered properly (a throw while it was being written): a
 * bare 500 if nothing went out yet over HTTP/1.1, otherwise the stream is reset (HTTP/2, which gRPC
 * clients read as Internal) or the connection closed, so the client learns at once that the call
 * failed instead of waiting for an answer that never comes.
 */
export function abandonResponse(res: NodeResponse): void {
  if (res instanceof http2.Http2ServerResponse) {
    if (!res.stream.destroyed) res.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    return;
  }
  if (res.headersSent) res.destroy();
  else writeResponse(res, 500, {});
}
