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

/** Members of one org or project of the org context (ordered by user id). */
export function listMembers(db: Kysely<Database>, instanceId: string, orgId: string, target: MemberTarget, options: ListOptions): Promise<Page<MemberView>> {
  const query = membersWithUsers(db, instanceId)
    .where("m.aggregate_type", "=", target.scope)
    .where("m.aggregate_id", "=", target.aggregateId)
    .where("m.owner", "=", orgId);
  return paged(query, (q) => q.select(columns), "m.user_id", "m.sequence", options, toView);
}

/** A user's memberships that lie in the org context (its org and projects), plus instance roles. */
export function listUserMemberships(db: Kysely<Database>, instanceId: string, orgId: string, userId: string, options: ListOptions): Promise<Page<MemberView>> {
  const query = membersWithUsers(db, instanceId)
    .where("m.user_id", "=", userId)
    .where("u.owner", "=", orgId)
    .where((eb) => eb.or([eb("m.owner", "=", orgId), eb("m.aggregate_type", "=", "instance")]));
  return paged(query, (q) => q.select(columns), "m.aggregate_id", "m.sequence", options, toView);
}
