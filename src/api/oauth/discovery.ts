import { SUPPORTED_SCOPES } from "../../domain/oauth-scopes.js";
import { SIGNING_ALGORITHM } from "../../domain/signing-key.js";
import { GRANT_TYPES } from "./token-endpoint.js";

export const OAUTH_PATHS = {
  discovery: "/.well-known/openid-configuration",
  token: "/oauth/v2/token",
  introspect: "/oauth/v2/introspect",
  revoke: "/oauth/v2/revoke",
  keys: "/oauth/v2/keys",
} as const;

/**
 * `GET /.well-known/openid-configuration`, with ZITADEL's field names and paths, listing only what
 * keygate serves (no authorization endpoint, so no authorization_code, implicit or password grant).
 */
export function discoveryDocument(issuer: string): Record<string, unknown> {
  const algorithms = [SIGNING_ALGORITHM];
  return {
    issuer,
    token_endpoint: `${issuer}${OAUTH_PATHS.token}`,
    introspection_endpoint: `${issuer}${OAUTH_PATHS.introspect}`,
    revocation_endpoint: `${issuer}${OAUTH_PATHS.revoke}`,
    jwks_uri: `${issuer}${OAUTH_PATHS.keys}`,
    scopes_supported: [...SUPPORTED_SCOPES],
    grant_types_supported: [...GRANT_TYPES],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: algorithms,
    token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "private_key_jwt"],
    token_endpoint_auth_signing_alg_values_supported: algorithms,
    revocation_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "private_key_jwt"],
    revocation_endpoint_auth_signing_alg_values_supported: algorithms,
    introspection_endpoint_auth_methods_supported: ["client_secret_basic", "private_key_jwt"],
    introspection_endpoint_auth_signing_alg_values_supported: algorithms,
  };
}
