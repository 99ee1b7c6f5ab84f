import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { HttpRoute } from "./http-routes.js";
import { writeResponse } from "./node-http.js";
import { staticFileRoutes } from "./static-files.js";

/**
 * Where `npm run build:console` puts the bundle: <repo>/dist/console. This
 * module runs as its own file, src/server/console-routes.ts (tsx, tests,
 * scripts), or inside the server bundle dist/main.js (npm run build:server).
 */
const ownFile = /\/console-routes\.[jt]s$/.test(import.meta.url);
export const defaultConsoleDir = fileURLToPath(new URL(ownFile ? "../../dist/console" : "./console", import.meta.url));

/**
 * The browser console at /console/. Same origin as the API, so its gRPC-Web
 * calls need no CORS. The policy lets the page load only its own files and
 * talk only to keygate; a token typed into it cannot be sent anywhere else.
 */
const securityHeaders = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

export function consoleRoutes(dir: string = defaultConsoleDir): HttpRoute[] {
  if (!existsSync(`${dir}/index.html`)) {
    // Started without a build (e.g. plain `tsx src/main.ts`): say so instead of a bare 404.
    const notBuilt: HttpRoute["handler"] = (_req, res) =>
      writeResponse(res, 503, { "content-type": "text/plain; charset=utf-8" }, Buffer.from("The console is not built: run `npm run build:console`.\n"));
    return [
      { method: "GET", path: "/console", handler: notBuilt },
      { method: "GET", path: "/console/", handler: notBuilt },
    ];
  }
  return staticFileRoutes(dir, "/console", securityHeaders);
}
