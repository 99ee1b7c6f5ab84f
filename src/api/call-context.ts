import { Code, ConnectError, createContextKey, type HandlerContext } from "@connectrpc/connect";
import type { Membership, OrgMembership } from "../domain/authorization.js";
import type { Actor } from "../store/event-store.js";

/** The authenticated caller, the org context it acts in, and the projects its roles reach. */
export interface Caller {
  actor: Actor;
  /** "all" when an instance or org role grants the method's permission, else the project ids that do. */
  projectScope: "all" | string[];
}

export const callerKey = createContextKey<Caller | undefined>(undefined, { description: "keygate caller" });

export function callerOf(ctx: HandlerContext): Caller {
  const caller = ctx.values.get(callerKey);
  // Only reachable if a method were exempted from authentication by mistake.
  if (!caller) throw new ConnectError("auth header missing", Code.Unauthenticated);
  return caller;
}

export const actorOf = (ctx: HandlerContext): Actor => callerOf(ctx).actor;

/**
 * A caller of the v2 services, known by its token only: the org it acts in is the org owning the
 * project or app the request names (or its organizationId), and its permissions are checked there,
 * by the service, once that org is known.
 */
export interface Identity {
  instanceId: string;
  userId: string;
  /** The org of the caller's user. */
  homeOrgId: string;
  /** The caller's memberships that count in `orgId`: instance-wide ones and those inside the org. */
  membershipsIn(orgId: string): Promise<Membership[]>;
  /** Every membership of the caller in the instance, with the org each one is in. */
  allMemberships(): Promise<OrgMembership[]>;
}

export const identityKey = createContextKey<Identity | undefined>(undefined, { description: "keygate v2 caller" });

export function identityOf(ctx: HandlerContext): Identity {
  const identity = ctx.values.get(identityKey);
  if (!identity) throw new ConnectError("auth header missing", Code.Unauthenticated);
  return identity;
}
