/** ZITADEL's scopes that keygate's tokens understand (zitadel/internal/api/oidc, domain.ProjectIDScope…). */
export const SCOPE_OPENID = "openid";
export const SCOPE_PROFILE = "profile";
/** The token may call keygate's own API (ZITADEL: the ZITADEL project's audience). */
export const SCOPE_API_AUDIENCE = "urn:zitadel:iam:org:project:id:zitadel:aud";
/** Introspection then carries the user's org: `urn:zitadel:iam:user:resourceowner:id`, `:name`, `:primary_domain`. */
export const SCOPE_RESOURCE_OWNER = "urn:zitadel:iam:user:resourceowner";

const PROJECT_AUDIENCE = /^urn:zitadel:iam:org:project:id:([^:\s]+):aud$/;
const PROJECT_ROLE = /^urn:zitadel:iam:org:project:role:[^\s]+$/;

export const SUPPORTED_SCOPES = [SCOPE_OPENID, SCOPE_PROFILE, SCOPE_API_AUDIENCE, SCOPE_RESOURCE_OWNER] as const;

export interface GrantedScopes {
  /** The scopes the token carries, in the order asked for, without repeats. */
  scopes: string[];
  /** Projects named by `…:project:id:{id}:aud` scopes: the token is meant for their API apps. */
  projectIds: string[];
  /** Whether the token may call keygate's own API. */
  apiAccess: boolean;
}

/**
 * The scopes granted for a space-separated `scope` parameter. As in ZITADEL, scopes keygate does not
 * know are left out rather than refused; role scopes are kept (keygate asserts no roles).
 */
export function grantScopes(requested: string | undefined): GrantedScopes {
  const scopes: string[] = [];
  const projectIds: string[] = [];
  for (const scope of new Set((requested ?? "").split(" ").filter((s) => s !== ""))) {
    const project = PROJECT_AUDIENCE.exec(scope);
    if (project && scope !== SCOPE_API_AUDIENCE) projectIds.push(project[1]!);
    if (project || PROJECT_ROLE.test(scope) || (SUPPORTED_SCOPES as readonly string[]).includes(scope)) scopes.push(scope);
  }
  return { scopes, projectIds, apiAccess: scopes.includes(SCOPE_API_AUDIENCE) };
}

/**
 * A token's audience: the projects its scopes name, and keygate's own API (named by the instance id,
 * as ZITADEL names it by its own project's id) when it may call it.
 */
export function audienceOf(granted: GrantedScopes, apiAudience: string): string[] {
  return [...granted.projectIds, ...(granted.apiAccess ? [apiAudience] : [])];
}
