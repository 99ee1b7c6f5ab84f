import type { Kysely } from "kysely";
import type { MemberTarget } from "../../domain/member.js";
import type { Database } from "../schema.js";
import type { ListOptions, Page } from "./list-options.js";
import { paged } from "./paged.js";
import { readDetails, type ReadDetails } from "./projections-read.js";

export interface MemberView {
  userId: string;
  userName: string;
  userOwner: string;
  roles: string[];
  /** instance, org or project */
  scope: string;
  objectId: string;
  details: ReadDetails;
}

function membersWithUsers(db: Kysely<Database>, instanceId: string) {
  return db
    .selectFrom("members as m")
    .innerJoin("users as u", (join) => join.onRef("u.instance_id", "=", "m.instance_id").onRef("u.id", "=", "m.user_id"))
    .where("m.instance_id", "=", instanceId);
}

const columns = [
  "m.user_id",
  "m.roles",
  "m.aggregate_type",
  "m.aggregate_id",
  "m.owner",
  "m.sequence",
  "m.creation_date",
  "m.change_date",
  "u.user_name",
  "u.owner as user_owner",
] as const;

type Row = {
  user_id: string;
  roles: string[];
  aggregate_type: string;
  aggregate_id: string;
  owner: string;
  sequence: number;
  creation_date: Date;
  change_date: Date;
  user_name: string;
  user_owner: string;
};

const toView = (row: Row): MemberView => ({
  userId: row.user_id,
  userName: row.user_name,
  userOwner: row.user_owner,
  roles: row.roles,
  scope: row.aggregate_type,
  objectId: row.aggregate_id,
  details: readDetails(row, row.owner),
});

/** A scope a membership must be on; "project-grant" exists in ZITADEL only and matches nothing here. */
export interface MembershipFilter {
  scope: "instance" | "org" | "project" | "project-grant";
  objectId?: string;
}

/** Members of one org or project of the org context (ordered by user id), optionally only some users. */
export function listMembers(
  db: Kysely<Database>,
  instanceId: string,
  orgId: string,
  target: MemberTarget,
  userIds: string[] | undefined,
  options: ListOptions,
): Promise<Page<MemberView>> {
  let query = membersWithUsers(db, instanceId)
    .where("m.aggregate_type", "=", target.scope)
    .where("m.aggregate_id", "=", target.aggregateId)
    .where("m.owner", "=", orgId);
  // An empty list matches nobody (user ids are never null).
  if (userIds) query = userIds.length === 0 ? query.where("m.user_id", "is", null) : query.where("m.user_id", "in", userIds);
  return paged(query, (q) => q.select(columns), "m.user_id", "m.sequence", options, toView);
}

/** A user's memberships that lie in the org context (its org and projects), plus instance roles. */
export function listUserMemberships(
  db: Kysely<Database>,
  instanceId: string,
  orgId: string,
  userId: string,
  filters: MembershipFilter[],
  options: ListOptions,
): Promise<Page<MemberView>> {
  let query = membersWithUsers(db, instanceId)
    .where("m.user_id", "=", userId)
    .where("u.owner", "=", orgId)
    .where((eb) => eb.or([eb("m.owner", "=", orgId), eb("m.aggregate_type", "=", "instance")]));
  for (const filter of filters) {
    query = query.where("m.aggregate_type", "=", filter.scope);
    if (filter.objectId !== undefined) query = query.where("m.aggregate_id", "=", filter.objectId);
  }
  return paged(query, (q) => q.select(columns), "m.aggregate_id", "m.sequence", options, toView);
}
