import { cors } from "@connectrpc/connect";
import type { NodeHandler, NodeRequest } from "./node-http.js";
import { writeResponse } from "./node-http.js";

/** REST uses more than Connect's POST and GET. */
export const corsAllowedMethods = [...cors.allowedMethods, "PUT", "PATCH", "DELETE"];
export const corsAllowedHeaders = [...cors.allowedHeaders, "Authorization", "X-Zitadel-Orgid"];
/** gRPC-Web clients read the status from these when a server sends it in headers. */
export const corsExposedHeaders = cors.exposedHeaders;
/** Browsers cap this anyway (Chromium at 2 h). */
const maxAgeSeconds = 7200;

/**
 * CORS for browsers on `origins` ("*" for any). Preflights are answered here and never reach
 * the RPCs; other origins get no CORS headers, so their browsers refuse the responses.
 * Without origins the handler is returned unchanged.
 */
export function withCors(handler: NodeHandler, origins: readonly string[]): NodeHandler {
  if (origins.length === 0) return handler;
  const allowed = (origin: string) => origins.includes("*") || origins.includes(origin);
  return (req, res) => {
    const origin = headerOf(req, "origin");
    if (req.method === "OPTIONS" && origin !== undefined && headerOf(req, "access-control-request-method") !== undefined) {
      writeResponse(res, 204, allowed(origin) ? preflightHeaders(origin) : { vary: "Origin" });
      return;
    }
    res.setHeader("vary", "Origin");
    if (origin !== undefined && allowed(origin)) {
      res.setHeader("access-control-allow-origin", origin);
      res.setHeader("access-control-expose-headers", corsExposedHeaders.join(", "));
    }
    handler(req, res);
  };
}

function preflightHeaders(origin: string): Record<string, string> {
  return {
    "access-control-allow-origin": origin,
    "access-control-allow-methods": corsAllowedMethods.join(", "),
    "access-control-allow-headers": corsAllowedHeaders.join(", "),
    "access-control-max-age": String(maxAgeSeconds),
    vary: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
  };
}

function headerOf(req: NodeRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
