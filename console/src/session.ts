/**
 * The token and the chosen organization, in sessionStorage only: they live
 * as long as this tab and never reach localStorage or a cookie.
 */
export interface Session {
  token: string;
  /** Sent as x-zitadel-orgid; "" for the organization of the token's user. */
  orgId: string;
}

const tokenKey = "keygate.token";
const orgKey = "keygate.orgId";

export function loadSession(): Session | undefined {
  const token = sessionStorage.getItem(tokenKey);
  return token ? { token, orgId: sessionStorage.getItem(orgKey) ?? "" } : undefined;
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(tokenKey, session.token);
  sessionStorage.setItem(orgKey, session.orgId);
}

export function clearSession(): void {
  sessionStorage.removeItem(tokenKey);
  sessionStorage.removeItem(orgKey);
}
