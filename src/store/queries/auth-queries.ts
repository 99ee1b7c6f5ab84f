import type { Kysely } from "kysely";
import type { Membership, OrgMembership } from "../../domain/authorization.js";
import { digestsEqual } from "../../domain/secrets.js";
import { ACTIVE } from "../projections/row-metadata.js";
import type { Database } from "../schema.js";

export interface TokenOwner {
  instanceId: string;
  userId: string;
  /** The org the user belongs to: the default org context. */
  orgId: string;
  /** When the token stops being valid, when known. */
  expiresAt?: Date;
}

/**
 * The active user a bearer token belongs to, if the token exists, has not expired, and its user
 * exists and is active. The digest is looked up by index, then compared again in constant time.
 */
export async function findTokenOwner(db: Kysely<Database>, digest: string, now: Date): Promise<TokenOwner | undefined> {
  const row = await db
    .selectFrom("personal_access_tokens as t")
    .innerJoin("users as u", (join) => join.onRef("u.instance_id", "=", "t.instance_id").onRef("u.id", "=", "t.user_id"))
    .select(["t.token_digest", "t.instance_id", "t.expiration", "u.id as user_id", "u.owner"])
    .where("t.token_digest", "=", digest)
    .where("t.expiration", ">", now)
    .where("u.state", "=", ACTIVE)
    .executeTakeFirst();
  if (!row || !digestsEqual(row.token_digest, digest)) return undefined;
  return { instanceId: row.instance_id, userId: row.user_id, orgId: row.owner, expiresAt: row.expiration };
}

export async function orgExists(db: Kysely<Database>, instanceId: string, orgId: string): Promise<boolean> {
  const row = await db.selectFrom("orgs").select("id").where("instance_id", "=", instanceId).where("id", "=", orgId).executeTakeFirst();
  return row !== undefined;
}

/** The caller's memberships that count in an org context: instance-wide ones and those inside the org. */
export async function membershipsIn(db: Kysely<Database>, instanceId: string, userId: string, orgId: string): Promise<Membership[]> {
  const rows = await db
    .selectFrom("members")
    .select(["aggregate_type", "aggregate_id", "roles"])
    .where("instance_id", "=", instanceId)
    .where("user_id", "=", userId)
    .where((eb) => eb.or([eb("aggregate_type", "=", "instance"), eb("owner", "=", orgId)]))
    .execute();
  return rows.map((row) => ({ scope: row.aggregate_type as Membership["scope"], objectId: row.aggregate_id, roles: row.roles }));
}

/** Every membership of the caller in the instance, with the org each one counts in. */
export async function membershipsOf(db: Kysely<Database>, instanceId: string, userId: string): Promise<OrgMembership[]> {
  const rows = await db
    .selectFrom("members")
    .select(["aggregate_type", "aggregate_id", "owner", "roles"])
    .where("instance_id", "=", instanceId)
    .where("user_id", "=", userId)
    .execute();
  return rows.map((row) => ({
    scope: row.aggregate_type as Membership["scope"],
    objectId: row.aggregate_id,
    orgId: row.aggregate_type === "instance" ? "" : row.owner,
    roles: row.roles,
  }));
}

/** The active user with this id: the subject of a JWT from a trusted issuer. */
export async function findActiveUser(db: Kysely<Database>, userId: string): Promise<TokenOwner | undefined> {
  const row = await db.selectFrom("users").select(["instance_id", "id", "owner"]).where("id", "=", userId).where("state", "=", ACTIVE).executeTakeFirst();
  return row && { instanceId: row.instance_id, userId: row.id, orgId: row.owner };
}
