import type * as http from "node:http";
import { Code } from "@connectrpc/connect";
import { toCallError, type CallFaults } from "../../api/errors.js";
import { OAuthError } from "../../api/oauth/oauth-error.js";
import type { OAuthEndpointName, OAuthResponse } from "../../api/oauth/oauth-request.js";
import { OAUTH_PATHS } from "../../api/oauth/discovery.js";
import type { OAuthService } from "../../api/oauth/oauth-service.js";
import type { HttpRoute } from "../http-routes.js";
import { writeResponse, type NodeRequest, type NodeResponse } from "../node-http.js";
import { readForm } from "./form-body.js";

/** RFC 6749 §5.1: token responses (and every answer carrying or judging a token) must not be cached. */
const NO_STORE = { "cache-control": "no-store", pragma: "no-cache" };
const JSON_TYPE = { "content-type": "application/json; charset=utf-8" };

/**
 * The OAuth/OIDC endpoints' HTTP: discovery and JWKS (GET), token, introspection and revocation
 * (POST, form-encoded). Bodies, statuses and headers as RFC 6749, 7009 and 7662 want them; the
 * logic is the api layer's (api/oauth).
 */
export function oauthRoutes(oauth: OAuthService, faults: CallFaults): HttpRoute[] {
  const post = (endpoint: OAuthEndpointName): HttpRoute => ({
    method: "POST",
    path: OAUTH_PATHS[endpoint],
    handler: (req, res) => serveForm(oauth, endpoint, req, res).catch((error: unknown) => failure(res, error, faults)),
  });
  return [
    { method: "GET", path: OAUTH_PATHS.discovery, handler: (_req, res) => sendJson(res, 200, oauth.discovery(), { "cache-control": "max-age=300" }) },
    {
      method: "GET",
      path: OAUTH_PATHS.keys,
      handler: (_req, res) =>
        oauth.jwks().then(
          // Short: a new key appears in the set before it signs, and verifiers refetch on an unknown kid.
          (jwks) => sendJson(res, 200, jwks, { "cache-control": "max-age=60" }),
          (error: unknown) => failure(res, error, faults),
        ),
    },
    post("token"),
    post("introspect"),
    post("revoke"),
  ];
}

async function serveForm(oauth: OAuthService, endpoint: OAuthEndpointName, req: NodeRequest, res: NodeResponse): Promise<void> {
  const form = await readForm(req).catch(() => undefined);
  // The client went away before its body was complete: nobody to answer.
  if (form === undefined) return;
  if (!form.ok) {
    sendError(res, form.status, "invalid_request", form.description, form.status === 413 ? { connection: "close" } : {});
    return;
  }
  let answer: OAuthResponse;
  try {
    answer = await oauth.endpoints[endpoint]({ params: form.params, authorization: req.headers.authorization });
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    // RFC 6749 §5.2: a client that failed to authenticate gets 401 and a challenge.
    const challenge = error.status === 401 ? { "www-authenticate": `Basic realm="keygate", error="${error.error}"` } : {};
    sendError(res, error.status, error.error, error.description, challenge);
    return;
  }
  if (answer === undefined) writeResponse(res, 200, NO_STORE);
  else sendJson(res, 200, answer, NO_STORE);
}

function sendJson(res: NodeResponse, status: number, body: object, headers: http.OutgoingHttpHeaders): void {
  writeResponse(res, status, { ...JSON_TYPE, ...headers }, new TextEncoder().encode(JSON.stringify(body)));
}

function sendError(res: NodeResponse, status: number, error: string, description: string, headers: http.OutgoingHttpHeaders = {}): void {
  sendJson(res, status, { error, error_description: description }, { ...NO_STORE, ...headers });
}

/** A fault that is not the client's: the database unreachable is 503 (RFC 6749's temporarily_unavailable), anything else 500. */
function failure(res: NodeResponse, error: unknown, faults: CallFaults): void {
  const classified = toCallError(error, faults);
  if (classified.code === Code.Unavailable) sendError(res, 503, "temporarily_unavailable", classified.rawMessage, { "retry-after": "1" });
  else sendError(res, 500, "server_error", "internal error");
}
