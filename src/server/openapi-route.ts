import type { HttpRoute } from "./http-routes.js";
import { writeResponse } from "./node-http.js";
import { keygateOpenApiDocument, serializeOpenApi } from "./openapi-keygate.js";

/**
 * GET /openapi.json. The document is built from the protos at startup, by
 * the same function that wrote the committed openapi/keygate.openapi.json
 * (CI fails when the two differ), so there is no file to ship or to find.
 */
export function openApiRoutes(): HttpRoute[] {
  const body = Buffer.from(serializeOpenApi(keygateOpenApiDocument()), "utf8");
  return [
    {
      method: "GET",
      path: "/openapi.json",
      handler: (_req, res) => writeResponse(res, 200, { "content-type": "application/json", "cache-control": "no-cache" }, body),
    },
  ];
}
