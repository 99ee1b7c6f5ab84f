import type { Kysely, Selectable } from "kysely";
import { notFound } from "../../domain/errors.js";
import type { Database, PersonalAccessTokensTable, UsersTable } from "../schema.js";
import { textCondition, type ListOptions, type Page, type TextQuery } from "./list-options.js";
import { paged } from "./paged.js";
import { readDetails, type ReadDetails } from "./projections-read.js";

export interface UserView {
  id: string;
  userName: string;
  name: string;
  description: string;
  state: number;
  /** ZITADEL's AccessTokenType number. */
  accessTokenType: number;
  /** Whether it has a client secret (never the secret or its hash). */
  hasSecret: boolean;
  details: ReadDetails;
}

export interface PersonalAccessTokenView {
  id: string;
  expiration: Date;
  details: ReadDetails;
}

const toUserView = (row: Selectable<UsersTable>): UserView => ({
  id: row.id,
  userName: row.user_name,
  name: row.name,
  description: row.description,
  state: row.state,
  accessTokenType: row.access_token_type,
  hasSecret: row.secret_hash !== null,
  details: readDetails(row, row.owner),
});

const usersOfOrg = (db: Kysely<Database>, instanceId: string, orgId: string) =>
  db.selectFrom("users").where("instance_id", "=", instanceId).where("owner", "=", orgId);

/** A user of another org is as absent as one that never existed. */
export async function getUser(db: Kysely<Database>, instanceId: string, orgId: string, userId: string): Promise<UserView> {
  const row = await usersOfOrg(db, instanceId, orgId).selectAll().where("id", "=", userId).executeTakeFirst();
  if (!row) throw notFound("QUERY-Dfbg2", "User could not be found");
  return toUserView(row);
}

export interface UserFilter {
  userNames: TextQuery[];
  ids: string[] | undefined;
}

export function listUsers(db: Kysely<Database>, instanceId: string, orgId: string, filter: UserFilter, options: ListOptions): Promise<Page<UserView>> {
  let query = usersOfOrg(db, instanceId, orgId);
  for (const userName of filter.userNames) query = query.where(textCondition("user_name", userName));
  // An empty id list matches nobody (ids are never null).
  if (filter.ids) query = filter.ids.length === 0 ? query.where("id", "is", null) : query.where("id", "in", filter.ids);
  return paged(query, (q) => q.selectAll(), "id", "sequence", options, toUserView);
}

const toTokenView = (row: Selectable<PersonalAccessTokensTable>): PersonalAccessTokenView => ({
  id: row.id,
  expiration: row.expiration,
  details: readDetails(row, row.owner),
});

/** Token metadata only: the digest never leaves the store. */
export function listPersonalAccessTokens(db: Kysely<Database>, instanceId: string, orgId: string, userId: string, options: ListOptions): Promise<Page<PersonalAccessTokenView>> {
  const query = db
    .selectFrom("personal_access_tokens")
    .where("instance_id", "=", instanceId)
    .where("owner", "=", orgId)
    .where("user_id", "=", userId);
  return paged(query, (q) => q.select(["id", "expiration", "owner", "sequence", "creation_date", "change_date"]), "id", "sequence", options, (row) =>
    toTokenView(row as Selectable<PersonalAccessTokensTable>),
  );
}
