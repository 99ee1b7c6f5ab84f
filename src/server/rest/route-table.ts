import { compareSpecificity } from "./path-template.js";
import type { RestRoute } from "./rest-route.js";

export type RouteLookup =
  | { kind: "match"; route: RestRoute; pathValues: Map<string, string> }
  /** Some route has this path, none this method. */
  | { kind: "method-not-allowed" }
  | { kind: "not-found" }
  /** The path has an invalid percent-encoding. */
  | { kind: "malformed-path" };

export interface RouteTable {
  readonly routes: readonly RestRoute[];
  /** path: the URL path without query string, still percent-encoded. */
  lookup(httpMethod: string, path: string): RouteLookup;
}

export function createRouteTable(routes: readonly RestRoute[]): RouteTable {
  const seen = new Set<string>();
  for (const route of routes) {
    const key = `${route.httpMethod} ${route.template.template}`;
    if (seen.has(key)) {
      throw new Error(`duplicate REST route ${key} (${route.method.parent.typeName}.${route.method.name})`);
    }
    seen.add(key);
  }
  // Most specific first, so literal segments beat variables. The sort is
  // stable: equally specific templates keep their registration order.
  const sorted = [...routes].sort((a, b) => compareSpecificity(a.template, b.template));
  const byMethod = new Map<string, RestRoute[]>();
  for (const route of sorted) {
    const list = byMethod.get(route.httpMethod) ?? [];
    list.push(route);
    byMethod.set(route.httpMethod, list);
  }
  const anyMethod = byMethod.get("*") ?? [];

  function firstMatch(candidates: readonly RestRoute[], segments: readonly string[]) {
    for (const route of candidates) {
      const pathValues = route.template.match(segments);
      if (pathValues !== undefined) {
        return { route, pathValues };
      }
    }
    return undefined;
  }

  return {
    routes: sorted,
    lookup(httpMethod, path) {
      const segments = splitPath(path);
      if (segments === undefined) {
        return { kind: "malformed-path" };
      }
      const method = httpMethod.toUpperCase();
      const found = firstMatch(byMethod.get(method) ?? [], segments) ?? firstMatch(anyMethod, segments);
      if (found !== undefined) {
        return { kind: "match", ...found };
      }
      return firstMatch(sorted, segments) !== undefined ? { kind: "method-not-allowed" } : { kind: "not-found" };
    },
  };
}

/**
 * "/projects/a%2F1/apps" → ["projects", "a/1", "apps"]. Splitting happens
 * before decoding, so an escaped slash stays inside its segment.
 */
function splitPath(path: string): string[] | undefined {
  if (!path.startsWith("/")) {
    return undefined;
  }
  try {
    return path.slice(1).split("/").map(decodeURIComponent);
  } catch {
    return undefined;
  }
}
