import type { HttpRoute } from "./http-routes.js";
import { writeResponse } from "./node-http.js";
import { keygateOpenApiDocument, serializeOpenApi } from "./openapi-keygate.js";

/**
 * GET /openapi.json. The document is built from the protos on the first
 * request, by the same function that wrote the committed
 * openapi/keygate.openapi.json (CI fails when the two differ), so there is no
 * file to ship or to find. Not at startup: nothing else needs it, and it
 * would add tens of milliseconds to every start.
 */
export function openApiRoutes(): HttpRoute[] {
  let body: Buffer | undefined;
  return [
    {
      method: "GET",
      path: "/openapi.json",
      handler: (_req, res) => {
        body ??= Buffer.from(serializeOpenApi(keygateOpenApiDocument()), "utf8");
        writeResponse(res, 200, { "content-type": "application/json", "cache-control": "no-cache" }, body);
      },
    },
  ];
}
