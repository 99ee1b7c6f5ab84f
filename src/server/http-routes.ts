import { abandonResponse, writeResponse } from "./node-http.js";
import type { NodeRequest, NodeResponse } from "./node-http.js";

/** A plain HTTP endpoint beside the RPCs, e.g. GET /healthz for load balancers. */
export interface HttpRoute {
  /** Upper-case HTTP method; HEAD is served by the GET route. */
  method: string;
  /** Exact path, without query string. */
  path: string;
  /** An answer written later returns its promise: a rejection fails that request (see createHttpRoutes). */
  handler: (req: NodeRequest, res: NodeResponse) => void | Promise<void>;
}

/**
 * Serves the request if a plain route owns its path (without the query) and returns true;
 * returns false to let the next handler (REST) have it.
 */
export type HttpRoutes = (req: NodeRequest, res: NodeResponse, path: string) => boolean;

/**
 * `onError` is told of a handler's rejected promise; that request gets a bare 500 (HTTP/1.1) or a
 * reset stream (HTTP/2) if its answer was under way. Unhandled, the rejection would end the process.
 */
export function createHttpRoutes(routes: readonly HttpRoute[], onError: (error: unknown) => void): HttpRoutes {
  const byPath = new Map<string, HttpRoute[]>();
  for (const route of routes) {
    byPath.set(route.path, [...(byPath.get(route.path) ?? []), { ...route, method: route.method.toUpperCase() }]);
  }
  return (req, res, path) => {
    const candidates = byPath.get(path);
    if (candidates === undefined) {
      return false;
    }
    const method = req.method === "HEAD" ? "GET" : (req.method ?? "");
    const route = candidates.find((r) => r.method === method);
    if (route === undefined) {
      writeResponse(res, 405, { allow: candidates.map((r) => r.method).join(", ") });
      return true;
    }
    route.handler(req, res)?.catch((error: unknown) => {
      onError(error);
      abandonResponse(res);
    });
    return true;
  };
}
