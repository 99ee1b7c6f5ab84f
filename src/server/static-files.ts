import { readdirSync, readFileSync } from "node:fs";
import { extname, join, relative, sep } from "node:path";
import type { OutgoingHttpHeaders } from "node:http";
import type { HttpRoute } from "./http-routes.js";
import { writeResponse } from "./node-http.js";

const contentTypes: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
};

/**
 * One exact GET route per file under `dir`, mounted at `mount` ("/console"),
 * with `${mount}/` serving index.html and `${mount}` redirecting there.
 *
 * The files are listed and read once, now: a URL can only name a file that
 * was in the directory at startup, so no request path ever reaches the file
 * system (no traversal through "..", encoded slashes or symlinks made later).
 */
export function staticFileRoutes(dir: string, mount: string, headers: OutgoingHttpHeaders = {}): HttpRoute[] {
  const routes: HttpRoute[] = [];
  for (const file of listFiles(dir)) {
    const urlPath = `${mount}/${relative(dir, file).split(sep).join("/")}`;
    const body = readFileSync(file);
    const fileHeaders = {
      ...headers,
      "content-type": contentTypes[extname(file).toLowerCase()] ?? "application/octet-stream",
      "x-content-type-options": "nosniff",
      // Small files that change with every build: revalidate instead of guessing a lifetime.
      "cache-control": "no-cache",
    };
    const handler: HttpRoute["handler"] = (_req, res) => writeResponse(res, 200, fileHeaders, body);
    routes.push({ method: "GET", path: urlPath, handler });
    if (urlPath === `${mount}/index.html`) {
      routes.push({ method: "GET", path: `${mount}/`, handler });
    }
  }
  routes.push({
    method: "GET",
    path: mount,
    handler: (_req, res) => writeResponse(res, 301, { location: `${mount}/` }),
  });
  return routes;
}

/** Regular files under dir, recursively; [] when dir does not exist. */
function listFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true, recursive: true });
  } catch {
    return [];
  }
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).sort();
}
