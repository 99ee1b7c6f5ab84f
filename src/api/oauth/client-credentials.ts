import { invalidClient, invalidRequest } from "./oauth-error.js";
import type { OAuthRequest } from "./oauth-request.js";

export const CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

export type ClientAuthMethod = "client_secret_basic" | "client_secret_post" | "private_key_jwt";

/** What a client presented to prove who it is, not yet checked. */
export type PresentedCredentials =
  | { method: "client_secret_basic" | "client_secret_post"; clientId: string; secret: string }
  | { method: "private_key_jwt"; assertion: string };

/**
 * The credentials in a request: HTTP Basic (RFC 6749 §2.3.1: id and secret form-encoded, then
 * joined by a colon), `client_id` and `client_secret` in the body, or a client assertion (RFC 7523
 * §2.2). A request that uses more than one method is refused, as §2.3 requires; one that uses none
 * is not authenticated.
 */
export function presentedCredentials(request: OAuthRequest, allowed: readonly ClientAuthMethod[]): PresentedCredentials {
  const basic = basicCredentials(request.authorization);
  const postSecret = request.params.get("client_secret");
  const assertion = request.params.get("client_assertion");
  const used = [basic, postSecret, assertion].filter((c) => c !== undefined).length;
  if (used > 1) throw invalidRequest("more than one client authentication method used");
  if (basic && allowed.includes("client_secret_basic")) return { method: "client_secret_basic", ...basic };
  if (postSecret !== undefined && allowed.includes("client_secret_post")) {
    const clientId = request.params.get("client_id");
    if (!clientId) throw invalidClient("client_id missing");
    return { method: "client_secret_post", clientId, secret: postSecret };
  }
  if (assertion !== undefined && allowed.includes("private_key_jwt")) {
    if (request.params.get("client_assertion_type") !== CLIENT_ASSERTION_TYPE) throw invalidClient(`client_assertion_type must be ${CLIENT_ASSERTION_TYPE}`);
    return { method: "private_key_jwt", assertion };
  }
  throw invalidClient(used === 0 ? "client authentication missing" : "client authentication method not allowed here");
}

const BASIC = /^basic /i;

function basicCredentials(header: string | undefined): { clientId: string; secret: string } | undefined {
  if (header === undefined || !BASIC.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) throw invalidClient("malformed Basic credentials");
  try {
    return { clientId: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw invalidClient("malformed Basic credentials");
  }
}

const formDecode = (value: string) => decodeURIComponent(value.replace(/\+/g, " "));
