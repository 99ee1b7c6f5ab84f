import { isExpired } from "../../domain/app-secret.js";
import { SCOPE_RESOURCE_OWNER } from "../../domain/oauth-scopes.js";
import { roleClaims } from "../../domain/project-role-claims.js";
import { accessTokenDigest } from "../../domain/secrets.js";
import type { IssuedAppToken, IssuedToken } from "../../store/oauth-store.js";
import { authenticateApiClient } from "./client-authentication.js";
import { findAnyToken } from "./issued-tokens.js";
import type { OAuthDeps } from "./oauth-deps.js";
import { invalidRequest } from "./oauth-error.js";
import type { OAuthRequest } from "./oauth-request.js";
import { tokenKey } from "./recent-lookups.js";

const INACTIVE = { active: false } as const;

/** A token as introspection found it: a service user's, or an app's own with the roles the app holds now. */
type FoundToken = { kind: "user"; token: IssuedToken } | { kind: "app"; token: IssuedAppToken; roleKeys: string[] };

/**
 * `POST /oauth/v2/introspect` (RFC 7662) for an API app. As in ZITADEL, an app sees a token as
 * active only when the token is meant for the app's project (its audience names the project);
 * unknown, expired and revoked tokens, and those of deactivated or removed users or apps, are
 * inactive. A token an app got for itself shows the roles that app holds when it is introspected.
 */
export async function introspectionEndpoint(deps: OAuthDeps, request: OAuthRequest): Promise<Record<string, unknown>> {
  const app = await authenticatedApp(deps, request);
  const token = request.params.get("token");
  if (!token) throw invalidRequest("token missing");
  // An app introspects the tokens its callers bring, the same ones again and again.
  const found = await deps.lookups.remembered(tokenKey(token), () => findToken(deps, token), (facts) => facts.token.expiresAt.getTime());
  if (!found?.token.audience.includes(app.projectId)) return INACTIVE;
  if (found.kind === "user") return found.token.userActive ? { ...introspectionOf(found.token, found.token.userId, deps.issuer), username: found.token.userName } : INACTIVE;
  const own = found.token;
  if (!own.appActive) return INACTIVE;
  return { ...introspectionOf(own, own.clientId, deps.issuer), ...roleClaims(own.projectId, found.roleKeys, { orgId: own.orgId, primaryDomain: own.orgPrimaryDomain }) };
}

/** What, besides the Authorization header, could change how a request authenticates. */
const OTHER_CREDENTIALS = ["client_id", "client_secret", "client_assertion", "client_assertion_type"];

/**
 * The app an API's requests authenticate as, with the same Basic credentials call after call: from
 * the recent lookups once they authenticated (keyed by the header's digest, so no secret is kept),
 * which skips parsing and matching them again (a tenth of an introspection's CPU). A secret that
 * expired since, by the OAuth clock, is authenticated again, and refused; a change to the app or
 * its secrets forgets at once (recent-lookups.ts). Anything but Basic alone authenticates every time.
 */
async function authenticatedApp(deps: OAuthDeps, request: OAuthRequest): Promise<Awaited<ReturnType<typeof authenticateApiClient>>> {
  const authenticate = () => authenticateApiClient(deps, request, "introspect");
  const header = request.authorization;
  if (header === undefined || OTHER_CREDENTIALS.some((name) => request.params.has(name))) return authenticate();
  const app = (await deps.lookups.remembered(`basic:${accessTokenDigest(header)}`, authenticate))!;
  const { credential } = app;
  const secret = credential.kind === "secret" ? app.secrets.find((stored) => stored.id === credential.secretId) : undefined;
  return secret !== undefined && isExpired(secret, deps.now()) ? authenticate() : app;
}

async function findToken(deps: OAuthDeps, token: string): Promise<FoundToken | undefined> {
  const found = await findAnyToken(deps, token, deps.now());
  return found?.kind === "app" ? { ...found, roleKeys: await deps.store.appRoleKeys(found.token.appId) } : found;
}

type Introspected = Pick<IssuedToken & IssuedAppToken, "id" | "clientId" | "orgId" | "orgName" | "orgPrimaryDomain" | "audience" | "scopes" | "issuedAt" | "expiresAt">;

/** The fields ZITADEL's introspection answers with for a token of `subject` (a service user's adds its user name). */
function introspectionOf(token: Introspected, subject: string, issuer: string): Record<string, unknown> {
  const iat = Math.floor(token.issuedAt.getTime() / 1000);
  return {
    active: true,
    scope: token.scopes.join(" "),
    client_id: token.clientId,
    token_type: "Bearer",
    exp: Math.floor(token.expiresAt.getTime() / 1000),
    iat,
    nbf: iat,
    sub: subject,
    aud: token.audience,
    iss: issuer,
    jti: token.id,
    ...(token.scopes.includes(SCOPE_RESOURCE_OWNER)
      ? {
          [`${SCOPE_RESOURCE_OWNER}:id`]: token.orgId,
          [`${SCOPE_RESOURCE_OWNER}:name`]: token.orgName,
          [`${SCOPE_RESOURCE_OWNER}:primary_domain`]: token.orgPrimaryDomain,
        }
      : {}),
  };
}
