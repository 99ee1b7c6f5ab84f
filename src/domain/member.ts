import { decide, type Decision } from "./decision.js";
import { alreadyExists, failedPrecondition, invalidArgument, notFound } from "./errors.js";
import { event } from "./events.js";
import { ROLES, type RoleScope } from "./roles.js";

/** A membership target: the instance, an org or a project (each its own aggregate). */
export interface MemberTarget {
  scope: RoleScope;
  aggregateId: string;
}

export interface MemberState {
  userId: string;
  roles: readonly string[];
}

const memberEvent = {
  instance: { added: "instance.member.added", changed: "instance.member.changed", removed: "instance.member.removed" },
  org: { added: "org.member.added", changed: "org.member.changed", removed: "org.member.removed" },
  project: { added: "project.member.added", changed: "project.member.changed", removed: "project.member.removed" },
} as const;

/** Roles must be given, known, and meant for the target: a project role cannot be held on an org. */
function checkRoles(scope: RoleScope, roles: readonly string[]): string[] {
  if (roles.length === 0) throw invalidArgument("MEMBER-4m9fs", "Member is invalid: no roles given");
  const wrong = roles.filter((role) => ROLES[role]?.scope !== scope);
  if (wrong.length > 0) throw invalidArgument("MEMBER-3m9fS", `Member is invalid: ${wrong.join(", ")} cannot be granted on ${scope === "instance" ? "the instance" : `a ${scope}`}`);
  return [...new Set(roles)];
}

export function addMember(target: MemberTarget, existing: MemberState | undefined, userId: string, roles: readonly string[]): Decision {
  const checked = checkRoles(target.scope, roles);
  if (existing) throw alreadyExists("COMMAND-PtXi1", "Member already exists");
  return decide([event(target.scope, target.aggregateId, memberEvent[target.scope].added, { userId, roles: checked })]);
}

export function changeMember(target: MemberTarget, existing: MemberState | undefined, roles: readonly string[]): Decision {
  const checked = checkRoles(target.scope, roles);
  const current = requireMember(existing);
  if (sameRoles(current.roles, checked)) throw failedPrecondition("COMMAND-LiEZO", "No changes");
  return decide([event(target.scope, target.aggregateId, memberEvent[target.scope].changed, { userId: current.userId, roles: checked })]);
}

export function removeMember(target: MemberTarget, existing: MemberState | undefined): Decision {
  const current = requireMember(existing);
  return decide([event(target.scope, target.aggregateId, memberEvent[target.scope].removed, { userId: current.userId })]);
}

/** The instance-wide membership of a user, e.g. the bootstrap admin's IAM_OWNER. */
export const addInstanceMember = (instanceId: string, userId: string, roles: string[]): Decision =>
  addMember({ scope: "instance", aggregateId: instanceId }, undefined, userId, roles);

function requireMember(member: MemberState | undefined): MemberState {
  if (!member) throw notFound("COMMAND-D8JxR", "Member does not exist");
  return member;
}

const sameRoles = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((role) => b.includes(role));
