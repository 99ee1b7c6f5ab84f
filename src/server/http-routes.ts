import { writeResponse } from "./node-http.js";
import type { NodeHandler, NodeRequest, NodeResponse } from "./node-http.js";

/** A plain HTTP endpoint beside the RPCs, e.g. GET /healthz for load balancers. */
export interface HttpRoute {
  /** Upper-case HTTP method; HEAD is served by the GET route. */
  method: string;
  /** Exact path, without query string. */
  path: string;
  handler: NodeHandler;
}

/**
 * Serves the request if a plain route owns its path (without the query) and returns true;
 * returns false to let the next handler (REST) have it.
 */
export type HttpRoutes = (req: NodeRequest, res: NodeResponse, path: string) => boolean;

export function createHttpRoutes(routes: readonly HttpRoute[]): HttpRoutes {
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
    route.handler(req, res);
    return true;
  };
}
