import { Code, ConnectError, createContextKey, type HandlerContext } from "@connectrpc/connect";
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
