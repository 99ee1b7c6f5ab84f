import type { IssuedAppToken, IssuedToken } from "../../store/oauth-store.js";
import { tokenLookup, userToken } from "./access-tokens.js";
import { appToken } from "./app-tokens.js";
import type { OAuthDeps } from "./oauth-deps.js";

/** A token keygate issued and has not revoked: a service user's, or one an API app got for itself. */
export type IssuedAnyToken = { kind: "user"; token: IssuedToken } | { kind: "app"; token: IssuedAppToken };

/** The unexpired token `token` is, whatever the state of its user or app (callers decide). */
export async function findAnyToken(deps: Pick<OAuthDeps, "keys" | "store" | "issuer">, token: string, now: Date): Promise<IssuedAnyToken | undefined> {
  const lookup = await tokenLookup(deps, token, now);
  if (!lookup) return undefined;
  const user = await userToken(deps, lookup, now);
  if (user) return { kind: "user", token: user };
  const own = await appToken(deps, lookup, now);
  return own && { kind: "app", token: own };
}
