import { addOrg as decideAddOrg } from "../../domain/org.js";
import type { Actor } from "../event-store.js";
import { detailsOf, type CommandDeps, type WriteDetails } from "./command-deps.js";

/** Creates an org owned by itself, with the caller as its ORG_OWNER. */
export async function addOrg(deps: CommandDeps, actor: Actor, name: string, instanceDomain: string): Promise<{ id: string; details: WriteDetails }> {
  const id = deps.ids.next();
  const decision = decideAddOrg(id, name, instanceDomain, actor.userId);
  const events = await deps.store.execute(actor, { type: "org", id, owner: id }, async () => decision);
  return { id, details: detailsOf(events) };
}
