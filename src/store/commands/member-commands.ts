import type { Decision } from "../../domain/decision.js";
import * as member from "../../domain/member.js";
import type { MemberState, MemberTarget } from "../../domain/member.js";
import { notFound } from "../../domain/errors.js";
import type { Actor } from "../event-store.js";
import { loadMember, loadProject, loadUser, type Scope } from "../write-models.js";
import { detailsOf, type CommandDeps, type WriteDetails } from "./command-deps.js";

/**
 * Memberships of the org context itself or of one of its projects. Only users of the org context
 * can be made members: a user of another org is as unknown here as one that never existed.
 */
export const addMember = (deps: CommandDeps, actor: Actor, target: MemberTarget, userId: string, roles: string[]) =>
  onMember(deps, actor, target, userId, async (scope, existing) => {
    if (!(await loadUser(scope, userId))) throw notFound("COMMAND-4m9Gd", "User could not be found");
    return member.addMember(target, existing, userId, roles);
  });

export const changeMember = (deps: CommandDeps, actor: Actor, target: MemberTarget, userId: string, roles: string[]) =>
  onMember(deps, actor, target, userId, async (_scope, existing) => member.changeMember(target, existing, roles));

export const removeMember = (deps: CommandDeps, actor: Actor, target: MemberTarget, userId: string) =>
  onMember(deps, actor, target, userId, async (_scope, existing) => member.removeMember(target, existing));

async function onMember(
  deps: CommandDeps,
  actor: Actor,
  target: MemberTarget,
  userId: string,
  decide: (scope: Scope, existing: MemberState | undefined) => Promise<Decision>,
): Promise<WriteDetails> {
  // The user is held while the membership is decided: removing a user deletes its memberships in
  // every project and org, so a membership decided beside a racing removal would outlive the user
  // (live projections would then differ from a rebuild).
  const events = await deps.store.execute(
    actor,
    { type: target.scope, id: target.aggregateId },
    async (tx) => {
      const scope = { tx, instanceId: actor.instanceId, orgId: actor.orgId };
      if (target.scope === "project" && !(await loadProject(scope, target.aggregateId))) throw notFound("COMMAND-3M9sd", "Project not found");
      return decide(scope, await loadMember(scope, target, userId));
    },
    { hold: [{ type: "user", id: userId }] },
  );
  return detailsOf(events);
}
