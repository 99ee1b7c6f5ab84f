import type { MemberTarget } from "../../domain/member.js";
import { rolesOfScope } from "../../domain/roles.js";
import { Type } from "../../gen/zitadel/user_pb.js";
import type { SearchQuery as MemberSearchQuery } from "../../gen/zitadel/member_pb.js";
import type { MembershipQuery } from "../../gen/zitadel/user_pb.js";
import type { MembershipFilter, MemberView } from "../../store/queries/member-queries.js";
import type { Actor } from "../../store/event-store.js";
import { actorOf } from "../call-context.js";
import { addedDetails, changedDetails, listDetails, listOptions, readDetails } from "../details.js";
import type { ManagementPart, ServiceDeps } from "./service-deps.js";

const orgTarget = (actor: Actor): MemberTarget => ({ scope: "org", aggregateId: actor.orgId });
const projectTarget = (projectId: string): MemberTarget => ({ scope: "project", aggregateId: projectId });

/**
 * Member search queries, ANDed as in ZITADEL. keygate's members are machine users, which have no
 * first or last name and no email, so those queries match nobody.
 */
function memberUserIds(queries: MemberSearchQuery[]): string[] | undefined {
  let userIds: string[] | undefined;
  for (const { query } of queries) {
    if (query.case === undefined) continue;
    const matches = query.case === "userIdQuery" ? [query.value.userId] : [];
    userIds = userIds === undefined ? matches : userIds.filter((id) => matches.includes(id));
  }
  return userIds;
}

/** Membership queries, ANDed: each names a scope (and an object) a membership must be on. */
function membershipScopes(queries: MembershipQuery[]): MembershipFilter[] {
  return queries.flatMap(({ query }): MembershipFilter[] => {
    switch (query.case) {
      case "orgQuery":
        return [{ scope: "org", objectId: query.value.orgId }];
      case "projectQuery":
        return [{ scope: "project", objectId: query.value.projectId }];
      case "iamQuery":
        return [{ scope: "instance" }];
      case "projectGrantQuery":
        return [{ scope: "project-grant" }];
      default:
        return [];
    }
  });
}

const memberMessage = (view: MemberView) => ({
  userId: view.userId,
  details: readDetails(view.details),
  roles: view.roles,
  preferredLoginName: view.userName,
  displayName: view.userName,
  userType: Type.MACHINE,
  userResourceOwner: view.userOwner,
});

const membershipMessage = (view: MemberView) => ({
  userId: view.userId,
  details: readDetails(view.details),
  roles: view.roles,
  displayName: view.userName,
  type:
    view.scope === "instance"
      ? { case: "iam" as const, value: true }
      : view.scope === "org"
        ? { case: "orgId" as const, value: view.objectId }
        : { case: "projectId" as const, value: view.objectId },
});

/** Memberships and roles of the org context and its projects. */
export function memberService({ queries, commands }: ServiceDeps): ManagementPart {
  return {
    listOrgMemberRoles: () => ({ result: rolesOfScope("org") }),
    listProjectMemberRoles: () => {
      const result = rolesOfScope("project");
      return { details: { totalResult: BigInt(result.length) }, result };
    },

    async addOrgMember(req, ctx) {
      const actor = actorOf(ctx);
      return { details: addedDetails(await commands.as(actor).addMember(orgTarget(actor), req.userId, req.roles)) };
    },
    async updateOrgMember(req, ctx) {
      const actor = actorOf(ctx);
      return { details: changedDetails(await commands.as(actor).changeMember(orgTarget(actor), req.userId, req.roles)) };
    },
    async removeOrgMember(req, ctx) {
      const actor = actorOf(ctx);
      return { details: changedDetails(await commands.as(actor).removeMember(orgTarget(actor), req.userId)) };
    },
    async listOrgMembers(req, ctx) {
      const actor = actorOf(ctx);
      const page = await queries.as(actor).listMembers(orgTarget(actor), memberUserIds(req.queries), listOptions(req.query));
      return { details: listDetails(page), result: page.result.map(memberMessage) };
    },

    async addProjectMember(req, ctx) {
      return { details: addedDetails(await commands.as(actorOf(ctx)).addMember(projectTarget(req.projectId), req.userId, req.roles)) };
    },
    async updateProjectMember(req, ctx) {
      return { details: changedDetails(await commands.as(actorOf(ctx)).changeMember(projectTarget(req.projectId), req.userId, req.roles)) };
    },
    async removeProjectMember(req, ctx) {
      return { details: changedDetails(await commands.as(actorOf(ctx)).removeMember(projectTarget(req.projectId), req.userId)) };
    },
    async listProjectMembers(req, ctx) {
      const page = await queries.as(actorOf(ctx)).listMembers(projectTarget(req.projectId), memberUserIds(req.queries), listOptions(req.query));
      return { details: listDetails(page), result: page.result.map(memberMessage) };
    },

    async listUserMemberships(req, ctx) {
      const page = await queries.as(actorOf(ctx)).listUserMemberships(req.userId, membershipScopes(req.queries), listOptions(req.query));
      return { details: listDetails(page), result: page.result.map(membershipMessage) };
    },
  };
}
