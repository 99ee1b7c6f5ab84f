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
const knownOrgsKey = "keygate.orgs";

/** An organization the console has opened in this tab: the wizard offers these. */
export interface KnownOrg {
  id: string;
  name: string;
}

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
  sessionStorage.removeItem(knownOrgsKey);
}

export function knownOrgs(): KnownOrg[] {
  try {
    const stored: unknown = JSON.parse(sessionStorage.getItem(knownOrgsKey) ?? "[]");
    return Array.isArray(stored) ? stored.filter(isKnownOrg) : [];
  } catch {
    return []; // edited by hand: start the list again
  }
}

/** Adds the org to the known ones, or renames it there. */
export function rememberOrg(org: KnownOrg): void {
  const known = knownOrgs();
  const entry = { id: org.id, name: org.name };
  const list = known.some((k) => k.id === org.id) ? known.map((k) => (k.id === org.id ? entry : k)) : [...known, entry];
  sessionStorage.setItem(knownOrgsKey, JSON.stringify(list));
}

function isKnownOrg(value: unknown): value is KnownOrg {
  const org = value as Partial<KnownOrg> | null;
  return typeof org?.id === "string" && typeof org.name === "string";
}
